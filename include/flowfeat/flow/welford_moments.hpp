#pragma once

#include <cmath>
#include <cstdint>
#include <type_traits>

namespace flowfeat {

// Running mean and sum of squared deviations (Welford), in exactly the reference's order of
// operations so that results match it to the last bit. Requires -ffp-contract=off.
struct WelfordMoments {
  double mean = 0.0;
  double m2 = 0.0;

  // Adds sample x, the count-th of this scope (count starts at 1).
  void add(double x, std::uint64_t count) noexcept {
    if (count == 1) {
      mean += x;
      return;
    }
    const double previous = mean;
    mean += (x - previous) / static_cast<double>(count);
    m2 += (x - previous) * (x - mean);
  }

  // Sample standard deviation after count samples; 0 for fewer than two.
  double stddev(std::uint64_t count) const noexcept {
    return count > 1 ? std::sqrt(m2 / static_cast<double>(count - 1)) : 0.0;
  }
};
static_assert(std::is_trivially_copyable_v<WelfordMoments>);

}  // namespace flowfeat
