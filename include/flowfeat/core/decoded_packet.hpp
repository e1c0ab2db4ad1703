#pragma once

#include <cstdint>
#include <type_traits>

#include "flowfeat/core/ip_address.hpp"
#include "flowfeat/core/tunnel_type.hpp"

namespace flowfeat {

// What the decoder extracts from one frame: everything the flow table and the classifier need.
// A plain value; ip_header points into the capture buffer and is valid only while the frame is.
struct DecodedPacket {
  std::uint64_t time_ms = 0;     // floor(capture timestamp to ms), before clamping
  std::uint64_t index = 0;       // position among the run's decoded packets (set by the capture stage)
  std::uint32_t wire_length = 0; // original length on the wire, link header included
  IpAddress src_ip;
  IpAddress dst_ip;
  std::uint16_t src_port = 0;    // host order; 0 for protocols without ports
  std::uint16_t dst_port = 0;
  std::uint8_t protocol = 0;     // IP protocol number of the transport header
  std::uint8_t ip_version = 0;
  std::uint16_t vlan_id = 0;     // innermost 802.1Q id
  TunnelType tunnel = TunnelType::kNone;
  const std::uint8_t* ip_header = nullptr;  // innermost IP header, for deep packet inspection
  std::uint16_t ip_captured_length = 0;     // bytes captured from ip_header to the end of the frame
};
static_assert(std::is_trivially_copyable_v<DecodedPacket>);

}  // namespace flowfeat
