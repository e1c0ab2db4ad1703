#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "flowfeat/config/config.hpp"
#include "flowfeat/config/config_error.hpp"

namespace flowfeat {

// Reads and validates a YAML configuration file (config/flowfeat.yaml documents every key). Keys
// left out keep the defaults of Config; an empty file gives a default Config.
// Throws ConfigError, whose source() is path, with every problem found at once:
//  - the file cannot be read (missing, a folder, no permission);
//  - YAML syntax errors, with their line;
//  - unknown keys at any level, duplicate keys, values of the wrong type or out of range, each named
//    by its full key path ("flows.dpi.packets") and giving the allowed values.
Config load_config_file(const std::string& path);

// Same as load_config_file for YAML already in memory; source names it in messages ("" for none).
Config load_config_text(std::string_view yaml, std::string_view source = {});

// Same, with the keys given in the YAML set over base rather than over the defaults (a list given
// replaces base's): a configuration made of layers, such as a file then keyword arguments.
Config load_config_file(const std::string& path, Config base);

// Every leaf key of the configuration, as YAML paths ("flows.idle_timeout"), in the file's order.
std::vector<std::string> configuration_keys();
Config load_config_text(std::string_view yaml, std::string_view source, Config base);

}  // namespace flowfeat
