#include "flowfeat/core/standardized_columns.hpp"

#include "flowfeat/core/feature_record.hpp"

namespace flowfeat {

std::vector<std::string> default_standardized_columns() {
  std::vector<std::string> columns{
      "bidirectional_packets",        "bidirectional_bytes",     "bidirectional_duration_ms",
      "src2dst_packets",              "src2dst_bytes",           "dst2src_packets",
      "dst2src_bytes",                "bidirectional_mean_ps",   "bidirectional_stddev_ps",
      "src2dst_mean_ps",              "src2dst_stddev_ps",       "dst2src_mean_ps",
      "dst2src_stddev_ps",            "bidirectional_mean_piat_ms", "bidirectional_stddev_piat_ms",
      "src2dst_mean_piat_ms",         "src2dst_stddev_piat_ms",  "dst2src_mean_piat_ms",
      "dst2src_stddev_piat_ms",       "fan_out_src",             "fan_in_dst",
      "fan_in_src",                   "fan_out_dst",
  };
  for (const DerivedFeatureInfo& feature : kDerivedFeatures) {
    if (feature.kind != DerivedKind::kFlag) columns.emplace_back(feature.name);
  }
  return columns;
}

}  // namespace flowfeat
