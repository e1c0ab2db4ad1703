#pragma once

#include <cstdint>
#include <type_traits>
#include <utility>

#include "flowfeat/core/decoded_packet.hpp"
#include "flowfeat/core/ip_address.hpp"
#include "flowfeat/core/tunnel_type.hpp"

namespace flowfeat {

// Direction-free identity of a flow: the unordered pair of endpoints (ip, port), the protocol, the
// innermost VLAN id and the tunnel type. Endpoints are stored ordered ((ip, port) ascending) so that
// both directions of a conversation produce the same key.
struct FlowKey {
  IpAddress low_ip;
  IpAddress high_ip;
  std::uint16_t low_port = 0;
  std::uint16_t high_port = 0;
  std::uint16_t vlan_id = 0;
  std::uint8_t protocol = 0;
  TunnelType tunnel = TunnelType::kNone;

  static FlowKey of(const DecodedPacket& p) noexcept {
    FlowKey k;
    const bool src_first = p.src_ip < p.dst_ip || (p.src_ip == p.dst_ip && p.src_port <= p.dst_port);
    k.low_ip = src_first ? p.src_ip : p.dst_ip;
    k.high_ip = src_first ? p.dst_ip : p.src_ip;
    k.low_port = src_first ? p.src_port : p.dst_port;
    k.high_port = src_first ? p.dst_port : p.src_port;
    k.vlan_id = p.vlan_id;
    k.protocol = p.protocol;
    k.tunnel = p.tunnel;
    return k;
  }

  // Symmetric hash support for absl containers.
  template <typename H>
  friend H AbslHashValue(H h, const FlowKey& k) {
    return H::combine(std::move(h), k.low_ip.bytes, k.low_ip.version, k.high_ip.bytes, k.high_ip.version,
                      k.low_port, k.high_port, k.vlan_id, k.protocol, k.tunnel);
  }

  friend bool operator==(const FlowKey&, const FlowKey&) = default;
};
static_assert(std::is_trivially_copyable_v<FlowKey>);

}  // namespace flowfeat
