#include "flowfeat/core/numeric_field.hpp"

#include <array>
#include <cstddef>

namespace flowfeat {
namespace {

// Numeric columns of groups 2 and 3, in record order; first/last_seen are timestamps, not measurements,
// but they are numbers, so they may be standardized too if someone asks.
constexpr std::array<std::string_view, 21> kFlowNames{
    "bidirectional_packets",      "bidirectional_bytes",          "bidirectional_first_seen_ms",
    "bidirectional_last_seen_ms", "bidirectional_duration_ms",    "src2dst_packets",
    "src2dst_bytes",              "dst2src_packets",              "dst2src_bytes",
    "bidirectional_mean_ps",      "bidirectional_stddev_ps",      "src2dst_mean_ps",
    "src2dst_stddev_ps",          "dst2src_mean_ps",              "dst2src_stddev_ps",
    "bidirectional_mean_piat_ms", "bidirectional_stddev_piat_ms", "src2dst_mean_piat_ms",
    "src2dst_stddev_piat_ms",     "dst2src_mean_piat_ms",         "dst2src_stddev_piat_ms",
};

constexpr std::array<std::string_view, 4> kFanNames{"fan_out_src", "fan_in_dst", "fan_in_src", "fan_out_dst"};

double flow_value(const FlowRecord& f, std::size_t index) noexcept {
  switch (index) {
    case 0: return static_cast<double>(f.bidirectional_packets);
    case 1: return static_cast<double>(f.bidirectional_bytes);
    case 2: return static_cast<double>(f.bidirectional_first_seen_ms);
    case 3: return static_cast<double>(f.bidirectional_last_seen_ms);
    case 4: return static_cast<double>(f.bidirectional_duration_ms());
    case 5: return static_cast<double>(f.src2dst_packets);
    case 6: return static_cast<double>(f.src2dst_bytes);
    case 7: return static_cast<double>(f.dst2src_packets);
    case 8: return static_cast<double>(f.dst2src_bytes);
    case 9: return f.bidirectional_ps.mean;
    case 10: return f.bidirectional_ps.stddev;
    case 11: return f.src2dst_ps.mean;
    case 12: return f.src2dst_ps.stddev;
    case 13: return f.dst2src_ps.mean;
    case 14: return f.dst2src_ps.stddev;
    case 15: return f.bidirectional_piat_ms.mean;
    case 16: return f.bidirectional_piat_ms.stddev;
    case 17: return f.src2dst_piat_ms.mean;
    case 18: return f.src2dst_piat_ms.stddev;
    case 19: return f.dst2src_piat_ms.mean;
    case 20: return f.dst2src_piat_ms.stddev;
    default: return 0.0;
  }
}

double fan_value(const FanMetrics& fans, std::size_t index) noexcept {
  switch (index) {
    case 0: return fans.fan_out_src;
    case 1: return fans.fan_in_dst;
    case 2: return fans.fan_in_src;
    default: return fans.fan_out_dst;
  }
}

}  // namespace

std::optional<NumericField> NumericField::find(std::string_view name) noexcept {
  for (std::size_t i = 0; i < kFlowNames.size(); ++i) {
    if (kFlowNames[i] == name) return NumericField(Source::kFlow, static_cast<std::uint8_t>(i));
  }
  for (std::size_t i = 0; i < kFanNames.size(); ++i) {
    if (kFanNames[i] == name) return NumericField(Source::kFan, static_cast<std::uint8_t>(i));
  }
  for (std::size_t i = 0; i < kDerivedFeatures.size(); ++i) {
    if (kDerivedFeatures[i].name == name) return NumericField(Source::kDerived, static_cast<std::uint8_t>(i));
  }
  return std::nullopt;
}

std::vector<std::string_view> NumericField::names() {
  std::vector<std::string_view> all(kFlowNames.begin(), kFlowNames.end());
  all.insert(all.end(), kFanNames.begin(), kFanNames.end());
  for (const DerivedFeatureInfo& feature : kDerivedFeatures) all.push_back(feature.name);
  return all;
}

double NumericField::read(const FeatureRecord& record) const noexcept {
  switch (source_) {
    case Source::kFlow: return flow_value(record.flow, index_);
    case Source::kFan: return fan_value(record.fans, index_);
    case Source::kDerived: return record.derived[index_];
  }
  return 0.0;
}

}  // namespace flowfeat
