#pragma once

#include <cstdint>

namespace flowfeat {

// Packet time of one stream, in ms, never going backwards: a packet older than the newest one seen
// is given the newest time (the reference's clamping). Owned by the thread that reads the stream.
class StreamClock {
 public:
  // Clamps time_ms of a successfully decoded packet and returns the time to use for it.
  std::uint64_t observe(std::uint64_t time_ms) noexcept {
    if (time_ms > now_ms_) now_ms_ = time_ms;
    return now_ms_;
  }
  std::uint64_t now_ms() const noexcept { return now_ms_; }

 private:
  std::uint64_t now_ms_ = 0;
};

}  // namespace flowfeat
