#pragma once

#include <cstdint>

namespace flowfeat {

// A 32-bit running total (the kernel's socket counters, as libpcap's pcap_stat gives them) kept as
// a 64-bit one: at a million frames a second the kernel's count wraps every 71 minutes. Readings
// must come often enough that the count wraps at most once between two of them.
class WrappingCount {
 public:
  // Takes the next reading of the 32-bit total; returns the 64-bit total so far.
  std::uint64_t update(std::uint32_t reading) noexcept {
    total_ += static_cast<std::uint32_t>(reading - last_);  // modulo 2^32
    last_ = reading;
    return total_;
  }

  std::uint64_t total() const noexcept { return total_; }

 private:
  std::uint32_t last_ = 0;
  std::uint64_t total_ = 0;
};

}  // namespace flowfeat
