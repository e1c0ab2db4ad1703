#include "flowfeat/enrich/quantile_flags.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "enrich_test_support.hpp"

namespace flowfeat {
namespace {

// The values QuantileFlags reads from a record.
struct Values {
  std::uint64_t packets = 10;
  std::uint64_t bytes = 1000;
  std::uint64_t duration_ms = 100;
  std::uint32_t fan_out_dst = 5;
  std::uint32_t fan_in_dst = 5;
  double mean_piat_ms = 2.0;
  double src2dst_mean_ps = 100.0;
  double dst2src_mean_ps = 100.0;
  const char* dst_ip = "10.0.0.2";
  std::uint8_t protocol = 6;
  std::uint16_t dst_port = 80;
};

constexpr DerivedFeature kFlags[] = {DerivedFeature::kPotentialBroadcastAttack, DerivedFeature::kSuspiciousPortProtocol,
                                     DerivedFeature::kPotentialScan, DerivedFeature::kPotentialDdos,
                                     DerivedFeature::kPotentialExfiltration};

FeatureRecord record(const Values& v) {
  FeatureRecord r;
  r.flow = testing::flow("10.0.0.1", 40000, v.dst_ip, v.dst_port, v.protocol);
  r.flow.bidirectional_packets = v.packets;
  r.flow.bidirectional_bytes = v.bytes;
  r.flow.bidirectional_first_seen_ms = 1000000;
  r.flow.bidirectional_last_seen_ms = 1000000 + v.duration_ms;
  r.flow.bidirectional_piat_ms.mean = v.mean_piat_ms;
  r.flow.src2dst_ps.mean = v.src2dst_mean_ps;
  r.flow.dst2src_ps.mean = v.dst2src_mean_ps;
  r.fans.fan_out_dst = v.fan_out_dst;
  r.fans.fan_in_dst = v.fan_in_dst;
  for (const DerivedFeature flag : kFlags) r.derived_value(flag) = 7.0;  // must be overwritten
  return r;
}

// The five flags QuantileFlags sets on a record with `v`, applied after `warmup` records of the
// default Values, which raise no flag and make every tracked quantile exact.
std::array<double, 5> flags_after_background(const Values& v, std::uint64_t warmup = 1000) {
  QuantileFlags flags(QuantileFlagsOptions{.warmup_records = warmup});
  for (std::uint64_t i = 0; i + 1 < warmup; ++i) {
    FeatureRecord background = record(Values{});
    flags.apply(background);
    EXPECT_EQ(background.derived_value(DerivedFeature::kPotentialScan), 0.0);
  }
  FeatureRecord r = record(v);
  flags.apply(r);
  std::array<double, 5> result{};
  for (std::size_t i = 0; i < 5; ++i) result[i] = r.derived_value(kFlags[i]);
  return result;
}

constexpr std::array<double, 5> kNone{0, 0, 0, 0, 0};
constexpr std::array<double, 5> kBroadcast{1, 0, 0, 0, 0};
constexpr std::array<double, 5> kSuspicious{0, 1, 0, 0, 0};
constexpr std::array<double, 5> kScan{0, 0, 1, 0, 0};
constexpr std::array<double, 5> kDdos{0, 0, 0, 1, 0};
constexpr std::array<double, 5> kExfiltration{0, 0, 0, 0, 1};

TEST(QuantileFlagsTest, TiedBackgroundMakesEstimatesExact) {
  QuantileFlags flags(QuantileFlagsOptions{});
  for (int i = 0; i < 1000; ++i) {
    FeatureRecord r = record(Values{});
    flags.apply(r);
  }
  EXPECT_EQ(flags.samples(), 1000u);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP95), 10.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP05), 10.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP10), 10.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kFanOutDstP95), 5.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kDurationP05), 100.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kFanInDstP95), 5.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kMeanPiatP05), 2.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kBytesP95), 1000.0);
}

TEST(QuantileFlagsTest, NoFlagBeforeWarmup) {
  // The same trigger raises its flag as the 100th record and not as the 99th.
  const Values broadcast{.packets = 11, .dst_ip = "224.0.0.1"};
  EXPECT_EQ(flags_after_background(broadcast, 100), kBroadcast);
  EXPECT_EQ(flags_after_background(broadcast, 101)[0], 1.0);

  QuantileFlags flags(QuantileFlagsOptions{.warmup_records = 100});
  for (int i = 0; i < 98; ++i) {
    FeatureRecord r = record(Values{});
    flags.apply(r);
  }
  FeatureRecord early = record(broadcast);
  flags.apply(early);
  EXPECT_EQ(flags.samples(), 99u);
  for (const DerivedFeature flag : kFlags) EXPECT_EQ(early.derived_value(flag), 0.0) << info(flag).name;
  FeatureRecord on_time = record(broadcast);
  flags.apply(on_time);
  EXPECT_EQ(on_time.derived_value(DerivedFeature::kPotentialBroadcastAttack), 1.0);
}

TEST(QuantileFlagsTest, TheRecordItselfCountsInTheQuantiles) {
  QuantileFlags flags(QuantileFlagsOptions{.warmup_records = 0});
  FeatureRecord first = record(Values{.packets = 100, .dst_ip = "224.0.0.1"});
  flags.apply(first);
  // Over {100}, q95 is 100, and 100 > 100 is false.
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP95), 100.0);
  EXPECT_EQ(first.derived_value(DerivedFeature::kPotentialBroadcastAttack), 0.0);
}

TEST(QuantileFlagsTest, ExactQuantilesWhileFewSamples) {
  QuantileFlags flags(QuantileFlagsOptions{.warmup_records = 0});
  EXPECT_EQ(flags.samples(), 0u);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP95), 0.0);
  for (const std::uint64_t packets : {50u, 10u, 30u, 20u, 40u}) {
    FeatureRecord r = record(Values{.packets = packets});
    flags.apply(r);
  }
  // Smallest value whose empirical CDF reaches P: ceil(P * 5)-th smallest.
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP05), 10.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP10), 10.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP95), 50.0);
  for (int i = 0; i < 15; ++i) {
    FeatureRecord r = record(Values{.packets = 60u + static_cast<std::uint64_t>(i)});
    flags.apply(r);
  }
  // 20 values 10..74: q05 is the 1st, q10 the 2nd, q95 the 19th smallest.
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP05), 10.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP10), 20.0);
  EXPECT_EQ(flags.estimate(TrackedQuantile::kPacketsP95), 73.0);
}

TEST(QuantileFlagsTest, BroadcastNeedsAnIpv4MulticastDestinationAndMorePacketsThanQ95) {
  EXPECT_EQ(flags_after_background({.packets = 11, .dst_ip = "224.0.0.1"}), kBroadcast);
  EXPECT_EQ(flags_after_background({.packets = 11, .dst_ip = "239.255.255.255"}), kBroadcast);
  EXPECT_EQ(flags_after_background({.packets = 10, .dst_ip = "224.0.0.1"}), kNone);
  EXPECT_EQ(flags_after_background({.packets = 11, .dst_ip = "223.255.255.255"}), kNone);
  EXPECT_EQ(flags_after_background({.packets = 11, .dst_ip = "240.0.0.1"}), kNone);
  EXPECT_EQ(flags_after_background({.packets = 11, .dst_ip = "ff02::1"}), kNone);
}

TEST(QuantileFlagsTest, SuspiciousPortProtocolIsSmallUdpToAWellKnownPort) {
  EXPECT_EQ(flags_after_background({.packets = 9, .protocol = 17, .dst_port = 53}), kSuspicious);
  EXPECT_EQ(flags_after_background({.packets = 9, .protocol = 17, .dst_port = 1023}), kSuspicious);
  EXPECT_EQ(flags_after_background({.packets = 9, .protocol = 17, .dst_port = 0}), kSuspicious);
  EXPECT_EQ(flags_after_background({.packets = 9, .protocol = 17, .dst_port = 1024}), kNone);
  EXPECT_EQ(flags_after_background({.packets = 9, .protocol = 6, .dst_port = 53}), kNone);
  EXPECT_EQ(flags_after_background({.packets = 10, .protocol = 17, .dst_port = 53}), kNone);
}

TEST(QuantileFlagsTest, ScanIsWideShortAndSmall) {
  EXPECT_EQ(flags_after_background({.packets = 9, .duration_ms = 99, .fan_out_dst = 6}), kScan);
  EXPECT_EQ(flags_after_background({.packets = 9, .duration_ms = 99, .fan_out_dst = 5}), kNone);
  EXPECT_EQ(flags_after_background({.packets = 10, .duration_ms = 99, .fan_out_dst = 6}), kNone);
  EXPECT_EQ(flags_after_background({.packets = 9, .duration_ms = 100, .fan_out_dst = 6}), kNone);
}

TEST(QuantileFlagsTest, DdosIsManySourcesManyPacketsAndFastArrivals) {
  EXPECT_EQ(flags_after_background({.packets = 11, .fan_in_dst = 6, .mean_piat_ms = 1.999}), kDdos);
  EXPECT_EQ(flags_after_background({.packets = 11, .fan_in_dst = 6, .mean_piat_ms = 2.0}), kNone);
  EXPECT_EQ(flags_after_background({.packets = 11, .fan_in_dst = 5, .mean_piat_ms = 1.0}), kNone);
  EXPECT_EQ(flags_after_background({.packets = 10, .fan_in_dst = 6, .mean_piat_ms = 1.0}), kNone);
}

TEST(QuantileFlagsTest, ExfiltrationIsManyBytesMostlyOutbound) {
  EXPECT_EQ(flags_after_background({.bytes = 1001, .src2dst_mean_ps = 100.0, .dst2src_mean_ps = 9.99}), kExfiltration);
  EXPECT_EQ(flags_after_background({.bytes = 1001, .src2dst_mean_ps = 100.0, .dst2src_mean_ps = 10.0}), kNone);
  EXPECT_EQ(flags_after_background({.bytes = 1000, .src2dst_mean_ps = 100.0, .dst2src_mean_ps = 0.0}), kNone);
}

TEST(QuantileFlagsTest, IsMovable) {
  QuantileFlags flags(QuantileFlagsOptions{.warmup_records = 0});
  FeatureRecord r = record(Values{.packets = 42});
  flags.apply(r);
  QuantileFlags moved = std::move(flags);
  EXPECT_EQ(moved.samples(), 1u);
  EXPECT_EQ(moved.estimate(TrackedQuantile::kPacketsP95), 42.0);
}

// Varied records, so that every estimator moves and some flags are raised.
std::vector<FeatureRecord> varied_records(std::size_t count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::lognormal_distribution<double> size(2.0, 1.6);
  std::vector<FeatureRecord> records;
  for (std::size_t i = 0; i < count; ++i) {
    const auto packets = static_cast<std::uint64_t>(1 + size(random));
    records.push_back(record({.packets = packets,
                              .bytes = packets * (40 + random() % 1400),
                              .duration_ms = random() % 3 == 0 ? 0 : random() % 100000,
                              .fan_out_dst = static_cast<std::uint32_t>(random() % 4 == 0 ? size(random) : 1),
                              .fan_in_dst = static_cast<std::uint32_t>(random() % 5 == 0 ? size(random) : 1),
                              .mean_piat_ms = std::round(size(random) * 1000.0) / 1000.0,
                              .src2dst_mean_ps = 40.0 + static_cast<double>(random() % 1400),
                              .dst2src_mean_ps = static_cast<double>(random() % 1400),
                              .dst_ip = random() % 50 == 0 ? "224.0.0.251" : "10.0.0.2",
                              .protocol = static_cast<std::uint8_t>(random() % 3 == 0 ? 17 : 6),
                              .dst_port = static_cast<std::uint16_t>(random() % 2 == 0 ? 53 : 40000)}));
  }
  return records;
}

std::array<double, 5> flags_of(const FeatureRecord& r) {
  std::array<double, 5> values{};
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = r.derived_value(kFlags[i]);
  return values;
}

// A restart that restores the saved state flags every later record as one run does: split anywhere,
// before the warm-up ends, before the estimators have their markers, long after.
TEST(QuantileFlagsTest, RestoredStateFlagsAsOneRunDoes) {
  const std::vector<FeatureRecord> records = varied_records(4000, 5);
  std::vector<std::array<double, 5>> one_run;
  QuantileFlags whole(QuantileFlagsOptions{.warmup_records = 500});
  for (FeatureRecord r : records) {
    whole.apply(r);
    one_run.push_back(flags_of(r));
  }
  std::size_t raised = 0;
  for (const auto& f : one_run) raised += std::count(f.begin(), f.end(), 1.0);
  ASSERT_GT(raised, 10u) << "the records should raise flags";
  for (const std::size_t split : {0u, 10u, 57u, 300u, 2500u}) {
    QuantileFlags before(QuantileFlagsOptions{.warmup_records = 500});
    for (std::size_t i = 0; i < split; ++i) {
      FeatureRecord r = records[i];
      before.apply(r);
    }
    const QuantileState saved = before.state();
    EXPECT_EQ(saved.records, split);
    EXPECT_EQ(saved.warmup_records, 500u);
    EXPECT_EQ(saved.columns.size(), 6u);
    QuantileFlags after(QuantileFlagsOptions{.warmup_records = 500});
    EXPECT_EQ(after.incompatibility(saved), "");
    after.restore(saved);
    EXPECT_EQ(after.samples(), split);
    for (std::size_t i = split; i < records.size(); ++i) {
      FeatureRecord r = records[i];
      after.apply(r);
      ASSERT_EQ(flags_of(r), one_run[i]) << "split " << split << ", record " << i;
    }
    for (std::size_t q = 0; q < kTrackedQuantileCount; ++q) {
      EXPECT_EQ(after.estimate(static_cast<TrackedQuantile>(q)), whole.estimate(static_cast<TrackedQuantile>(q)));
    }
  }
}

// A state of other estimators is incompatible (a fresh start for the caller); one whose markers are
// inconsistent is refused naming the column; either way nothing changes.
TEST(QuantileFlagsTest, RestoreChecksTheStateBelongsHere) {
  QuantileFlags source(QuantileFlagsOptions{.warmup_records = 0});
  for (FeatureRecord r : varied_records(200, 9)) source.apply(r);
  const QuantileState good = source.state();

  QuantileState other_grid = good;
  other_grid.percents.back() = 98;
  QuantileState other_column = good;
  other_column.columns[3].name = "fan_out_src";
  QuantileState fewer = good;
  fewer.columns.pop_back();
  QuantileState broken = good;
  broken.columns[2].positions[5] = broken.columns[2].positions[4];

  QuantileFlags target(QuantileFlagsOptions{.warmup_records = 0});
  FeatureRecord first = record({.packets = 42});
  target.apply(first);
  EXPECT_EQ(target.incompatibility(other_grid), "its estimators keep markers at other probabilities");
  EXPECT_EQ(target.incompatibility(other_column), "it tracks column 'fan_out_src' where 'fan_in_dst' is tracked");
  EXPECT_EQ(target.incompatibility(fewer), "it tracks 5 columns where 6 are tracked");
  EXPECT_EQ(target.incompatibility(broken), "");
  for (const QuantileState* state : {&other_grid, &other_column, &fewer, &broken}) {
    EXPECT_THROW(target.restore(*state), std::invalid_argument);
  }
  try {
    target.restore(broken);
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("quantile bidirectional_duration_ms: extended P² markers: ", 0), 0u)
        << e.what();
  }
  EXPECT_EQ(target.samples(), 1u);
  EXPECT_EQ(target.estimate(TrackedQuantile::kPacketsP95), 42.0);
}

// --- Accuracy: each estimate within one percentile rank of the values seen so far. ---

// One record's tracked columns, in the order of the estimator columns.
struct Sample {
  std::uint64_t packets = 0;
  std::uint32_t fan_out_dst = 0;
  std::uint64_t duration_ms = 0;
  std::uint32_t fan_in_dst = 0;
  double mean_piat_ms = 0.0;
  std::uint64_t bytes = 0;
};

constexpr std::size_t kColumns = 6;

std::array<double, kColumns> columns_of(const Sample& s) {
  return {static_cast<double>(s.packets),
          static_cast<double>(s.fan_out_dst),
          static_cast<double>(s.duration_ms),
          static_cast<double>(s.fan_in_dst),
          s.mean_piat_ms,
          static_cast<double>(s.bytes)};
}

constexpr std::array<std::size_t, kTrackedQuantileCount> kColumnOf{0, 0, 0, 1, 2, 3, 4, 5};

// A seeded source whose values do not depend on the standard library's distributions.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}
  double uniform() { return static_cast<double>(engine_() >> 11) * 0x1p-53; }  // [0, 1)
  double normal() {                                                            // Box-Muller
    const double u = 1.0 - uniform();
    return std::sqrt(-2.0 * std::log(u)) * std::cos(6.283185307179586 * uniform());
  }
  double lognormal(double mu, double sigma) { return std::exp(mu + sigma * normal()); }
  double pareto(double alpha) { return std::pow(1.0 - uniform(), -1.0 / alpha); }  // >= 1, heavy tail
  std::uint64_t below(std::uint64_t n) { return engine_() % n; }

 private:
  std::mt19937_64 engine_;
};

// Where P lies outside [F(estimate-), F(estimate)] of the sorted values, how far; else 0.
double rank_error(const std::vector<double>& sorted, double estimate, double p) {
  const double n = static_cast<double>(sorted.size());
  const double below =
      static_cast<double>(std::lower_bound(sorted.begin(), sorted.end(), estimate) - sorted.begin()) / n;
  const double at_or_below =
      static_cast<double>(std::upper_bound(sorted.begin(), sorted.end(), estimate) - sorted.begin()) / n;
  if (p < below) return below - p;
  if (p > at_or_below) return p - at_or_below;
  return 0.0;
}

// Feeds `samples` through QuantileFlags and returns the worst rank error of each tracked quantile,
// checked every 100 records once 1000 (the default warm-up) have been seen.
std::array<double, kTrackedQuantileCount> worst_rank_errors(const std::vector<Sample>& samples) {
  QuantileFlags flags(QuantileFlagsOptions{});
  std::array<std::vector<double>, kColumns> sorted;
  std::array<double, kTrackedQuantileCount> worst{};
  std::size_t merged = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const Sample& s = samples[i];
    Values v;
    v.packets = s.packets;
    v.fan_out_dst = s.fan_out_dst;
    v.duration_ms = s.duration_ms;
    v.fan_in_dst = s.fan_in_dst;
    v.mean_piat_ms = s.mean_piat_ms;
    v.bytes = s.bytes;
    FeatureRecord r = record(v);
    flags.apply(r);
    const std::array<double, kColumns> values = columns_of(s);
    for (std::size_t c = 0; c < kColumns; ++c) sorted[c].push_back(values[c]);
    if (i + 1 < 1000 || (i + 1) % 100 != 0) continue;
    for (auto& column : sorted) {
      const auto middle = column.begin() + static_cast<std::ptrdiff_t>(merged);
      std::sort(middle, column.end());
      std::inplace_merge(column.begin(), middle, column.end());
    }
    merged = i + 1;
    for (std::size_t q = 0; q < kTrackedQuantileCount; ++q) {
      const auto which = static_cast<TrackedQuantile>(q);
      const double p = kTrackedQuantiles[q].percent / 100.0;
      worst[q] = std::max(worst[q], rank_error(sorted[kColumnOf[q]], flags.estimate(which), p));
    }
  }
  return worst;
}

using RankBounds = std::array<double, kTrackedQuantileCount>;
constexpr double kOneRank = 0.01;
constexpr RankBounds kOneRankEverywhere{kOneRank, kOneRank, kOneRank, kOneRank, kOneRank, kOneRank, kOneRank, kOneRank};

// Checks every tracked quantile against its bound (one percentile rank unless a test says otherwise)
// and prints the worst errors seen.
void expect_within(const std::string& name, const std::vector<Sample>& samples,
                   const RankBounds& bounds = kOneRankEverywhere) {
  const std::array<double, kTrackedQuantileCount> worst = worst_rank_errors(samples);
  std::string summary = name + " worst rank error:";
  for (std::size_t q = 0; q < kTrackedQuantileCount; ++q) {
    char text[96];
    std::snprintf(text, sizeof(text), " q%02u(%s)=%.4f", unsigned{kTrackedQuantiles[q].percent},
                  std::string(kTrackedQuantiles[q].column).c_str(), worst[q]);
    summary += text;
    EXPECT_LE(worst[q], bounds[q] + 1e-12)
        << name << ": q" << unsigned{kTrackedQuantiles[q].percent} << " of " << kTrackedQuantiles[q].column;
  }
  std::printf("%s\n", summary.c_str());
}

constexpr std::size_t kRecords = 20000;

// Flow-like columns with many ties: 60% of packet counts are 1-3, then a Pareto tail; single-packet
// flows have zero duration and zero mean inter-arrival time.
std::vector<Sample> heavy_tailed_ties(std::uint64_t seed) {
  Random random(seed);
  std::vector<Sample> samples(kRecords);
  for (Sample& s : samples) {
    s.packets = random.uniform() < 0.6 ? 1 + random.below(3) : 3 + static_cast<std::uint64_t>(random.pareto(1.2));
    s.bytes = s.packets * (random.uniform() < 0.5 ? 60 : 1514) + (random.uniform() < 0.3 ? random.below(2000) : 0);
    s.duration_ms = s.packets == 1 ? 0 : static_cast<std::uint64_t>(10.0 * random.pareto(0.9)) - 10;
    s.fan_out_dst = random.uniform() < 0.7 ? 0 : static_cast<std::uint32_t>(std::min(random.pareto(1.1), 1e6));
    s.fan_in_dst = static_cast<std::uint32_t>(std::min(random.pareto(1.0), 1e6));
    s.mean_piat_ms = s.packets == 1 ? 0.0 : static_cast<double>(s.duration_ms) / static_cast<double>(s.packets - 1);
  }
  return samples;
}

TEST(QuantileFlagsAccuracyTest, ContinuousDistributions) {
  Random random(20240601);
  std::vector<Sample> samples(kRecords);
  for (Sample& s : samples) {
    s.packets = 1 + static_cast<std::uint64_t>(random.lognormal(6.0, 1.0));
    s.bytes = static_cast<std::uint64_t>(random.lognormal(12.0, 2.0));
    s.duration_ms = static_cast<std::uint64_t>(random.lognormal(10.0, 1.5));
    s.fan_out_dst = static_cast<std::uint32_t>(random.lognormal(7.0, 1.0));
    s.fan_in_dst = static_cast<std::uint32_t>(1000.0 + 100.0 * random.normal());
    s.mean_piat_ms = random.lognormal(3.0, 1.5);
  }
  expect_within("continuous", samples);
}

TEST(QuantileFlagsAccuracyTest, HeavyTailedIntegersWithManyTies) {
  for (const std::uint64_t seed : {1u, 2u, 3u}) {
    expect_within("ties seed " + std::to_string(seed), heavy_tailed_ties(seed));
  }
}

TEST(QuantileFlagsAccuracyTest, MonotoneSequences) {
  std::vector<Sample> ramps(kRecords);
  for (std::size_t i = 0; i < kRecords; ++i) {
    const double x = static_cast<double>(i);
    Sample& s = ramps[i];
    s.packets = 1 + i / 7;                                                                     // rising staircase
    s.bytes = static_cast<std::uint64_t>(1000.0 * std::exp(x / 2000.0));                       // rising, convex
    s.duration_ms = kRecords - i;                                                              // falling line
    s.fan_out_dst = static_cast<std::uint32_t>(std::sqrt(static_cast<double>(kRecords - i)));  // falling, tied
    s.fan_in_dst = static_cast<std::uint32_t>(x * x / static_cast<double>(kRecords));          // rising, tied
    s.mean_piat_ms = 1000.0 / (1.0 + x);                                                       // falling, convex
  }

  // The tied heavy-tailed columns, each sorted rising, then each sorted falling.
  std::vector<Sample> rising = heavy_tailed_ties(7);
  std::vector<Sample> falling = rising;
  auto sort_each = [](std::vector<Sample>& samples, auto order) {
    auto sort_column = [&](auto member) {
      std::vector<std::remove_cvref_t<decltype(Sample{}.*member)>> values;
      for (const Sample& s : samples) values.push_back(s.*member);
      std::sort(values.begin(), values.end(), order);
      for (std::size_t i = 0; i < samples.size(); ++i) samples[i].*member = values[i];
    };
    sort_column(&Sample::packets);
    sort_column(&Sample::fan_out_dst);
    sort_column(&Sample::duration_ms);
    sort_column(&Sample::fan_in_dst);
    sort_column(&Sample::mean_piat_ms);
    sort_column(&Sample::bytes);
  };
  sort_each(rising, std::less<>());
  sort_each(falling, std::greater<>());
  // Sorted and ramp-shaped input is where P² is weakest: each new value lands at one end, and the
  // markers catch up in steps. With the grid that keeps the per-record cost at a few microseconds
  // (daemon/enrich/quantile_flags.cpp) the worst errors seen are 0.020 on the ramps (q10 of a
  // staircase), 0.018 sorted rising (q95 of bytes) and 0.038 sorted falling (q95 of bytes, q95 of
  // packets 0.032): the bound here is five ranks, what is claimed for such input in docs. Real
  // traffic stays within one rank (bench/quantile_check.cpp on the benchmark capture).
  RankBounds monotone_bounds;
  monotone_bounds.fill(0.05);
  expect_within("ramps", ramps, monotone_bounds);
  expect_within("sorted rising", rising, monotone_bounds);
  expect_within("sorted falling", falling, monotone_bounds);
}

}  // namespace
}  // namespace flowfeat
