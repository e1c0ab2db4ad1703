#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>

#include "field_text.hpp"
#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/core/flow_record.hpp"
#include "flowfeat/core/sensor_id.hpp"
#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/sink/schema.hpp"

// The column order of a record, written once for every output format: Fields is CsvFields or
// JsonFields. Schema::flow_record() and OutputLayout::schema() list the same columns in the same
// order; the formatter tests hold them together.
namespace flowfeat::detail {

template <class Fields>
void put_flow_fields(Fields& f, const FlowRecord& r) noexcept {
  f.ip(r.src_ip);
  f.ip(r.dst_ip);
  f.uint(r.src_port);
  f.uint(r.dst_port);
  f.uint(r.protocol);
  f.uint(r.ip_version);
  f.uint(r.vlan_id);
  f.uint(static_cast<std::uint8_t>(r.tunnel));
  f.text(fixed_text(r.application_name));
  f.uint(r.bidirectional_packets);
  f.uint(r.bidirectional_bytes);
  f.uint(r.bidirectional_first_seen_ms);
  f.uint(r.bidirectional_last_seen_ms);
  f.uint(r.bidirectional_duration_ms());
  f.uint(r.src2dst_packets);
  f.uint(r.src2dst_bytes);
  f.uint(r.dst2src_packets);
  f.uint(r.dst2src_bytes);
  for (const MeanStddev* stats : {&r.bidirectional_ps, &r.src2dst_ps, &r.dst2src_ps, &r.bidirectional_piat_ms,
                                  &r.src2dst_piat_ms, &r.dst2src_piat_ms}) {
    f.real(stats->mean);
    f.real(stats->stddev);
  }
  f.uint(static_cast<std::uint8_t>(r.expiration));
}

// What of an OutputLayout the per-record code needs, without its strings.
struct LayoutShape {
  bool fans = false;
  bool label = false;
  bool attack_cat = false;
  std::size_t encodings = 0;
  bool derived = false;
  std::size_t standardized = 0;
  std::string_view sensor;  // the layout's own string

  explicit LayoutShape(const OutputLayout& layout) noexcept
      : fans(layout.fans),
        label(layout.label),
        attack_cat(layout.attack_cat),
        encodings(layout.encoding_columns.size()),
        derived(layout.derived),
        standardized(layout.standardized_columns.size()),
        sensor(layout.sensor) {}
};

template <class Fields>
void put_feature_fields(Fields& f, const FeatureRecord& r, const LayoutShape& shape) noexcept {
  put_flow_fields(f, r.flow);
  if (shape.fans) {
    f.uint(r.fans.fan_out_src);
    f.uint(r.fans.fan_in_dst);
    f.uint(r.fans.fan_in_src);
    f.uint(r.fans.fan_out_dst);
  }
  if (shape.label) {
    f.uint(r.verdict.label);
  }
  if (shape.attack_cat) {
    f.text(fixed_text(r.verdict.attack_category));
  }
  for (std::size_t i = 0; i < shape.encodings; ++i) {
    f.flag(((r.one_hot >> i) & 1u) != 0);
  }
  if (shape.derived) {
    for (std::size_t i = 0; i < kDerivedFeatureCount; ++i) {
      switch (kDerivedFeatures[i].kind) {
        case DerivedKind::kRatio:
          f.real(r.derived[i]);
          break;
        case DerivedKind::kCount:
          f.whole(r.derived[i]);
          break;
        case DerivedKind::kFlag:
          f.flag_in_double(r.derived[i]);
          break;
      }
    }
  }
  for (std::size_t i = 0; i < shape.standardized; ++i) {
    f.real(r.standardized[i]);
  }
  f.text(shape.sensor);
}

// Most characters of a column's value before quoting or escaping: the text columns are the two
// addresses and the two fixed-size names; encodings are one digit; a count or flag held in a double
// may fall back to the double's form (or null); other integers are uint64.
inline std::size_t max_raw_value_chars(const Column& column) noexcept {
  if (column.group == ColumnGroup::kEncoding) {
    return 1;
  }
  if (column.type == ColumnType::kFloat || column.group == ColumnGroup::kDerived) {
    return kMaxDoubleChars;
  }
  if (column.type == ColumnType::kUint) {
    return kMaxUintChars;
  }
  if (column.name == "application_name") {
    return std::tuple_size_v<decltype(FlowRecord::application_name)>;
  }
  if (column.name == "attack_cat") {
    return std::tuple_size_v<decltype(LabelVerdict::attack_category)>;
  }
  if (column.group == ColumnGroup::kSensor) {
    return kMaxSensorIdChars;
  }
  return kMaxIpChars;
}

}  // namespace flowfeat::detail
