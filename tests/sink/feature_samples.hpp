#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/sink/output_layout.hpp"

// Feature records with awkward values, and the checks that read them back from formatted text.
namespace flowfeat::testing {

inline IpAddress ip(int family, const char* text) {
  std::uint8_t bytes[16] = {};
  EXPECT_EQ(::inet_pton(family, text, bytes), 1) << text;
  return family == AF_INET ? IpAddress::v4(bytes) : IpAddress::v6(bytes);
}

template <std::size_t N>
void set_text(std::array<char, N>& field, const char* text) {
  ASSERT_LT(std::strlen(text), N);
  field.fill('\0');
  std::memcpy(field.data(), text, std::strlen(text));
}

inline FlowRecord sample_flow() {
  FlowRecord r;
  r.src_ip = ip(AF_INET, "192.168.121.5");
  r.dst_ip = ip(AF_INET6, "2001:db8::8:800:200c:417a");
  r.src_port = 65535;
  r.dst_port = 443;
  r.protocol = 6;
  r.ip_version = 4;
  r.vlan_id = 4095;
  r.tunnel = TunnelType::kTzsp;
  set_text(r.application_name, "TLS.Google");
  r.bidirectional_packets = 13;
  r.bidirectional_bytes = std::numeric_limits<std::uint64_t>::max();
  r.bidirectional_first_seen_ms = 1518622219014;
  r.bidirectional_last_seen_ms = 1518622238733;
  r.src2dst_packets = 7;
  r.dst2src_packets = 6;
  r.dst2src_bytes = 1;
  r.bidirectional_ps = {68.0, 0.5};
  r.src2dst_ps = {4379.692307692308, 27.999999999999996};
  r.dst2src_ps = {0.1 + 0.2, std::nextafter(1.0, 2.0)};
  r.bidirectional_piat_ms = {std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::max()};
  r.src2dst_piat_ms = {-std::numeric_limits<double>::min(), 1e22};
  r.dst2src_piat_ms = {0.0, 3079.781323405933};
  r.expiration = ExpirationReason::kEvicted;
  return r;
}

// Record number i: bidirectional_packets holds i, so rows can be told apart after a round trip.
inline FeatureRecord sample_feature(std::uint64_t i) {
  FeatureRecord r;
  r.flow = sample_flow();
  r.flow.bidirectional_packets = i;
  r.flow.src2dst_ps.mean = static_cast<double>(i) / 7.0;
  r.fans = {static_cast<std::uint32_t>(i % 5), 4294967295u, static_cast<std::uint32_t>(i), 0};
  r.verdict.label = static_cast<std::uint8_t>(i % 2);
  static const char* const kCategories[] = {"", "Exploits", "Shell,code", "say \"hi\"", "two\nlines"};
  set_text(r.verdict.attack_category, kCategories[i % 5]);
  r.one_hot = 0x9e3779b97f4a7c15ull * (i + 1);
  for (std::size_t k = 0; k < kDerivedFeatureCount; ++k) {
    switch (kDerivedFeatures[k].kind) {
      case DerivedKind::kRatio:
        r.derived[k] = (static_cast<double>(i) + 0.1) / static_cast<double>(k + 3) - 1.0;
        break;
      case DerivedKind::kCount:
        r.derived[k] = static_cast<double>(i * 1000003 + k);
        break;
      case DerivedKind::kFlag:
        r.derived[k] = static_cast<double>((i + k) % 2);
        break;
    }
  }
  for (std::size_t k = 0; k < kMaxStandardizedColumns; ++k) {
    r.standardized[k] = (static_cast<double>(i) - 50.5) / (static_cast<double>(k) + 7.3);
  }
  r.standardized[1] = 1e-310 * static_cast<double>(i + 1);  // subnormal
  return r;
}

inline std::uint64_t parse_uint(const std::string& text) {
  EXPECT_FALSE(text.empty());
  std::size_t used = 0;
  const auto value = std::stoull(text, &used, 10);
  EXPECT_EQ(used, text.size()) << text;
  EXPECT_NE(text[0], '-') << text;
  return value;
}

// Bit-for-bit equality: shortest round-trip output must give back the exact double.
inline void expect_same_double(const std::string& text, double expected, const std::string& column) {
  char* end = nullptr;
  const double parsed = std::strtod(text.c_str(), &end);
  EXPECT_EQ(*end, '\0') << column << ": " << text;
  EXPECT_EQ(std::bit_cast<std::uint64_t>(parsed), std::bit_cast<std::uint64_t>(expected))
      << column << ": " << text << " != " << expected;
}

// One expected value after the flow-record columns, from the record and layout alone.
struct ExpectedField {
  enum class Kind { kText, kUint, kDouble } kind;
  std::string text;
  std::uint64_t whole = 0;
  double real = 0.0;
};

inline std::vector<ExpectedField> expected_feature_fields(const FeatureRecord& r, const OutputLayout& layout) {
  using Kind = ExpectedField::Kind;
  std::vector<ExpectedField> fields;
  if (layout.fans) {
    for (const std::uint32_t fan : {r.fans.fan_out_src, r.fans.fan_in_dst, r.fans.fan_in_src, r.fans.fan_out_dst}) {
      fields.push_back({Kind::kUint, "", fan, 0.0});
    }
  }
  if (layout.label) {
    fields.push_back({Kind::kUint, "", r.verdict.label, 0.0});
  }
  if (layout.attack_cat) {
    fields.push_back({Kind::kText, std::string(r.verdict.attack_cat()), 0, 0.0});
  }
  for (std::size_t i = 0; i < layout.encoding_columns.size(); ++i) {
    fields.push_back({Kind::kUint, "", (r.one_hot >> i) & 1u, 0.0});
  }
  if (layout.derived) {
    for (std::size_t k = 0; k < kDerivedFeatureCount; ++k) {
      if (kDerivedFeatures[k].kind == DerivedKind::kRatio) {
        fields.push_back({Kind::kDouble, "", 0, r.derived[k]});
      } else {
        fields.push_back({Kind::kUint, "", static_cast<std::uint64_t>(r.derived[k]), 0.0});
      }
    }
  }
  for (std::size_t i = 0; i < layout.standardized_columns.size(); ++i) {
    fields.push_back({Kind::kDouble, "", 0, r.standardized[i]});
  }
  fields.push_back({Kind::kText, layout.sensor, 0, 0.0});
  return fields;
}

// Checks the fields after the flow-record columns (which start at `first`) against the record.
inline void expect_feature_fields(const std::vector<std::string>& row, std::size_t first, const FeatureRecord& r,
                                  const OutputLayout& layout, const std::vector<std::string>& names) {
  const std::vector<ExpectedField> expected = expected_feature_fields(r, layout);
  ASSERT_EQ(row.size(), first + expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const std::string& name = names.at(first + i);
    switch (expected[i].kind) {
      case ExpectedField::Kind::kText:
        EXPECT_EQ(row[first + i], expected[i].text) << name;
        break;
      case ExpectedField::Kind::kUint:
        EXPECT_EQ(parse_uint(row[first + i]), expected[i].whole) << name;
        break;
      case ExpectedField::Kind::kDouble:
        expect_same_double(row[first + i], expected[i].real, name);
        break;
    }
  }
}

}  // namespace flowfeat::testing
