#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "flowfeat/standardize/standardize_mode.hpp"
#include "flowfeat/standardize/standardizer_options.hpp"
#include "flowfeat/standardize/standardizer_state.hpp"

namespace flowfeat {

// Turns a record's raw column values into z scores, z = (x - mean) / std, with mean and population
// std (ddof 0, like scikit-learn's StandardScaler) kept online per column; std 0 gives z 0.
//
// running: Welford per column, count n, mean, M2, with the mean carried as a double-double
//   (mean + mean_low) so that values far from zero (1e9 + noise) keep the variance to about
//   1e-14 relative:
//   d = x - mean_old; mean_new = mean_old + d / n; M2 += d * (x - mean_new); std = sqrt(M2 / n).
// ewm: alpha = 1 - exp(ln(0.5) / half_life_records); the first value sets mean = x, var = 0; then
//   d = x - mean; mean += alpha * d; var = (1 - alpha) * (var + alpha * d * d); std = sqrt(var).
//   Equivalently, mean and var are the weighted mean and variance of the values seen, a value of age
//   k (0 for the newest) weighing alpha * (1 - alpha)^k, the first one (1 - alpha)^k; weights sum to 1.
// frozen: the statistics come from load() (a running or ewm state) and never change. Before any
//   load every std is 0, so every z is 0.
// running and ewm update the statistics with the record first, then compute its z.
//
// A value that is not finite (or would make the statistics overflow) leaves them unchanged, gets z 0
// and is counted in skipped_values(): one NaN would otherwise poison the column and its state file
// for good. Owned by one thread (the pipeline's serial standardize stage); not thread-safe.
class Standardizer {
 public:
  // Throws std::invalid_argument if a column name is empty, holds whitespace or repeats, or if
  // options.half_life_records is not finite and > 0.
  Standardizer(std::vector<std::string> columns, StandardizerOptions options);

  // raw[i] and z[i] belong to columns()[i]; both spans must have columns().size() elements (checked
  // by assert; otherwise only the common prefix is processed). raw and z may be the same memory.
  void transform(std::span<const double> raw, std::span<double> z) noexcept;

  // Records seen, loaded state included. frozen counts nothing: its statistics never change.
  std::uint64_t samples() const noexcept { return samples_; }
  const std::vector<std::string>& columns() const noexcept { return columns_; }
  StandardizeMode mode() const noexcept { return options_.mode; }
  double alpha() const noexcept { return alpha_; }
  // Values that left the statistics unchanged because they were not finite (see above).
  std::uint64_t skipped_values() const noexcept { return skipped_; }

  // The current statistics of a column; 0 for a column index out of range.
  double mean(std::size_t column) const noexcept;
  double stddev(std::size_t column) const noexcept;

  // A copy of the statistics. Its mode is the mode they were computed in: kRunning or kEwm, and for
  // frozen the mode of the loaded state (kRunning before any load).
  StandardizerState state() const;

  // state().write(path): atomic, see StandardizerState::write. Throws std::system_error naming the
  // path.
  void save(const std::filesystem::path& path) const;

  // Replaces the statistics with those of the file. A configured column missing from the file starts
  // from zero; a column of the file that is no longer configured is ignored (and gone at the next
  // save). Throws StateFileError (see StandardizerState::read; ewm state into running or the reverse
  // names both modes) or std::system_error if unreadable; on a throw nothing has changed.
  void load(const std::filesystem::path& path);

  // load() from a state already read. Throws std::invalid_argument if it was saved in another mode
  // (frozen takes either).
  void restore(const StandardizerState& state);

 private:
  struct Moments {
    std::uint64_t count = 0;
    double mean = 0.0;
    double mean_low = 0.0;
    double m2 = 0.0;
    double var = 0.0;
  };

  void transform_running(std::size_t size, std::span<const double> raw, std::span<double> z) noexcept;
  void transform_ewm(std::size_t size, std::span<const double> raw, std::span<double> z) noexcept;
  void transform_frozen(std::size_t size, std::span<const double> raw, std::span<double> z) noexcept;

  std::vector<std::string> columns_;
  StandardizerOptions options_;
  double alpha_ = 0.0;
  // Mode the statistics were computed in; differs from options_.mode only when frozen.
  StandardizeMode stats_mode_ = StandardizeMode::kRunning;
  std::vector<Moments> moments_;
  std::uint64_t samples_ = 0;
  std::uint64_t skipped_ = 0;
};

}  // namespace flowfeat
