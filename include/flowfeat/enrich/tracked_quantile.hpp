#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flowfeat {

// The (column, P) pairs whose running quantile qP(column) the flags of FEATURES.md section 6 compare
// against.
enum class TrackedQuantile : std::uint8_t {
  kPacketsP95,    // q95(bidirectional_packets): potential_broadcast_attack, potential_ddos
  kPacketsP05,    // q05(bidirectional_packets): potential_scan
  kPacketsP10,    // q10(bidirectional_packets): suspicious_port_protocol
  kFanOutDstP95,  // q95(fan_out_dst): potential_scan
  kDurationP05,   // q05(bidirectional_duration_ms): potential_scan
  kFanInDstP95,   // q95(fan_in_dst): potential_ddos
  kMeanPiatP05,   // q05(bidirectional_mean_piat_ms): potential_ddos
  kBytesP95,      // q95(bidirectional_bytes): potential_exfiltration
};
inline constexpr std::size_t kTrackedQuantileCount = 8;

struct TrackedQuantileInfo {
  std::string_view column;
  std::uint8_t percent;  // P of qP, in percent
};

inline constexpr std::array<TrackedQuantileInfo, kTrackedQuantileCount> kTrackedQuantiles{{
    {"bidirectional_packets", 95},
    {"bidirectional_packets", 5},
    {"bidirectional_packets", 10},
    {"fan_out_dst", 95},
    {"bidirectional_duration_ms", 5},
    {"fan_in_dst", 95},
    {"bidirectional_mean_piat_ms", 5},
    {"bidirectional_bytes", 95},
}};

constexpr const TrackedQuantileInfo& info(TrackedQuantile which) noexcept {
  return kTrackedQuantiles[static_cast<std::size_t>(which)];
}

}  // namespace flowfeat
