#include "flowfeat/enrich/derived_features.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>

#include "enrich_test_support.hpp"

namespace flowfeat {
namespace {

using testing::flow;

constexpr DerivedFeature kQuantileFlags[] = {DerivedFeature::kPotentialBroadcastAttack,
                                             DerivedFeature::kSuspiciousPortProtocol, DerivedFeature::kPotentialScan,
                                             DerivedFeature::kPotentialDdos, DerivedFeature::kPotentialExfiltration};

FeatureRecord record_of(const FlowRecord& f, FanMetrics fans = {}) {
  FeatureRecord r;
  r.flow = f;
  r.fans = fans;
  return r;
}

// A flow whose derived values were worked out by hand (in double arithmetic, formula by formula).
FeatureRecord sample() {
  FlowRecord f = flow("10.1.2.3", 5353, "192.168.1.1", 53, 17);
  f.bidirectional_packets = 13;
  f.bidirectional_bytes = 4321;
  f.bidirectional_first_seen_ms = 1000;
  f.bidirectional_last_seen_ms = 3500;
  f.src2dst_piat_ms = {12.5, 3.0};
  f.dst2src_piat_ms = {40.25, 1.0};
  f.bidirectional_piat_ms = {2500.0 / 12.0, 150.75};
  f.src2dst_ps = {400.5, 10.0};
  f.dst2src_ps = {250.25, 20.0};
  f.bidirectional_ps = {4321.0 / 13.0, 88.125};
  return record_of(f, FanMetrics{.fan_out_src = 3, .fan_in_dst = 7, .fan_in_src = 2, .fan_out_dst = 5});
}

TEST(DerivedFeaturesTest, EveryFormulaOnAHandComputedRecord) {
  FeatureRecord r = sample();
  compute_derived(r);
  // fan_out_src / (fan_in_src + 1e-6) = 3 / 2.000001
  EXPECT_EQ(r.derived_value(DerivedFeature::kFanRatioSrc), 1.499999250000375);
  EXPECT_EQ(r.derived_value(DerivedFeature::kFanRatioDst), 0.7142856122449125);  // 5 / 7.000001
  EXPECT_EQ(r.derived_value(DerivedFeature::kFanTotalSrc), 5.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kFanTotalDst), 12.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kConnectionAsymmetry), 7.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kConnectionIntensity), 60.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kIpClassMismatch), 1.0);                  // A -> C
  EXPECT_EQ(r.derived_value(DerivedFeature::kPiatRatioSrc2dst), 0.3105589984954286);  // 12.5 / 40.250001
  EXPECT_EQ(r.derived_value(DerivedFeature::kPiatRatioStddev), 0.72359999652672);     // 150.75 / 208.33...
  EXPECT_EQ(r.derived_value(DerivedFeature::kTimingRegularity), 0.27640000347328);
  EXPECT_EQ(r.derived_value(DerivedFeature::kBurstFactor), 0.00519999999792);       // 13 / 2500.000001
  EXPECT_EQ(r.derived_value(DerivedFeature::kProtocolAnomaly), 0.0);                // UDP
  EXPECT_EQ(r.derived_value(DerivedFeature::kPsRatioSrc2dst), 1.6003995940043974);  // 400.5 / 250.250001
  EXPECT_EQ(r.derived_value(DerivedFeature::kPsVariationRatio), 0.26512959883205633);
  EXPECT_EQ(r.derived_value(DerivedFeature::kFlowEfficiency), 332.38458981657004);  // 4321 / 13.000001
  EXPECT_EQ(r.derived_value(DerivedFeature::kFlowRegularity), 0.7348704011679437);
}

TEST(DerivedFeaturesTest, ZeroDenominatorsDivideByEpsilon) {
  FlowRecord f = flow("10.0.0.1", 1, "10.0.0.2", 2, 6);
  f.bidirectional_packets = 0;
  f.bidirectional_bytes = 100;
  FeatureRecord no_packets =
      record_of(f, FanMetrics{.fan_out_src = 4, .fan_in_dst = 0, .fan_in_src = 0, .fan_out_dst = 3});
  compute_derived(no_packets);
  EXPECT_EQ(no_packets.derived_value(DerivedFeature::kFanRatioSrc), 4000000.0);
  EXPECT_EQ(no_packets.derived_value(DerivedFeature::kFanRatioDst), 3000000.0);
  EXPECT_EQ(no_packets.derived_value(DerivedFeature::kFlowEfficiency), 100000000.0);

  f.bidirectional_packets = 3;
  f.bidirectional_first_seen_ms = f.bidirectional_last_seen_ms = 1518622219014;
  f.src2dst_ps = {60.0, 0.0};
  f.bidirectional_piat_ms = {0.0, 0.0};
  FeatureRecord instant = record_of(f);
  compute_derived(instant);
  EXPECT_EQ(instant.derived_value(DerivedFeature::kBurstFactor), 3000000.0);
  EXPECT_EQ(instant.derived_value(DerivedFeature::kPsRatioSrc2dst), 60.0 / 1e-6);
  EXPECT_EQ(instant.derived_value(DerivedFeature::kPiatRatioStddev), 0.0);
  EXPECT_EQ(instant.derived_value(DerivedFeature::kTimingRegularity), 1.0);
}

TEST(DerivedFeaturesTest, AllZeroRecordHasNoNan) {
  FeatureRecord r;  // no addresses, protocol 0, no packets
  compute_derived(r);
  for (std::size_t i = 0; i < kDerivedFeatureCount; ++i) {
    EXPECT_TRUE(std::isfinite(r.derived[i])) << kDerivedFeatures[i].name;
  }
  EXPECT_EQ(r.derived_value(DerivedFeature::kFanRatioSrc), 0.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kConnectionIntensity), 0.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kFlowRegularity), 1.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kTimingRegularity), 1.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kIpClassMismatch), 0.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kProtocolAnomaly), 1.0);  // protocol 0
}

TEST(DerivedFeaturesTest, FanCountsAreExactAndNeverWrap) {
  constexpr std::uint32_t kMax = 4294967295u;
  FeatureRecord r = record_of(flow("10.0.0.1", 1, "10.0.0.2", 2, 6),
                              FanMetrics{.fan_out_src = kMax, .fan_in_dst = 1, .fan_in_src = kMax, .fan_out_dst = 2});
  compute_derived(r);
  EXPECT_EQ(r.derived_value(DerivedFeature::kFanTotalSrc), 8589934590.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kFanTotalDst), 3.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kConnectionAsymmetry), 8589934587.0);
  EXPECT_EQ(r.derived_value(DerivedFeature::kConnectionIntensity), 25769803770.0);

  r.fans = FanMetrics{.fan_out_src = 1, .fan_in_dst = kMax, .fan_in_src = 0, .fan_out_dst = kMax};
  compute_derived(r);
  EXPECT_EQ(r.derived_value(DerivedFeature::kConnectionAsymmetry), 8589934589.0);  // |1 - 8589934590|
  EXPECT_EQ(r.derived_value(DerivedFeature::kConnectionIntensity), 8589934590.0);

  r.fans = FanMetrics{.fan_out_src = kMax, .fan_in_dst = kMax, .fan_in_src = kMax, .fan_out_dst = kMax};
  compute_derived(r);
  // 8589934590^2 exceeds 2^64; the double product is the nearest double, not a wrapped integer.
  EXPECT_EQ(r.derived_value(DerivedFeature::kConnectionIntensity), 7.378697626047847e+19);
  EXPECT_EQ(r.derived_value(DerivedFeature::kConnectionAsymmetry), 0.0);
}

TEST(DerivedFeaturesTest, IpClassMismatchIsClassAAgainstClassCOnly) {
  const struct {
    const char* src;
    const char* dst;
    double expected;
  } cases[] = {
      {"10.0.0.1", "192.168.0.1", 1.0},    {"192.168.0.1", "10.0.0.1", 1.0},    {"127.0.0.1", "223.0.0.1", 1.0},
      {"10.0.0.1", "10.0.0.2", 0.0},       {"192.168.0.1", "192.168.0.2", 0.0}, {"172.16.0.1", "192.168.0.1", 0.0},
      {"10.0.0.1", "172.16.0.1", 0.0},     {"10.0.0.1", "224.0.0.1", 0.0},      {"240.0.0.1", "192.168.0.1", 0.0},
      {"2001:db8::1", "2001:db8::2", 0.0},
  };
  for (const auto& c : cases) {
    FeatureRecord r = record_of(flow(c.src, 1, c.dst, 2, 6));
    compute_derived(r);
    EXPECT_EQ(r.derived_value(DerivedFeature::kIpClassMismatch), c.expected) << c.src << " -> " << c.dst;
  }
}

TEST(DerivedFeaturesTest, ProtocolAnomalyIsHopoptIcmpOspfSctp) {
  for (int p = 0; p <= 255; ++p) {
    FeatureRecord r = record_of(flow("10.0.0.1", 1, "10.0.0.2", 2, static_cast<std::uint8_t>(p)));
    compute_derived(r);
    const bool anomalous = p == 0 || p == 1 || p == 89 || p == 132;
    EXPECT_EQ(r.derived_value(DerivedFeature::kProtocolAnomaly), anomalous ? 1.0 : 0.0) << p;
  }
}

TEST(DerivedFeaturesTest, LeavesTheQuantileFlagsAlone) {
  FeatureRecord r = sample();
  r.flow.dst_ip = testing::ip("224.0.0.1");
  for (const DerivedFeature flag : kQuantileFlags) r.derived_value(flag) = 7.0;
  compute_derived(r);
  for (const DerivedFeature flag : kQuantileFlags) EXPECT_EQ(r.derived_value(flag), 7.0) << info(flag).name;
  // Everything else was written.
  EXPECT_EQ(r.derived_value(DerivedFeature::kFanTotalDst), 12.0);
}

}  // namespace
}  // namespace flowfeat
