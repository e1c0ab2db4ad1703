#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "flowfeat/config/config.hpp"

// The table of configuration keys, shared by the YAML loader and the command-line overrides so both
// accept exactly the same values. Private to the config module.
namespace flowfeat::config_detail {

enum class ValueType {
  seconds,    // decimal seconds, stored as milliseconds
  count,      // whole number
  boolean,    // true or false
  text,       // any string (the field may restrict it to a set)
  text_list,  // list of strings
  text_map,   // map of names to strings, each element assigned as "name=value"
};

struct Field {
  std::string_view key;      // full YAML path, "flows.dpi.packets"
  ValueType type;
  std::string_view allowed;  // appended to every problem as "(allowed: ...)"
  // Parses one value (one element for text_list) into config; returns the problem, without the
  // allowed part, when the text is not acceptable.
  std::optional<std::string> (*assign)(Config& config, std::string_view text);
  // text_list and text_map only: empties the list before the elements are assigned.
  void (*clear)(Config& config) = nullptr;
};

std::span<const Field> fields();

// nullptr when key is not a leaf key.
const Field* find_field(std::string_view key);

// "a number of seconds", "true or false", ...
std::string_view type_name(ValueType type);

// Value as it appears in a message: quoted, control characters escaped, long values shortened.
std::string quote(std::string_view text);

}  // namespace flowfeat::config_detail
