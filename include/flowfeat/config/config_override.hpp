#pragma once

#include <string>
#include <vector>

#include "flowfeat/config/config.hpp"
#include "flowfeat/config/config_error.hpp"

namespace flowfeat {

// One configuration value given as text outside the YAML file, such as a command-line option. It is
// checked exactly like the same key in the file.
struct ConfigOverride {
  std::string key;     // YAML key path, "flows.idle_timeout"; for a list, the value is appended to it
  std::string value;   // as the user wrote it, "30"
  std::string origin;  // names the value in problems, "--idle-timeout"
};

// Applies overrides in order over base. Throws ConfigError (with the given source) listing every bad
// value, keyed by its origin; throws std::invalid_argument for a key that is not a configuration key,
// which is a bug in the caller.
Config apply_config_overrides(Config base, const std::vector<ConfigOverride>& overrides,
                              const std::string& source = "command line");

}  // namespace flowfeat
