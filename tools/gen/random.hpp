#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <random>

namespace flowfeat::gen {

// Deterministic random source. std::mt19937_64's output sequence is fixed by the standard, but the
// standard distributions are not, so every draw is mapped from raw engine output here: the same
// seed gives the same capture on every platform and standard library.
class Random {
 public:
  explicit Random(std::uint64_t seed) : engine_(seed) {}

  std::uint64_t bits() { return engine_(); }

  // Uniform in [0, n); n > 0. Modulo bias is below 2^-40 for every n this program uses.
  std::uint64_t below(std::uint64_t n) { return engine_() % n; }

  // Uniform in [lo, hi], both inclusive.
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo) + 1));
  }

  // True with probability percent / 100.
  bool percent(unsigned percent) { return below(100) < percent; }

  // Heavy-tailed value in [lo, hi] (lo >= 1): the power of two is uniform, then the value within
  // it, which approximates a log-uniform law using integers only.
  std::int64_t log_uniform(std::int64_t lo, std::int64_t hi) {
    int lo_exp = 0;
    while ((std::int64_t{2} << lo_exp) <= lo) ++lo_exp;
    int hi_exp = lo_exp;
    while ((std::int64_t{2} << hi_exp) <= hi) ++hi_exp;
    const int e = lo_exp + static_cast<int>(below(static_cast<std::uint64_t>(hi_exp - lo_exp) + 1));
    const std::int64_t from = std::max(lo, std::int64_t{1} << e);
    const std::int64_t to = std::min(hi, (std::int64_t{2} << e) - 1);
    return between(from, to);
  }

  // A uniformly chosen element of a non-empty array or vector.
  template <typename Container>
  const auto& pick(const Container& items) {
    return items[below(std::size(items))];
  }

 private:
  std::mt19937_64 engine_;
};

}  // namespace flowfeat::gen
