#include "flowfeat/sink/output_layout.hpp"

#include "flowfeat/core/encoding_columns.hpp"

#include <array>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/core/sensor_id.hpp"
#include "flowfeat/core/standardized_columns.hpp"

namespace flowfeat {
namespace {

constexpr std::size_t kMaxEncodingColumns = 64;  // bits of FeatureRecord::one_hot

struct NamedRange {
  std::string_view name;
  std::string_view range;
};

constexpr std::array<NamedRange, 5> kIpClasses{{
    {"Class A", "0-127"},
    {"Class B", "128-191"},
    {"Class C", "192-223"},
    {"Class D (multicast)", "224-239"},
    {"Class E (reserved)", "240-255"},
}};

constexpr std::array<NamedRange, 3> kPortClasses{{
    {"WellKnown", "0-1023, IANA well-known"},
    {"Registered", "1024-49151, IANA registered"},
    {"Dynamic", "49152-65535, IANA dynamic"},
}};

// Descriptions of the derived features, in kDerivedFeatures order (FEATURES.md section 6).
constexpr std::array<std::string_view, kDerivedFeatureCount> kDerivedDescriptions{
    "fan_out_src / (fan_in_src + 1e-6)",
    "fan_out_dst / (fan_in_dst + 1e-6)",
    "fan_in_src + fan_out_src",
    "fan_in_dst + fan_out_dst",
    "|fan_total_src - fan_total_dst|",
    "fan_total_src * fan_total_dst",
    "1 when one end is Class A and the other Class C (src A and dst C, or src C and dst A), else 0",
    "1 when dst_ip is Class D (multicast) and bidirectional_packets > q95(bidirectional_packets), else 0",
    "src2dst_mean_piat_ms / (dst2src_mean_piat_ms + 1e-6)",
    "bidirectional_stddev_piat_ms / (bidirectional_mean_piat_ms + 1e-6)",
    "1 - bidirectional_stddev_piat_ms / (bidirectional_mean_piat_ms + 1e-6)",
    "bidirectional_packets / (bidirectional_duration_ms + 1e-6)",
    "1 when protocol is 17 (UDP), dst_port is well-known (0-1023) and bidirectional_packets < "
    "q10(bidirectional_packets), else 0",
    "1 when protocol is 0, 1, 89 or 132, else 0",
    "src2dst_mean_ps / (dst2src_mean_ps + 1e-6)",
    "bidirectional_stddev_ps / (bidirectional_mean_ps + 1e-6)",
    "bidirectional_bytes / (bidirectional_packets + 1e-6)",
    "1 - bidirectional_stddev_ps / (bidirectional_mean_ps + 1e-6)",
    "1 when fan_out_dst > q95(fan_out_dst), bidirectional_packets < q05(bidirectional_packets) and "
    "bidirectional_duration_ms < q05(bidirectional_duration_ms), else 0",
    "1 when fan_in_dst > q95(fan_in_dst), bidirectional_packets > q95(bidirectional_packets) and "
    "bidirectional_mean_piat_ms < q05(bidirectional_mean_piat_ms), else 0",
    "1 when bidirectional_bytes > q95(bidirectional_bytes) and dst2src_mean_ps < 0.1 * src2dst_mean_ps, else 0",
};

bool starts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.substr(0, prefix.size()) == prefix;
}

template <std::size_t N>
std::string_view range_of(const std::array<NamedRange, N>& ranges, std::string_view name) noexcept {
  for (const NamedRange& entry : ranges) {
    if (entry.name == name) {
      return entry.range;
    }
  }
  return {};
}

// Encoding names come from configuration, so the description is read from the name's pattern.
std::string describe_encoding(std::string_view name) {
  for (const std::string_view end : {std::string_view("src"), std::string_view("dst")}) {
    const std::string ip_prefix = std::string(end) + "_ip_class_";
    if (starts_with(name, ip_prefix)) {
      const std::string_view value = name.substr(ip_prefix.size());
      if (const std::string_view range = range_of(kIpClasses, value); !range.empty()) {
        return "1 when " + std::string(end) + "_ip is an IPv4 " + std::string(value) + " address (first octet " +
               std::string(range) + "), else 0; 0 for IPv6";
      }
    }
    const std::string port_prefix = std::string(end) + "_port_class_";
    if (starts_with(name, port_prefix)) {
      const std::string_view value = name.substr(port_prefix.size());
      if (const std::string_view range = range_of(kPortClasses, value); !range.empty()) {
        return "1 when " + std::string(end) + "_port is in " + std::string(range) + ", else 0";
      }
    }
  }
  if (name == "protocol_other") {
    return "1 when protocol is none of the other protocol_ columns, else 0";
  }
  if (starts_with(name, "protocol_")) {
    return "1 when protocol is " + std::string(name.substr(9)) + ", else 0";
  }
  return "one-hot encoding column, 1 or 0";
}

}  // namespace

OutputLayout OutputLayout::full_default() {
  OutputLayout layout;
  layout.fans = true;
  layout.label = true;
  layout.attack_cat = true;
  layout.encoding_columns = flowfeat::encoding_columns(kDefaultOneHotProtocols);
  layout.derived = true;
  layout.standardized_columns = default_standardized_columns();
  return layout;
}

Schema OutputLayout::schema() const {
  if (encoding_columns.size() > kMaxEncodingColumns) {
    throw std::invalid_argument("output layout has " + std::to_string(encoding_columns.size()) +
                                " encoding columns; at most " + std::to_string(kMaxEncodingColumns));
  }
  if (standardized_columns.size() > kMaxStandardizedColumns) {
    throw std::invalid_argument("output layout has " + std::to_string(standardized_columns.size()) +
                                " standardized columns; at most " + std::to_string(kMaxStandardizedColumns));
  }
  if (!is_sensor_id(sensor)) {
    throw std::invalid_argument("output layout: the sensor \"" + sensor +
                                "\" is not 1..64 letters, digits, '.', '_', '-' or ':'");
  }
  using enum ColumnType;
  using G = ColumnGroup;
  Schema schema = Schema::flow_record();
  if (fans) {
    const char* window = " among the flows starting in the window around this flow's start, itself included";
    schema.append({"fan_out_src", kUint, G::kFan, std::string("distinct dst_ip of flows sent by src_ip") + window});
    schema.append({"fan_in_dst", kUint, G::kFan, std::string("distinct src_ip of flows sent to dst_ip") + window});
    schema.append({"fan_in_src", kUint, G::kFan, std::string("distinct src_ip of flows sent to src_ip") + window});
    schema.append({"fan_out_dst", kUint, G::kFan, std::string("distinct dst_ip of flows sent by dst_ip") + window});
  }
  if (label) {
    schema.append({"label", kUint, G::kLabel,
                   "1 when the flow's 5-tuple matches a ground-truth row in either direction, else 0"});
  }
  if (attack_cat) {
    schema.append(
        {"attack_cat", kString, G::kLabel, "attack category of the matching ground-truth row; empty if none"});
  }
  for (const std::string& name : encoding_columns) {
    schema.append({name, kUint, G::kEncoding, describe_encoding(name)});
  }
  if (derived) {
    for (std::size_t i = 0; i < kDerivedFeatureCount; ++i) {
      const DerivedFeatureInfo& feature = kDerivedFeatures[i];
      schema.append({std::string(feature.name), feature.kind == DerivedKind::kRatio ? kFloat : kUint, G::kDerived,
                     std::string(kDerivedDescriptions[i])});
    }
  }
  for (const std::string& name : standardized_columns) {
    schema.append({name + "_z", kFloat, G::kStandardized,
                   "z-score of " + name + ": (x - mean) / std, online mean and population std; 0 when std is 0"});
  }
  schema.append({"sensor", kString, G::kSensor,
                 "the sensor that made the record (sensor.id, default the host name); the same in every record of a run"});
  return schema;
}

}  // namespace flowfeat
