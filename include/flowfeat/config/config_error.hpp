#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace flowfeat {

// Every problem found in one configuration source (a YAML file or text, or the command line), so a
// user fixes them all in one pass instead of one per start. Thrown only on the startup path.
class ConfigError : public std::runtime_error {
 public:
  struct Problem {
    std::string key;      // "flows.dpi.packets", or "--max-flows"; empty for file-level problems
    std::string message;  // "0 is out of range (allowed: 1..255)"
    int line = 0;         // 1-based line in the YAML source; 0 when unknown or not a file

    // "key: message", or just the message when there is no key.
    std::string text() const;
  };

  // source names where the problems are ("flowfeat.yaml", "command line"); problems must not be empty.
  ConfigError(std::string source, std::vector<Problem> problems);

  const std::string& source() const noexcept { return source_; }
  const std::vector<Problem>& problems() const noexcept { return problems_; }

 private:
  std::string source_;
  std::vector<Problem> problems_;
};

}  // namespace flowfeat
