#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace flowfeat {

// Running quantiles by the extended P² algorithm (Raatikainen's generalisation of Jain and
// Chlamtac's P², CACM 28(10), 1985): a marker at each probability, one between each pair of
// neighbours, plus the minimum and the maximum, each moved by a piecewise-parabolic step as samples
// arrive. No sample is stored.
//
// The arithmetic is Boost.Accumulators' extended_p_square, operation for operation, so both give
// bit-identical estimates (a test feeds both the same streams), with one exception: a height that
// would be a subnormal double is zero (see adjust()). Boost computes both slopes of
// every marker on every sample, two divisions each; here only the markers that can move are
// visited, and their slopes computed, which makes an update several times cheaper with the same
// result.
class ExtendedPSquare {
 public:
  // Probabilities at most, for 2 × 30 + 3 markers.
  static constexpr std::size_t kMaxProbabilities = 30;
  static constexpr std::size_t kMaxMarkers = 2 * kMaxProbabilities + 3;

  // probabilities: increasing, each in (0, 1); at most kMaxProbabilities (std::invalid_argument).
  explicit ExtendedPSquare(std::span<const double> probabilities);

  void add(double sample) noexcept;

  // Samples added so far.
  std::uint64_t count() const noexcept { return count_; }

  // The estimate of probabilities[index]; meaningful once count() exceeds markers().
  double quantile(std::size_t index) const noexcept { return heights_[2 * index + 2]; }

  std::size_t markers() const noexcept { return heights_.size(); }

  // The markers as the estimator holds them (markers() values each), to be saved and restored.
  std::span<const double> heights() const noexcept { return heights_; }
  std::span<const double> positions() const noexcept { return actual_positions_; }
  std::span<const double> desired_positions() const noexcept { return desired_positions_; }

  // Continues from saved markers: afterwards the estimator is the one that saved them, bit for bit.
  // Throws std::invalid_argument saying what is wrong when they cannot be an estimator's after
  // count samples (other sizes, values not finite, heights out of order, positions that are not
  // 1 < ... < count in whole steps, or moved before the first markers() samples); nothing changes then.
  void restore(std::uint64_t count, std::span<const double> heights, std::span<const double> positions,
               std::span<const double> desired);

 private:
  void adjust() noexcept;
  double initial_desired_position(std::size_t marker) const noexcept;

  std::vector<double> heights_;            // q_i
  std::vector<double> actual_positions_;   // n_i
  std::vector<double> desired_positions_;  // d_i
  std::vector<double> increments_;         // f_i
  std::uint64_t count_ = 0;
};

}  // namespace flowfeat
