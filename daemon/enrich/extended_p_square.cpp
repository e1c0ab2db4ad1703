#include "flowfeat/enrich/extended_p_square.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>
#include <cmath>
#include <limits>
#include <string>

namespace flowfeat {

ExtendedPSquare::ExtendedPSquare(std::span<const double> probabilities)
    : heights_(2 * probabilities.size() + 3),
      actual_positions_(heights_.size()),
      desired_positions_(heights_.size()),
      increments_(heights_.size()) {
  if (heights_.size() > kMaxMarkers) throw std::invalid_argument("extended P²: too many probabilities");
  const std::size_t quantiles = probabilities.size();
  const std::size_t markers = heights_.size();
  for (std::size_t i = 0; i < markers; ++i) actual_positions_[i] = static_cast<double>(i + 1);
  increments_[0] = 0.;
  increments_[markers - 1] = 1.;
  for (std::size_t i = 0; i < quantiles; ++i) increments_[2 * i + 2] = probabilities[i];
  for (std::size_t i = 0; i <= quantiles; ++i) {
    increments_[2 * i + 1] = 0.5 * (increments_[2 * i] + increments_[2 * i + 2]);
  }
  for (std::size_t i = 0; i < markers; ++i) desired_positions_[i] = initial_desired_position(i);
}

double ExtendedPSquare::initial_desired_position(std::size_t marker) const noexcept {
  const auto quantiles = static_cast<double>((heights_.size() - 3) / 2);
  return 1. + 2. * (quantiles + 1.) * increments_[marker];
}

void ExtendedPSquare::restore(std::uint64_t count, std::span<const double> heights, std::span<const double> positions,
                              std::span<const double> desired) {
  const std::size_t markers = heights_.size();
  const auto fail = [&](const std::string& problem) {
    throw std::invalid_argument("extended P² markers: " + problem);
  };
  if (heights.size() != markers || positions.size() != markers || desired.size() != markers) {
    fail(std::to_string(heights.size()) + " heights, " + std::to_string(positions.size()) + " positions and " +
         std::to_string(desired.size()) + " desired positions where " + std::to_string(markers) + " are kept");
  }
  // Positions are whole numbers up to count held in doubles, exact up to 2^53.
  if (count > (std::uint64_t{1} << 53)) fail("sample count " + std::to_string(count) + " beyond 2^53");
  for (std::size_t i = 0; i < markers; ++i) {
    if (!std::isfinite(heights[i]) || !std::isfinite(positions[i]) || !std::isfinite(desired[i])) {
      fail("marker " + std::to_string(i + 1) + " is not a finite number");
    }
  }
  if (count < markers) {
    // The markers move only once markers() samples are in: until then they are where they start.
    // Heights are not ordered yet either (they are the samples as they came).
    for (std::size_t i = 0; i < markers; ++i) {
      if (positions[i] != static_cast<double>(i + 1) || desired[i] != initial_desired_position(i)) {
        fail("marker " + std::to_string(i + 1) + " moved before " + std::to_string(markers) + " samples were in");
      }
    }
  } else {
    // Each sample moves the last marker one up, and inner markers move by whole steps between
    // their neighbours: 1 = n_1 < n_2 < ... < n_m = count, all whole numbers.
    if (positions[0] != 1.0 || positions[markers - 1] != static_cast<double>(count)) {
      fail("positions do not run from 1 to the sample count " + std::to_string(count));
    }
    for (std::size_t i = 1; i < markers; ++i) {
      if (positions[i] <= positions[i - 1] || positions[i] != std::floor(positions[i])) {
        fail("position of marker " + std::to_string(i + 1) + " is not a whole number above the one before");
      }
    }
  }
  std::copy(heights.begin(), heights.end(), heights_.begin());
  std::copy(positions.begin(), positions.end(), actual_positions_.begin());
  std::copy(desired.begin(), desired.end(), desired_positions_.begin());
  count_ = count;
}

void ExtendedPSquare::add(double sample) noexcept {
  ++count_;
  const std::size_t markers = heights_.size();
  // The first samples become the markers' heights, sorted once all are in.
  if (count_ <= markers) {
    heights_[count_ - 1] = sample;
    if (count_ == markers) std::sort(heights_.begin(), heights_.end());
    return;
  }
  // The cell k with heights[k-1] <= sample < heights[k]; the extremes move out to a new sample.
  std::size_t cell;
  if (sample < heights_[0]) {
    heights_[0] = sample;
    cell = 1;
  } else if (sample >= heights_[markers - 1]) {
    heights_[markers - 1] = sample;
    cell = markers - 1;
  } else {
    cell = static_cast<std::size_t>(std::upper_bound(heights_.begin(), heights_.end(), sample) - heights_.begin());
  }
  for (std::size_t i = cell; i < markers; ++i) ++actual_positions_[i];
  for (std::size_t i = 0; i < markers; ++i) desired_positions_[i] += increments_[i];
  adjust();
}

// Moves each inner marker one position toward its desired one when it is at least one away and the
// neighbour on that side leaves room, by the parabolic formula, or the linear one when the parabola
// would leave the neighbours' interval. A marker's distance to its desired position changes only
// when the marker itself moves, so the markers at least one away are found first, in one pass
// without branches; only they are visited, in order, as Boost visits every marker.
void ExtendedPSquare::adjust() noexcept {
  double* const q = heights_.data();
  double* const n = actual_positions_.data();
  const double* const desired = desired_positions_.data();
  const std::size_t last = heights_.size() - 2;
  static_assert(kMaxMarkers <= 64, "the candidates are a 64-bit mask");
  std::uint64_t candidates = 0;
  for (std::size_t i = 1; i <= last; ++i) {
    const double d = desired[i] - n[i];
    candidates |= static_cast<std::uint64_t>(d >= 1 || d <= -1) << i;
  }
  while (candidates != 0) {
    const auto i = static_cast<std::size_t>(std::countr_zero(candidates));
    candidates &= candidates - 1;
    const double d = desired[i] - n[i];
    const double dp = n[i + 1] - n[i];
    const double dm = n[i - 1] - n[i];
    if (!((d >= 1 && dp > 1) || (d <= -1 && dm < -1))) continue;
    const double sign = d > 0 ? 1.0 : -1.0;
    // Among tied heights (counts of one or two packets, zero fans) both slopes are zero and the
    // formulas leave the height as it is: only the position moves. A -0.0 height would become +0.0.
    if (q[i - 1] == q[i] && q[i] == q[i + 1] && !std::signbit(q[i])) {
      n[i] += sign;
      continue;
    }
    const double hp = (q[i + 1] - q[i]) / dp;
    const double hm = (q[i - 1] - q[i]) / dm;
    const double h = q[i] + sign / (dp - dm) * ((sign - dm) * hp + (dp - sign) * hm);
    if (q[i - 1] < h && h < q[i + 1]) {
      q[i] = h;
    } else if (d > 0) {
      q[i] += hp;
    } else {
      q[i] -= hm;
    }
    // On data mostly tied at zero (fan counts) the heights near zero shrink into subnormal doubles,
    // on which every multiplication and division takes a hundred cycles or more; such a height is
    // zero for every use of the estimates.
    if (std::fabs(q[i]) < std::numeric_limits<double>::min()) q[i] = std::copysign(0.0, q[i]);
    n[i] += sign;
  }
}

}  // namespace flowfeat
