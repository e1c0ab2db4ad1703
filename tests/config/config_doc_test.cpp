// The README's configuration table is generated from the key table of the loader (types, allowed
// values) and the shipped config/flowfeat.yaml (defaults, and the comments that explain each key);
// this test keeps it in step. Regenerate with: FLOWFEAT_UPDATE_DOCS=1 ctest -R ConfigDoc
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "config_fields.hpp"
#include "doc_block.hpp"

namespace flowfeat {
namespace {

struct DocumentedKey {
  std::string value;    // as written in the file
  std::string meaning;  // the comment lines above the key, joined
};

// Leaf keys of the shipped file by full path, with their value and comment. Lists written over
// several lines ("- item") are shown as "see the file".
std::map<std::string, DocumentedKey> documented_keys(const std::string& path) {
  std::ifstream in(path);
  std::map<std::string, DocumentedKey> keys;
  std::vector<std::pair<std::size_t, std::string>> sections;  // indentation, name
  std::string comment;
  for (std::string line; std::getline(in, line);) {
    const std::size_t indent = line.find_first_not_of(' ');
    if (indent == std::string::npos) {
      comment.clear();
      continue;
    }
    if (line[indent] == '#') {
      std::string text = line.substr(indent + 1);
      if (!text.empty() && text[0] == ' ') text.erase(0, 1);
      comment += (comment.empty() ? "" : " ") + text;
      continue;
    }
    if (line[indent] == '-') continue;
    const std::size_t colon = line.find(':', indent);
    if (colon == std::string::npos) continue;
    while (!sections.empty() && sections.back().first >= indent) sections.pop_back();
    std::string key = line.substr(indent, colon - indent);
    std::string full;
    for (const auto& [level, name] : sections) full += name + ".";
    full += key;
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (config_detail::find_field(full) != nullptr) {
      keys[full] = {value.empty() ? "(the list below it in the file)" : value, comment};
    } else {
      sections.emplace_back(indent, key);
    }
    comment.clear();
  }
  return keys;
}

std::string escape_cell(std::string text) {
  for (std::size_t at = 0; (at = text.find('|', at)) != std::string::npos; at += 2) text.replace(at, 1, "\\|");
  return text;
}

std::string configuration_table() {
  const auto keys = documented_keys(FLOWFEAT_DEFAULT_CONFIG_FILE);
  std::string table = "| key | default | allowed | meaning |\n|---|---|---|---|\n";
  for (const config_detail::Field& field : config_detail::fields()) {
    const auto it = keys.find(std::string(field.key));
    const DocumentedKey documented = it == keys.end() ? DocumentedKey{"?", "?"} : it->second;
    table += "| `" + std::string(field.key) + "` | `" + escape_cell(documented.value) + "` | " +
             escape_cell(std::string(field.allowed)) + " | " + escape_cell(documented.meaning) + " |\n";
  }
  return table;
}

TEST(ConfigDoc, EveryKeyIsExplainedInTheShippedFile) {
  const auto keys = documented_keys(FLOWFEAT_DEFAULT_CONFIG_FILE);
  for (const config_detail::Field& field : config_detail::fields()) {
    const auto it = keys.find(std::string(field.key));
    ASSERT_NE(it, keys.end()) << field.key << " is not written out in the shipped file";
    EXPECT_FALSE(it->second.meaning.empty()) << field.key << " has no comment above it";
  }
}

TEST(ConfigDoc, ReadmeTableMatchesTheKeys) {
  testing::expect_doc_block(FLOWFEAT_README, "configuration", configuration_table());
}

}  // namespace
}  // namespace flowfeat
