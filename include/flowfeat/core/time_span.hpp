#pragma once

#include <cstdint>

namespace flowfeat {

// From one instant to another, both included, in ms since the Unix epoch.
struct TimeSpan {
  std::int64_t first_ms = 0;
  std::int64_t last_ms = 0;
};

}  // namespace flowfeat
