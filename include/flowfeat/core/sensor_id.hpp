#pragma once

#include <cstddef>
#include <string_view>

namespace flowfeat {

inline constexpr std::size_t kMaxSensorIdChars = 64;

// A sensor id is 1..64 letters, digits, '.', '_', '-' or ':': a host name fits, and the id needs no
// quoting in a CSV cell, a JSON string or a Kafka header.
constexpr bool is_sensor_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > kMaxSensorIdChars) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == ':';
    if (!ok) return false;
  }
  return true;
}

}  // namespace flowfeat
