#pragma once

#include <chrono>
#include <cstdint>

namespace flowfeat {

// Readings of the process's two clocks as plain integers, the units the daemon passes around.

// Wall clock: ms since the Unix epoch (the clock of live packet times and of file names).
inline std::uint64_t wall_clock_ms() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count());
}

// Steady clock, for intervals: ms and µs since an unspecified start.
inline std::uint64_t steady_clock_ms() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

inline std::uint64_t steady_clock_us() {
  using namespace std::chrono;
  return static_cast<std::uint64_t>(duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count());
}

}  // namespace flowfeat
