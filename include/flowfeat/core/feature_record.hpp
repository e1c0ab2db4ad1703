#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "flowfeat/core/flow_record.hpp"

namespace flowfeat {

// Group 5 of the record (FEATURES.md section 3): distinct peers of the flow's two hosts among the
// flows that started within the window around this flow's start.
struct FanMetrics {
  std::uint32_t fan_out_src = 0;  // distinct dst_ip of window flows with src_ip == f.src_ip
  std::uint32_t fan_in_dst = 0;   // distinct src_ip of window flows with dst_ip == f.dst_ip
  std::uint32_t fan_in_src = 0;   // distinct src_ip of window flows with dst_ip == f.src_ip
  std::uint32_t fan_out_dst = 0;  // distinct dst_ip of window flows with src_ip == f.dst_ip

  friend bool operator==(const FanMetrics&, const FanMetrics&) = default;
};

// The derived features of FEATURES.md section 6, in output order.
enum class DerivedFeature : std::uint8_t {
  kFanRatioSrc,
  kFanRatioDst,
  kFanTotalSrc,
  kFanTotalDst,
  kConnectionAsymmetry,
  kConnectionIntensity,
  kIpClassMismatch,
  kPotentialBroadcastAttack,
  kPiatRatioSrc2dst,
  kPiatRatioStddev,
  kTimingRegularity,
  kBurstFactor,
  kSuspiciousPortProtocol,
  kProtocolAnomaly,
  kPsRatioSrc2dst,
  kPsVariationRatio,
  kFlowEfficiency,
  kFlowRegularity,
  kPotentialScan,
  kPotentialDdos,
  kPotentialExfiltration,
};
inline constexpr std::size_t kDerivedFeatureCount = 21;

// How a derived value is written and whether it is a measurement or a 0/1 flag.
enum class DerivedKind : std::uint8_t { kRatio, kCount, kFlag };

struct DerivedFeatureInfo {
  std::string_view name;
  DerivedKind kind;
};

inline constexpr std::array<DerivedFeatureInfo, kDerivedFeatureCount> kDerivedFeatures{{
    {"fan_ratio_src", DerivedKind::kRatio},
    {"fan_ratio_dst", DerivedKind::kRatio},
    {"fan_total_src", DerivedKind::kCount},
    {"fan_total_dst", DerivedKind::kCount},
    {"connection_asymmetry", DerivedKind::kCount},
    {"connection_intensity", DerivedKind::kCount},
    {"ip_class_mismatch", DerivedKind::kFlag},
    {"potential_broadcast_attack", DerivedKind::kFlag},
    {"piat_ratio_src2dst", DerivedKind::kRatio},
    {"piat_ratio_stddev", DerivedKind::kRatio},
    {"timing_regularity", DerivedKind::kRatio},
    {"burst_factor", DerivedKind::kRatio},
    {"suspicious_port_protocol", DerivedKind::kFlag},
    {"protocol_anomaly", DerivedKind::kFlag},
    {"ps_ratio_src2dst", DerivedKind::kRatio},
    {"ps_variation_ratio", DerivedKind::kRatio},
    {"flow_efficiency", DerivedKind::kRatio},
    {"flow_regularity", DerivedKind::kRatio},
    {"potential_scan", DerivedKind::kFlag},
    {"potential_ddos", DerivedKind::kFlag},
    {"potential_exfiltration", DerivedKind::kFlag},
}};

constexpr const DerivedFeatureInfo& info(DerivedFeature feature) noexcept {
  return kDerivedFeatures[static_cast<std::size_t>(feature)];
}

// Most standardized columns one record carries (the default list has 37).
inline constexpr std::size_t kMaxStandardizedColumns = 64;

// Ground-truth verdict of one flow (FEATURES.md section 4).
struct LabelVerdict {
  std::uint8_t label = 0;                  // 1: the 5-tuple matches an attack row of the ground truth
  std::uint8_t matched_rows = 0;           // rows of the ground truth the flow matched: 0, 1, or 2 for several
  std::array<char, 32> attack_category{};  // NUL-terminated; empty when unknown or benign

  std::string_view attack_cat() const noexcept { return std::string_view(attack_category.data()); }
};

// One output record as it travels through the stages after the flow table: the flow, then what
// each stage adds (fan metrics, label, encodings, derived features, standardized values). A plain
// value, owned by one stage at a time.
struct FeatureRecord {
  FlowRecord flow;
  FanMetrics fans;
  LabelVerdict verdict;
  std::uint64_t one_hot = 0;  // bit i set: encoding column i of the output layout is 1
  std::array<double, kDerivedFeatureCount> derived{};
  std::array<double, kMaxStandardizedColumns> standardized{};

  double derived_value(DerivedFeature feature) const noexcept {
    return derived[static_cast<std::size_t>(feature)];
  }
  double& derived_value(DerivedFeature feature) noexcept { return derived[static_cast<std::size_t>(feature)]; }
};
static_assert(std::is_trivially_copyable_v<FeatureRecord>);

}  // namespace flowfeat
