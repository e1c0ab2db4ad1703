#include "flowfeat/config/config_loader.hpp"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "config_fields.hpp"

namespace flowfeat {
namespace {

using config_detail::Field;
using config_detail::ValueType;
using config_detail::quote;

using Problems = std::vector<ConfigError::Problem>;

int line_of(const YAML::Mark& mark) { return mark.line >= 0 ? mark.line + 1 : 0; }

std::string allowed_suffix(const Field& field) { return " (allowed: " + std::string(field.allowed) + ")"; }

// How a node is described after "got ...".
std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Scalar:
      return node.Tag() == "!" ? "the quoted string " + quote(node.Scalar()) : quote(node.Scalar());
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return "nothing";
  }
  return "an unknown node";
}

// One entry below a key prefix: a leaf key (field set) or a section holding more keys.
struct Child {
  std::string name;
  const Field* field = nullptr;
};

// The known children of a section, derived from the field table so the two cannot disagree.
std::vector<Child> children_of(const std::string& prefix) {
  std::vector<Child> out;
  for (const Field& f : config_detail::fields()) {
    std::string_view rest = f.key;
    if (!prefix.empty()) {
      if (!rest.starts_with(prefix) || rest.size() <= prefix.size() || rest[prefix.size()] != '.') continue;
      rest.remove_prefix(prefix.size() + 1);
    }
    const std::size_t dot = rest.find('.');
    std::string name(rest.substr(0, dot));
    bool known = false;
    for (const Child& c : out) known = known || c.name == name;
    if (!known) out.push_back({name, dot == std::string_view::npos ? &f : nullptr});
  }
  return out;
}

std::string names_of(const std::vector<Child>& children) {
  std::string out;
  for (const Child& c : children) out += (out.empty() ? "" : ", ") + c.name;
  return out;
}

// Walks the document against the field table, filling config and collecting every problem rather
// than stopping at the first.
class Walker {
 public:
  Walker(Config& config, Problems& problems) : config_(config), problems_(problems) {}

  void walk_root(const YAML::Node& root) {
    if (root.IsNull() || !root.IsDefined()) return;
    if (!root.IsMap()) {
      report("", "expected a map with the sections " + names_of(children_of("")) + ", got " + describe(root),
             root.Mark());
      return;
    }
    walk_map(root, "");
  }

 private:
  void report(std::string key, std::string message, const YAML::Mark& mark) {
    problems_.push_back({std::move(key), std::move(message), line_of(mark)});
  }

  void walk_map(const YAML::Node& map, const std::string& prefix) {
    const std::vector<Child> children = children_of(prefix);
    std::map<std::string, int> seen;  // key -> line of its first occurrence
    // Entries are iterated by value: yaml-cpp's iterator-> hands out a temporary proxy.
    for (const auto& entry : map) {
      const YAML::Node& key = entry.first;
      const YAML::Node& value = entry.second;
      if (!key.IsScalar()) {
        report(prefix, "keys must be plain names, got " + describe(key), key.Mark());
        continue;
      }
      const std::string path = prefix.empty() ? key.Scalar() : prefix + "." + key.Scalar();
      const auto [first, inserted] = seen.emplace(key.Scalar(), line_of(key.Mark()));
      if (!inserted) {
        report(path, "duplicate key (first given on line " + std::to_string(first->second) + ")", key.Mark());
        continue;
      }
      const Child* child = nullptr;
      for (const Child& c : children) {
        if (c.name == key.Scalar()) child = &c;
      }
      if (child == nullptr) {
        report(path, "unknown key (expected one of: " + names_of(children) + ")", key.Mark());
      } else if (child->field != nullptr) {
        visit_leaf(*child->field, path, key, value);
      } else if (value.IsMap()) {
        walk_map(value, path);
      } else if (!value.IsNull()) {  // a section left empty (all keys commented out) keeps its defaults
        report(path, "expected a map with the keys " + names_of(children_of(path)) + ", got " + describe(value),
               key.Mark());
      }
    }
  }

  void visit_leaf(const Field& field, const std::string& path, const YAML::Node& key, const YAML::Node& value) {
    if (field.type == ValueType::text_list) {
      visit_list(field, path, key, value);
      return;
    }
    if (field.type == ValueType::text_map) {
      visit_text_map(field, path, key, value);
      return;
    }
    if (!value.IsScalar()) {
      report(path, "expected " + std::string(type_name(field.type)) + ", got " + describe(value) +
                       allowed_suffix(field),
             key.Mark());
      return;
    }
    // A quoted "60" is a string in YAML; accepting it would hide a typing mistake.
    const bool typed = field.type == ValueType::seconds || field.type == ValueType::count ||
                       field.type == ValueType::boolean;
    if (typed && value.Tag() != "?") {
      report(path, "expected " + std::string(type_name(field.type)) + ", got " + describe(value) +
                       allowed_suffix(field),
             key.Mark());
      return;
    }
    if (auto problem = field.assign(config_, value.Scalar())) {
      report(path, *problem + allowed_suffix(field), key.Mark());
    }
  }

  void visit_list(const Field& field, const std::string& path, const YAML::Node& key, const YAML::Node& value) {
    field.clear(config_);
    if (value.IsNull()) return;
    if (!value.IsSequence()) {
      report(path, "expected a list of strings, got " + describe(value) + allowed_suffix(field), key.Mark());
      return;
    }
    std::size_t index = 0;
    for (const YAML::Node& element : value) {
      const std::string element_path = path + "[" + std::to_string(index++) + "]";
      const YAML::Mark mark = line_of(element.Mark()) > 0 ? element.Mark() : key.Mark();
      if (!element.IsScalar()) {
        report(element_path, "expected a string, got " + describe(element), mark);
      } else if (auto problem = field.assign(config_, element.Scalar())) {
        report(element_path, *problem, mark);
      }
    }
  }

  void visit_text_map(const Field& field, const std::string& path, const YAML::Node& key, const YAML::Node& value) {
    field.clear(config_);
    if (value.IsNull()) return;
    if (!value.IsMap()) {
      report(path, "expected a map of names to values, got " + describe(value) + allowed_suffix(field), key.Mark());
      return;
    }
    for (const auto& entry : value) {
      const YAML::Node& name = entry.first;
      const YAML::Node& element = entry.second;
      if (!name.IsScalar() || !element.IsScalar()) {
        report(path, "expected name: value pairs of strings, got " + describe(name) + ": " + describe(element),
               name.Mark());
      } else if (auto problem = field.assign(config_, name.Scalar() + "=" + element.Scalar())) {
        report(path + "." + name.Scalar(), *problem, name.Mark());
      }
    }
  }

  Config& config_;
  Problems& problems_;
};

// Remembers where the first event of a document is.
class FirstEventMark : public YAML::EventHandler {
 public:
  YAML::Mark mark = YAML::Mark::null_mark();

  void OnDocumentStart(const YAML::Mark& m) override { note(m); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { note(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& m) {
    if (mark.is_null()) mark = m;
  }
};

// Where a second document starts, if there is one. YAML::LoadAll is not used: yaml-cpp 0.7 loops
// forever, allocating, on a stray ',' (jbeder/yaml-cpp#1040); two parser steps are always bounded.
std::optional<YAML::Mark> second_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  FirstEventMark first;
  FirstEventMark second;
  if (!parser.HandleNextDocument(first) || !parser.HandleNextDocument(second)) return std::nullopt;
  return second.mark;
}

}  // namespace

Config load_config_text(std::string_view yaml, std::string_view source) { return load_config_text(yaml, source, Config{}); }

Config load_config_text(std::string_view yaml, std::string_view source, Config base) {
  Config config = std::move(base);
  Problems problems;
  const std::string text(yaml);
  YAML::Node root;
  std::optional<YAML::Mark> extra_document;
  try {
    root = YAML::Load(text);
    extra_document = second_document(text);
  } catch (const YAML::Exception& e) {
    std::string message = "invalid YAML: " + e.msg;
    if (e.mark.column >= 0) message += " (column " + std::to_string(e.mark.column + 1) + ")";
    throw ConfigError(std::string(source), {{"", std::move(message), line_of(e.mark)}});
  }
  if (extra_document) {
    problems.push_back({"", "invalid YAML: content after the end of the first document; a configuration is a "
                            "single document",
                        line_of(*extra_document)});
  }
  Walker(config, problems).walk_root(root);
  if (!problems.empty()) throw ConfigError(std::string(source), std::move(problems));
  return config;
}

std::vector<std::string> configuration_keys() {
  std::vector<std::string> keys;
  for (const Field& field : config_detail::fields()) keys.emplace_back(field.key);
  return keys;
}

Config load_config_file(const std::string& path) { return load_config_file(path, Config{}); }

Config load_config_file(const std::string& path, Config base) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw ConfigError(path, {{"", "cannot read the configuration file: it is a folder", 0}});
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    throw ConfigError(path, {{"", "cannot open the configuration file: " +
                                      std::string(error != 0 ? std::strerror(error) : "unknown error"),
                              0}});
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(path, {{"", "cannot read the configuration file", 0}});
  return load_config_text(text.str(), path, std::move(base));
}

}  // namespace flowfeat
