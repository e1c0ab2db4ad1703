#include "flowfeat/config/config_error.hpp"

#include <utility>

namespace flowfeat {
namespace {

// One problem per line, compiler style ("flowfeat.yaml:12: flows.max_flows: ..."), so editors and
// grep can jump to it.
std::string describe(const std::string& source, const std::vector<ConfigError::Problem>& problems) {
  std::string out;
  for (const ConfigError::Problem& p : problems) {
    if (!out.empty()) out += '\n';
    if (!source.empty()) {
      out += source;
      if (p.line > 0) out += ':' + std::to_string(p.line);
      out += ": ";
    } else if (p.line > 0) {
      out += "line " + std::to_string(p.line) + ": ";
    }
    out += p.text();
  }
  return out;
}

}  // namespace

std::string ConfigError::Problem::text() const {
  return key.empty() ? message : key + ": " + message;
}

ConfigError::ConfigError(std::string source, std::vector<Problem> problems)
    : std::runtime_error(describe(source, problems)),
      source_(std::move(source)),
      problems_(std::move(problems)) {}

}  // namespace flowfeat
