#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace flowfeat {

// How a column's values are written: text, unsigned decimal integer, or shortest round-trip double.
enum class ColumnType : std::uint8_t { kString, kUint, kFloat };

// The record groups of FEATURES.md section 2, in output order. Later groups are appended after
// kExpiration as the stages that compute them are added.
enum class ColumnGroup : std::uint8_t {
  kIdentity,      // 1: endpoints, protocol, application
  kCounters,      // 2: packets, bytes, timestamps
  kStatistics,    // 3: packet size and inter-arrival mean/stddev
  kExpiration,    // 4: why the flow ended
  kFan,           // 5: fan-in / fan-out
  kLabel,         // 6: ground-truth label
  kEncoding,      // 7: one-hot encodings
  kDerived,       // 7: derived features
  kStandardized,  // 7: standardized columns
  kSensor,        // 8: the sensor that made the record
};

// "string", "uint" or "float": the names printed by --print-schema.
std::string_view to_string(ColumnType type) noexcept;

// "identity", "counters", ...
std::string_view to_string(ColumnGroup group) noexcept;

// One output column. Names are owned strings because encoded columns are named from data
// (one per category value), not known at compile time.
struct Column {
  std::string name;
  ColumnType type = ColumnType::kString;
  ColumnGroup group = ColumnGroup::kIdentity;
  std::string description;

  friend bool operator==(const Column&, const Column&) = default;
};

}  // namespace flowfeat
