#include "flowfeat/enrich/derived_features.hpp"

#include <cstdint>

#include "flowfeat/core/endpoint_class.hpp"

namespace flowfeat {
namespace {

constexpr double kEpsilon = 1e-6;

double ratio(double numerator, double denominator) noexcept { return numerator / (denominator + kEpsilon); }

double flag(bool value) noexcept { return value ? 1.0 : 0.0; }

}  // namespace

void compute_derived(FeatureRecord& record) noexcept {
  const FlowRecord& f = record.flow;
  const FanMetrics& fans = record.fans;
  auto set = [&record](DerivedFeature feature, double value) { record.derived_value(feature) = value; };

  // Fan counts are 32-bit, so their sums are exact in 64-bit integers and in a double.
  const std::uint64_t total_src = std::uint64_t{fans.fan_in_src} + fans.fan_out_src;
  const std::uint64_t total_dst = std::uint64_t{fans.fan_in_dst} + fans.fan_out_dst;
  set(DerivedFeature::kFanRatioSrc, ratio(fans.fan_out_src, fans.fan_in_src));
  set(DerivedFeature::kFanRatioDst, ratio(fans.fan_out_dst, fans.fan_in_dst));
  set(DerivedFeature::kFanTotalSrc, static_cast<double>(total_src));
  set(DerivedFeature::kFanTotalDst, static_cast<double>(total_dst));
  set(DerivedFeature::kConnectionAsymmetry,
      static_cast<double>(total_src >= total_dst ? total_src - total_dst : total_dst - total_src));
  // A double product cannot wrap; it is exact up to 2^53, far beyond any real fan count.
  set(DerivedFeature::kConnectionIntensity, static_cast<double>(total_src) * static_cast<double>(total_dst));

  const IpClass src_class = ip_class(f.src_ip);
  const IpClass dst_class = ip_class(f.dst_ip);
  set(DerivedFeature::kIpClassMismatch, flag((src_class == IpClass::kA && dst_class == IpClass::kC) ||
                                             (src_class == IpClass::kC && dst_class == IpClass::kA)));

  set(DerivedFeature::kPiatRatioSrc2dst, ratio(f.src2dst_piat_ms.mean, f.dst2src_piat_ms.mean));
  set(DerivedFeature::kPiatRatioStddev, ratio(f.bidirectional_piat_ms.stddev, f.bidirectional_piat_ms.mean));
  set(DerivedFeature::kTimingRegularity, 1.0 - ratio(f.bidirectional_piat_ms.stddev, f.bidirectional_piat_ms.mean));
  set(DerivedFeature::kBurstFactor,
      ratio(static_cast<double>(f.bidirectional_packets), static_cast<double>(f.bidirectional_duration_ms())));

  const std::uint8_t p = f.protocol;
  set(DerivedFeature::kProtocolAnomaly, flag(p == 0 || p == 1 || p == 89 || p == 132));

  set(DerivedFeature::kPsRatioSrc2dst, ratio(f.src2dst_ps.mean, f.dst2src_ps.mean));
  set(DerivedFeature::kPsVariationRatio, ratio(f.bidirectional_ps.stddev, f.bidirectional_ps.mean));
  set(DerivedFeature::kFlowEfficiency,
      ratio(static_cast<double>(f.bidirectional_bytes), static_cast<double>(f.bidirectional_packets)));
  set(DerivedFeature::kFlowRegularity, 1.0 - ratio(f.bidirectional_ps.stddev, f.bidirectional_ps.mean));
}

}  // namespace flowfeat
