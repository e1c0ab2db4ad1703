#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace flowfeat {

// Outcome of decoding one frame. Every value but kOk is a reason for ignoring the packet; each is
// counted separately so no packet disappears silently.
enum class DecodeStatus : std::uint8_t {
  kOk = 0,
  kUnknownLinkType,          // link type the decoder does not handle
  kTooShort,                 // captured length < link-header offset + 28
  kNotIp,                    // no IPv4/IPv6 header where one was expected (ARP, STP, ...)
  kWifiNotData,              // 802.11 control/management frame, or bad FCS flagged by radiotap
  kTruncatedHeader,          // a header is cut by the capture length
  kBadIpHeader,              // inconsistent IP header lengths
  kNonFirstFragment,         // IPv4 fragment with a non-zero offset
  kIpv6PayloadBeyondCapture, // IPv6 payload length larger than what was captured
  kIpv6NoNextHeader,         // IPv6 "no next header" (59)
  kIpv6BadExtensionHeader,   // IPv6 extension header chain runs past the packet
  kTruncatedTransport,       // transport ports lie beyond the captured bytes
  kTooManyEncapsulations,    // nesting deeper than the decoder follows
};

inline constexpr std::size_t kDecodeStatusCount = 13;

// Stable lower-case name, used as a metric label and in summaries.
constexpr std::string_view to_string(DecodeStatus status) noexcept {
  constexpr std::array<std::string_view, kDecodeStatusCount> kNames = {
      "ok",
      "unknown_link_type",
      "too_short",
      "not_ip",
      "wifi_not_data",
      "truncated_header",
      "bad_ip_header",
      "non_first_fragment",
      "ipv6_payload_beyond_capture",
      "ipv6_no_next_header",
      "ipv6_bad_extension_header",
      "truncated_transport",
      "too_many_encapsulations",
  };
  const auto index = static_cast<std::size_t>(status);
  return index < kNames.size() ? kNames[index] : "invalid";
}

}  // namespace flowfeat
