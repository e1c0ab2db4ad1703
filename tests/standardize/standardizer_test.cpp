#include "flowfeat/standardize/standardizer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "flowfeat/core/standardized_columns.hpp"
#include "flowfeat/standardize/standardizer_state.hpp"
#include "temp_folder.hpp"

namespace flowfeat {
namespace {

using testing::TempFolder;

struct Moments {
  double mean;
  double stddev;
};

// Compensated (Neumaier) sum, so the reference is exact to about one rounding.
double accurate_sum(const std::vector<double>& values) {
  double sum = 0.0;
  double compensation = 0.0;
  for (const double v : values) {
    const double t = sum + v;
    compensation += std::fabs(sum) >= std::fabs(v) ? (sum - t) + v : (v - t) + sum;
    sum = t;
  }
  return sum + compensation;
}

// Two-pass population mean and std, with the usual correction for the rounding of the mean.
Moments two_pass(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  const double mean = accurate_sum(values) / n;
  std::vector<double> deviations;
  std::vector<double> squares;
  for (const double v : values) {
    deviations.push_back(v - mean);
    squares.push_back((v - mean) * (v - mean));
  }
  const double correction = accurate_sum(deviations);
  const double var = (accurate_sum(squares) - correction * correction / n) / n;
  return {mean, std::sqrt(var)};
}

double relative_error(double actual, double expected) { return std::fabs(actual - expected) / std::fabs(expected); }

// Feeds one value per column and returns the z scores.
std::vector<double> feed(Standardizer& s, const std::vector<double>& raw) {
  std::vector<double> z(raw.size(), -12345.0);
  s.transform(raw, z);
  return z;
}

TEST(StandardizerTest, RunningMatchesTwoPassOnAMillionValues) {
  constexpr std::size_t kCount = 1'000'000;
  std::mt19937_64 random(20240611);
  std::normal_distribution<double> noise(0.0, 1.0);
  std::lognormal_distribution<double> lognormal(0.0, 2.5);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  // 1e9 + noise and 1e12 + noise, where plain Welford's std is off by about 3e-8 and 1e-5 (the mean's
  // rounding errors feed back into M2); log-normal; and Pareto with shape 1.2 (infinite variance in
  // theory: a few values dominate the sample).
  std::vector<std::vector<double>> values(4);
  for (std::size_t i = 0; i < kCount; ++i) {
    values[0].push_back(1e9 + noise(random));
    values[1].push_back(1e12 + noise(random));
    values[2].push_back(lognormal(random));
    values[3].push_back(1.0 / std::pow(1.0 - uniform(random), 1.0 / 1.2));
  }
  Standardizer s({"offset", "far_offset", "lognormal", "pareto"}, {});
  std::vector<double> raw(values.size());
  std::vector<double> z(values.size());
  for (std::size_t i = 0; i < kCount; ++i) {
    for (std::size_t c = 0; c < values.size(); ++c) {
      raw[c] = values[c][i];
    }
    s.transform(raw, z);
  }
  EXPECT_EQ(s.samples(), kCount);

  TempFolder folder;
  s.save(folder / "state.txt");
  const StandardizerState saved = StandardizerState::read(folder / "state.txt", StandardizeMode::kRunning);
  ASSERT_EQ(saved.columns.size(), values.size());
  for (std::size_t c = 0; c < values.size(); ++c) {
    const Moments expected = two_pass(values[c]);
    const StandardizerState::Column& column = saved.columns[c];
    ASSERT_EQ(column.count, kCount);
    const double saved_std = std::sqrt(column.m2 / static_cast<double>(column.count));
    EXPECT_LT(relative_error(column.mean, expected.mean), 1e-9) << column.name;
    EXPECT_LT(relative_error(saved_std, expected.stddev), 1e-9) << column.name;
    EXPECT_LT(relative_error(s.mean(c), expected.mean), 1e-9) << column.name;
    EXPECT_LT(relative_error(s.stddev(c), expected.stddev), 1e-9) << column.name;
  }
  // The last record's z uses the final statistics.
  const Moments offset = two_pass(values[0]);
  EXPECT_NEAR(z[0], (values[0].back() - offset.mean) / offset.stddev, 1e-6);
}

TEST(StandardizerTest, RunningZOnAHandComputedExample) {
  // Values 2 4 4 4 5 5 7 9: after all eight, mean 5 and population std 2.
  Standardizer s({"x", "constant"}, {});
  const std::vector<double> values = {2, 4, 4, 4, 5, 5, 7, 9};
  std::vector<double> zs;
  for (const double v : values) {
    const std::vector<double> z = feed(s, {v, 3.0});
    zs.push_back(z[0]);
    EXPECT_EQ(z[1], 0.0);
  }
  EXPECT_EQ(zs[0], 0.0);                          // one value: std 0
  EXPECT_DOUBLE_EQ(zs[1], 1.0);                   // mean 3, std 1
  EXPECT_DOUBLE_EQ(zs[2], 1.0 / std::sqrt(2.0));  // mean 10/3, std sqrt(8/9)
  EXPECT_DOUBLE_EQ(zs[3], 1.0 / std::sqrt(3.0));  // mean 3.5, std sqrt(3/4)
  EXPECT_DOUBLE_EQ(zs[4], std::sqrt(1.5));        // mean 3.8, std sqrt(0.96)
  EXPECT_DOUBLE_EQ(zs[7], 2.0);                   // mean 5, std 2
  EXPECT_DOUBLE_EQ(s.mean(0), 5.0);
  EXPECT_DOUBLE_EQ(s.stddev(0), 2.0);
  EXPECT_EQ(s.mean(1), 3.0);
  EXPECT_EQ(s.stddev(1), 0.0);
  EXPECT_EQ(s.samples(), 8u);
}

TEST(StandardizerTest, ZeroStddevGivesZeroInEveryMode) {
  for (const StandardizeMode mode : {StandardizeMode::kRunning, StandardizeMode::kEwm}) {
    Standardizer s({"a"}, {mode, 5.0});
    for (int i = 0; i < 10; ++i) {
      EXPECT_EQ(feed(s, {-7.25})[0], 0.0) << to_string(mode);
    }
    EXPECT_EQ(s.stddev(0), 0.0);
    EXPECT_EQ(s.mean(0), -7.25);
  }
}

TEST(StandardizerTest, EwmMatchesTheClosedForm) {
  const double half_life = 3.0;
  Standardizer s({"x"}, {StandardizeMode::kEwm, half_life});
  const double alpha = 1.0 - std::pow(2.0, -1.0 / half_life);
  EXPECT_NEAR(s.alpha(), alpha, 1e-15);

  const std::vector<double> values = {3.0, 7.0, -2.0, 10.0, 10.0, 4.0, 0.5, 8.0, -6.0, 1.0};
  for (std::size_t n = 1; n <= values.size(); ++n) {
    const double z = feed(s, {values[n - 1]})[0];
    // Weight of value i (0-based) after n values: the first keeps (1 - alpha)^(n-1), later ones
    // alpha * (1 - alpha)^age.
    std::vector<double> weights(n);
    for (std::size_t i = 0; i < n; ++i) {
      const double age = static_cast<double>(n - 1 - i);
      weights[i] = (i == 0 ? 1.0 : alpha) * std::pow(1.0 - alpha, age);
    }
    double mean = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      mean += weights[i] * values[i];
    }
    double var = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      var += weights[i] * (values[i] - mean) * (values[i] - mean);
    }
    EXPECT_NEAR(s.mean(0), mean, 1e-12) << "after " << n;
    EXPECT_NEAR(s.stddev(0), std::sqrt(var), 1e-12) << "after " << n;
    const double expected_z = n == 1 ? 0.0 : (values[n - 1] - mean) / std::sqrt(var);
    EXPECT_NEAR(z, expected_z, 1e-12) << "after " << n;
  }
  EXPECT_EQ(s.samples(), values.size());
}

TEST(StandardizerTest, EwmForgetsOldValues) {
  // After many half-lives at a new level the mean has moved to it; running mode keeps the past.
  Standardizer ewm({"x"}, {StandardizeMode::kEwm, 10.0});
  Standardizer running({"x"}, {});
  for (int i = 0; i < 1000; ++i) {
    feed(ewm, {i % 2 == 0 ? 0.0 : 2.0});
    feed(running, {i % 2 == 0 ? 0.0 : 2.0});
  }
  for (int i = 0; i < 300; ++i) {
    feed(ewm, {i % 2 == 0 ? 100.0 : 102.0});
    feed(running, {i % 2 == 0 ? 100.0 : 102.0});
  }
  EXPECT_NEAR(ewm.mean(0), 101.0, 0.1);
  EXPECT_NEAR(ewm.stddev(0), 1.0, 0.1);
  EXPECT_LT(running.mean(0), 30.0);
}

TEST(StandardizerTest, FrozenNeverUpdates) {
  TempFolder folder;
  Standardizer running({"a", "b"}, {});
  for (int i = 0; i < 100; ++i) {
    feed(running, {static_cast<double>(i), 1000.0 + static_cast<double>(i % 7)});
  }
  running.save(folder / "state.txt");
  const std::string saved_text = testing::read_text(folder / "state.txt");

  Standardizer frozen({"a", "b"}, {StandardizeMode::kFrozen, 10000.0});
  frozen.load(folder / "state.txt");
  EXPECT_EQ(frozen.samples(), 100u);
  for (int i = 0; i < 500; ++i) {
    const double a = 3.0 * static_cast<double>(i) - 400.0;
    const double b = 2000.0 - static_cast<double>(i);
    const std::vector<double> z = feed(frozen, {a, b});
    EXPECT_NEAR(z[0], (a - running.mean(0)) / running.stddev(0), 1e-12);
    EXPECT_NEAR(z[1], (b - running.mean(1)) / running.stddev(1), 1e-12);
  }
  EXPECT_EQ(frozen.samples(), 100u);
  for (std::size_t c = 0; c < 2; ++c) {
    EXPECT_EQ(frozen.mean(c), running.mean(c));
    EXPECT_EQ(frozen.stddev(c), running.stddev(c));
  }
  // Saving a frozen standardizer writes back what it loaded, byte for byte.
  frozen.save(folder / "again.txt");
  EXPECT_EQ(testing::read_text(folder / "again.txt"), saved_text);
}

TEST(StandardizerTest, FrozenUsesAnEwmState) {
  TempFolder folder;
  Standardizer ewm({"a"}, {StandardizeMode::kEwm, 4.0});
  for (const double v : {1.0, 5.0, 2.0, 8.0, 3.0}) {
    feed(ewm, {v});
  }
  ewm.save(folder / "state.txt");
  Standardizer frozen({"a"}, {StandardizeMode::kFrozen, 10000.0});
  frozen.load(folder / "state.txt");
  EXPECT_EQ(frozen.mean(0), ewm.mean(0));
  EXPECT_EQ(frozen.stddev(0), ewm.stddev(0));
  EXPECT_EQ(feed(frozen, {10.0})[0], (10.0 - ewm.mean(0)) / ewm.stddev(0));
  EXPECT_EQ(frozen.state().mode, StandardizeMode::kEwm);
}

TEST(StandardizerTest, FrozenBeforeAnyLoadGivesZero) {
  Standardizer frozen({"a", "b"}, {StandardizeMode::kFrozen, 10000.0});
  for (int i = 0; i < 3; ++i) {
    const std::vector<double> z = feed(frozen, {42.0 * i, -1.0});
    EXPECT_EQ(z[0], 0.0);
    EXPECT_EQ(z[1], 0.0);
  }
  EXPECT_EQ(frozen.samples(), 0u);
  EXPECT_EQ(frozen.stddev(0), 0.0);
}

TEST(StandardizerTest, NonFiniteValuesLeaveTheStatisticsAlone) {
  for (const StandardizeMode mode : {StandardizeMode::kRunning, StandardizeMode::kEwm}) {
    Standardizer s({"a", "b"}, {mode, 8.0});
    Standardizer clean({"a", "b"}, {mode, 8.0});
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    feed(s, {1.0, 1.0});
    feed(clean, {1.0, 1.0});
    const std::vector<double> z = feed(s, {nan, -inf});
    EXPECT_EQ(z[0], 0.0);
    EXPECT_EQ(z[1], 0.0);
    feed(s, {3.0, 1.5e308});  // 1.5e308 - 1 squared overflows: skipped as well
    feed(clean, {3.0, 1.0});
    feed(s, {6.0, 4.0});
    feed(clean, {6.0, 4.0});
    EXPECT_EQ(s.skipped_values(), 3u) << to_string(mode);
    EXPECT_EQ(s.mean(0), clean.mean(0)) << to_string(mode);
    EXPECT_EQ(s.stddev(0), clean.stddev(0)) << to_string(mode);
    EXPECT_TRUE(std::isfinite(s.mean(1)));
    EXPECT_TRUE(std::isfinite(s.stddev(1)));
    EXPECT_EQ(s.state().columns[0].count, 3u);
    EXPECT_EQ(s.state().columns[1].count, 2u);
    EXPECT_EQ(s.samples(), 4u);
  }
}

TEST(StandardizerTest, TransformMayWriteOverItsInput) {
  Standardizer s({"a"}, {});
  std::vector<double> values = {1.0};
  s.transform(values, values);
  values = {3.0};
  s.transform(values, values);
  EXPECT_DOUBLE_EQ(values[0], 1.0);
}

TEST(StandardizerTest, OutOfRangeColumnReadsZero) {
  Standardizer s({"a"}, {});
  feed(s, {5.0});
  EXPECT_EQ(s.mean(1), 0.0);
  EXPECT_EQ(s.stddev(7), 0.0);
}

TEST(StandardizerTest, ConstructorRejectsBadColumnsAndHalfLives) {
  EXPECT_THROW(Standardizer({"a", "b", "a"}, {}), std::invalid_argument);
  EXPECT_THROW(Standardizer({""}, {}), std::invalid_argument);
  EXPECT_THROW(Standardizer({"two words"}, {}), std::invalid_argument);
  EXPECT_THROW(Standardizer({"tab\tbed"}, {}), std::invalid_argument);
  for (const double half_life :
       {0.0, -1.0, std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_THROW(Standardizer({"a"}, {StandardizeMode::kEwm, half_life}), std::invalid_argument) << half_life;
  }
  try {
    Standardizer({"bytes", "bytes"}, {});
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'bytes'"), std::string::npos) << e.what();
  }
}

TEST(StandardizerTest, AcceptsTheDefaultColumns) {
  const std::vector<std::string> columns = default_standardized_columns();
  ASSERT_FALSE(columns.empty());
  Standardizer s(columns, {});
  EXPECT_EQ(s.columns(), columns);
}

}  // namespace
}  // namespace flowfeat
