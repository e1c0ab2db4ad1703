#include "flowfeat/enrich/extended_p_square.hpp"

#include <gtest/gtest.h>

#include <boost/accumulators/accumulators.hpp>
#include <boost/accumulators/statistics/extended_p_square.hpp>
#include <boost/accumulators/statistics/stats.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace flowfeat {
namespace {

namespace acc = boost::accumulators;
using BoostEstimator = acc::accumulator_set<double, acc::stats<acc::tag::extended_p_square>>;

// QuantileFlags' grid, and a small one.
const std::vector<double> kFlagGrid = {0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09,
                                       0.10, 0.11, 0.12, 0.15, 0.25, 0.50, 0.75, 0.85, 0.90,
                                       0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99};
const std::vector<double> kQuartiles = {0.25, 0.5, 0.75};

// Feeds the same stream to both and requires every estimate to be the same double after every
// sample once the markers are initialised (EXPECT_EQ on doubles: bit for bit, not approximately).
// None of these streams takes a height into the subnormal range, where the two part (below).
void expect_same_as_boost(const std::vector<double>& probabilities, std::size_t samples,
                          const std::function<double(std::size_t)>& next) {
  ExtendedPSquare ours(probabilities);
  BoostEstimator theirs(acc::extended_p_square_probabilities = probabilities);
  std::size_t compared = 0;
  for (std::size_t n = 0; n < samples; ++n) {
    const double x = next(n);
    ours.add(x);
    theirs(x);
    if (ours.count() <= ours.markers()) continue;
    const auto estimates = acc::extended_p_square(theirs);
    for (std::size_t q = 0; q < probabilities.size(); ++q) {
      ASSERT_EQ(ours.quantile(q), estimates[q]) << "quantile " << probabilities[q] << " after " << n + 1 << " samples";
    }
    ++compared;
  }
  EXPECT_EQ(compared, samples - ours.markers());
}

TEST(ExtendedPSquare, UniformSamplesGiveBoostsEstimatesBitForBit) {
  std::mt19937_64 random(1);
  std::uniform_real_distribution<double> uniform(0.0, 1000.0);
  expect_same_as_boost(kFlagGrid, 20000, [&](std::size_t) { return uniform(random); });
  expect_same_as_boost(kQuartiles, 20000, [&](std::size_t) { return uniform(random); });
}

TEST(ExtendedPSquare, TiedIntegerSamplesGiveBoostsEstimatesBitForBit) {
  // Packet counts: mostly 1 to 3, a long tail.
  std::mt19937_64 random(2);
  std::geometric_distribution<int> packets(0.4);
  expect_same_as_boost(kFlagGrid, 20000, [&](std::size_t) { return 1.0 + packets(random); });
}

TEST(ExtendedPSquare, SignedZerosAndTiesGiveBoostsEstimatesBitForBit) {
  // Fan counts: mostly zero, some -0.0 among them, a few peers; and long runs of one value.
  std::mt19937_64 random(5);
  std::uniform_int_distribution<int> pick(0, 9);
  expect_same_as_boost(kFlagGrid, 20000, [&](std::size_t) {
    const int x = pick(random);
    return x < 6 ? 0.0 : x == 6 ? -0.0 : static_cast<double>(x - 6);
  });
  expect_same_as_boost(kFlagGrid, 20000, [](std::size_t n) { return static_cast<double>((n / 3000) % 3); });
}

TEST(ExtendedPSquare, HeavyTailedSamplesGiveBoostsEstimatesBitForBit) {
  std::mt19937_64 random(3);
  std::lognormal_distribution<double> bytes(6.0, 2.5);
  expect_same_as_boost(kFlagGrid, 20000, [&](std::size_t) { return std::floor(bytes(random)); });
}

TEST(ExtendedPSquare, TrendingSamplesGiveBoostsEstimatesBitForBit) {
  // A ramp, and a ramp downwards: every sample lands beyond an extreme marker.
  expect_same_as_boost(kFlagGrid, 5000, [](std::size_t n) { return static_cast<double>(n); });
  expect_same_as_boost(kFlagGrid, 5000, [](std::size_t n) { return -static_cast<double>(n); });
}

TEST(ExtendedPSquare, HeightsThatWouldBeSubnormalAreZero) {
  // Fan counts of a real capture: nearly all zero. Boost's heights near zero shrink into subnormal
  // doubles; here they become zero. The paths part from there, by amounts far below the
  // microsecond to which QuantileFlags rounds its estimates.
  std::mt19937_64 random(6);
  std::uniform_int_distribution<int> pick(0, 99);
  ExtendedPSquare ours(kFlagGrid);
  BoostEstimator theirs(acc::extended_p_square_probabilities = kFlagGrid);
  std::size_t subnormal = 0;
  std::size_t differing = 0;
  for (int n = 0; n < 50000; ++n) {
    const int x = pick(random);
    const double sample = x < 94 ? 0.0 : static_cast<double>(x - 93);
    ours.add(sample);
    theirs(sample);
    if (ours.count() <= ours.markers()) continue;
    const auto estimates = acc::extended_p_square(theirs);
    for (std::size_t q = 0; q < kFlagGrid.size(); ++q) {
      ASSERT_FALSE(std::fpclassify(ours.quantile(q)) == FP_SUBNORMAL);
      if (std::fpclassify(estimates[q]) == FP_SUBNORMAL) ++subnormal;
      if (ours.quantile(q) != estimates[q]) ++differing;
      ASSERT_NEAR(ours.quantile(q), estimates[q], 1e-9) << "quantile " << kFlagGrid[q] << " after " << n + 1;
    }
  }
  EXPECT_GT(subnormal, 0u);  // the stream does reach Boost's subnormal heights
  EXPECT_GT(differing, 0u);
}

TEST(ExtendedPSquare, ConstantSamplesStayOnTheValue) {
  ExtendedPSquare estimator(kQuartiles);
  for (int i = 0; i < 1000; ++i) estimator.add(7.0);
  for (std::size_t q = 0; q < kQuartiles.size(); ++q) EXPECT_EQ(estimator.quantile(q), 7.0);
}

TEST(ExtendedPSquare, EstimatesTheQuantilesOfAKnownDistribution) {
  std::mt19937_64 random(4);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  ExtendedPSquare estimator(kQuartiles);
  for (int i = 0; i < 100000; ++i) estimator.add(uniform(random));
  EXPECT_NEAR(estimator.quantile(0), 0.25, 0.01);
  EXPECT_NEAR(estimator.quantile(1), 0.50, 0.01);
  EXPECT_NEAR(estimator.quantile(2), 0.75, 0.01);
  EXPECT_EQ(estimator.count(), 100000u);
  EXPECT_EQ(estimator.markers(), 2 * kQuartiles.size() + 3);
}

// An estimator restored from another's markers continues exactly as the other would: split a stream
// anywhere (before the markers are all set, at that point, long after) and the estimates agree bit
// for bit with one estimator fed the whole stream.
TEST(ExtendedPSquare, RestoredMarkersContinueBitForBit) {
  std::mt19937_64 random(11);
  std::lognormal_distribution<double> values(2.0, 1.5);
  std::vector<double> stream(5000);
  for (double& x : stream) x = std::round(values(random));
  for (const std::size_t split : {0u, 1u, 30u, 62u, 63u, 64u, 1000u, 4999u}) {
    ExtendedPSquare whole(kFlagGrid);
    ExtendedPSquare first(kFlagGrid);
    for (std::size_t i = 0; i < split; ++i) first.add(stream[i]);
    ExtendedPSquare second(kFlagGrid);
    second.restore(first.count(), first.heights(), first.positions(), first.desired_positions());
    for (std::size_t i = 0; i < split; ++i) whole.add(stream[i]);
    for (std::size_t i = split; i < stream.size(); ++i) {
      whole.add(stream[i]);
      second.add(stream[i]);
    }
    ASSERT_EQ(second.count(), whole.count());
    for (std::size_t m = 0; m < whole.markers(); ++m) {
      EXPECT_EQ(second.heights()[m], whole.heights()[m]) << "split " << split << " marker " << m;
      EXPECT_EQ(second.positions()[m], whole.positions()[m]) << "split " << split << " marker " << m;
      EXPECT_EQ(second.desired_positions()[m], whole.desired_positions()[m]) << "split " << split << " marker " << m;
    }
  }
}

// Markers no estimator can have are refused, and the estimator is left as it was.
TEST(ExtendedPSquare, RestoreRefusesMarkersNoEstimatorCanHave) {
  ExtendedPSquare source(kQuartiles);
  for (int i = 0; i < 100; ++i) source.add(i % 17);
  const std::vector<double> heights(source.heights().begin(), source.heights().end());
  const std::vector<double> positions(source.positions().begin(), source.positions().end());
  const std::vector<double> desired(source.desired_positions().begin(), source.desired_positions().end());
  const auto refused = [&](std::uint64_t count, std::vector<double> h, std::vector<double> p, std::vector<double> d,
                           const std::string& problem) {
    ExtendedPSquare target(kQuartiles);
    target.add(5.0);
    try {
      target.restore(count, h, p, d);
      ADD_FAILURE() << "accepted: expected '" << problem << "'";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find(problem), std::string::npos) << e.what();
    }
    EXPECT_EQ(target.count(), 1u);
    EXPECT_EQ(target.heights()[0], 5.0);
  };
  refused(100, {heights.begin(), heights.end() - 1}, positions, desired, "where 9 are kept");
  std::vector<double> nan_height = heights;
  nan_height[4] = std::nan("");
  refused(100, nan_height, positions, desired, "marker 5 is not a finite number");
  refused(101, heights, positions, desired, "do not run from 1 to the sample count 101");
  std::vector<double> backwards = positions;
  std::swap(backwards[3], backwards[4]);
  refused(100, heights, backwards, desired, "marker 5 is not a whole number above the one before");
  std::vector<double> fraction = positions;
  fraction[4] += 0.5;
  refused(100, heights, fraction, desired, "marker 5 is not a whole number above the one before");
  refused(5, heights, positions, desired, "moved before 9 samples were in");
  refused(std::uint64_t{1} << 60, heights, positions, desired, "beyond 2^53");
}

}  // namespace
}  // namespace flowfeat
