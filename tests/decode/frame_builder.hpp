#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "flowfeat/core/ip_address.hpp"

// Hand-built frames for the decoder tests. Every builder returns the bytes of one layer followed by
// its payload, so frames read outside in: ethernet(kEtherIpv4, ipv4(..., udp(...))).

namespace flowfeat::test {

using Bytes = std::vector<std::uint8_t>;
using Ipv4Bytes = std::array<std::uint8_t, 4>;
using Ipv6Bytes = std::array<std::uint8_t, 16>;

inline constexpr std::uint16_t kEtherIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherArp = 0x0806;
inline constexpr std::uint16_t kEtherIpv6 = 0x86dd;
inline constexpr std::uint16_t kEther8021q = 0x8100;
inline constexpr std::uint16_t kEther8021ad = 0x88a8;
inline constexpr std::uint16_t kEtherMpls = 0x8847;
inline constexpr std::uint16_t kEtherPppoe = 0x8864;

inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoIpip = 4;
inline constexpr std::uint8_t kProtoTcp = 6;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoIpv6 = 41;
inline constexpr std::uint8_t kProtoGre = 47;
inline constexpr std::uint8_t kProtoIcmpv6 = 58;
inline constexpr std::uint8_t kIpv6HopByHop = 0;
inline constexpr std::uint8_t kIpv6Fragment = 44;
inline constexpr std::uint8_t kIpv6NoNext = 59;

inline void put8(Bytes& out, std::uint8_t value) { out.push_back(value); }
inline void put16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value >> 8));
  out.push_back(static_cast<std::uint8_t>(value));
}
inline void put32(Bytes& out, std::uint32_t value) {
  put16(out, static_cast<std::uint16_t>(value >> 16));
  put16(out, static_cast<std::uint16_t>(value));
}
inline void put_le16(Bytes& out, std::uint16_t value) {
  out.push_back(static_cast<std::uint8_t>(value));
  out.push_back(static_cast<std::uint8_t>(value >> 8));
}
inline void put_le32(Bytes& out, std::uint32_t value) {
  put_le16(out, static_cast<std::uint16_t>(value));
  put_le16(out, static_cast<std::uint16_t>(value >> 16));
}
inline void put_list(Bytes& out, std::initializer_list<std::uint8_t> bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}
inline void put_bytes(Bytes& out, const Bytes& bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }
inline void put_fill(Bytes& out, std::size_t count, std::uint8_t value = 0) { out.insert(out.end(), count, value); }
template <std::size_t N>
void put_array(Bytes& out, const std::array<std::uint8_t, N>& bytes) {
  out.insert(out.end(), bytes.begin(), bytes.end());
}

inline Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) put_bytes(out, part);
  return out;
}

inline IpAddress address(const Ipv4Bytes& bytes) { return IpAddress::v4(bytes.data()); }
inline IpAddress address(const Ipv6Bytes& bytes) { return IpAddress::v6(bytes.data()); }

// Internet checksum; the decoder ignores it, but real-looking headers make failures easier to read
// in a packet dissector.
inline std::uint16_t internet_checksum(const std::uint8_t* data, std::size_t length) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < length; i += 2) sum += static_cast<std::uint32_t>((data[i] << 8) | data[i + 1]);
  if (length % 2 != 0) sum += static_cast<std::uint32_t>(data[length - 1] << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

inline Bytes tcp(std::uint16_t src_port, std::uint16_t dst_port, const Bytes& payload = {}) {
  Bytes out;
  put16(out, src_port);
  put16(out, dst_port);
  put32(out, 1000);   // sequence
  put32(out, 0);      // acknowledgment
  put8(out, 5 << 4);  // data offset: 20 bytes
  put8(out, 0x02);    // SYN
  put16(out, 65535);  // window
  put16(out, 0);      // checksum
  put16(out, 0);      // urgent pointer
  put_bytes(out, payload);
  return out;
}

inline Bytes udp(std::uint16_t src_port, std::uint16_t dst_port, const Bytes& payload = {}) {
  Bytes out;
  put16(out, src_port);
  put16(out, dst_port);
  put16(out, static_cast<std::uint16_t>(8 + payload.size()));
  put16(out, 0);
  put_bytes(out, payload);
  return out;
}

// Echo request; the same layout serves ICMP and ICMPv6 (type 8 and 128).
inline Bytes icmp_echo(std::uint8_t type = 8) {
  Bytes out;
  put8(out, type);
  put8(out, 0);
  put16(out, 0);
  put16(out, 0x1234);  // identifier
  put16(out, 1);       // sequence
  put_fill(out, 8, 0x61);
  return out;
}

struct Ipv4Header {
  Ipv4Bytes src{};
  Ipv4Bytes dst{};
  std::uint8_t protocol = kProtoUdp;
  std::uint8_t ihl = 5;            // header length in 4-byte words; options are NOPs
  std::uint16_t fragment = 0;      // flags (0x2000 = more fragments) and offset in 8-byte units
  std::int32_t total_length = -1;  // -1: header + payload
};

inline Bytes ipv4(const Ipv4Header& h, const Bytes& payload) {
  Bytes out;
  const std::size_t header_length = std::size_t{h.ihl} * 4;
  put8(out, static_cast<std::uint8_t>(0x40 | (h.ihl & 0x0F)));
  put8(out, 0);
  put16(out, static_cast<std::uint16_t>(h.total_length >= 0 ? static_cast<std::size_t>(h.total_length)
                                                            : header_length + payload.size()));
  put16(out, 0x4242);  // identification
  put16(out, h.fragment);
  put8(out, 64);
  put8(out, h.protocol);
  put16(out, 0);
  put_array(out, h.src);
  put_array(out, h.dst);
  while (out.size() < header_length) put8(out, 0x01);
  const std::uint16_t checksum = internet_checksum(out.data(), out.size());
  out[10] = static_cast<std::uint8_t>(checksum >> 8);
  out[11] = static_cast<std::uint8_t>(checksum);
  put_bytes(out, payload);
  return out;
}

inline Bytes ipv4(const Ipv4Bytes& src, const Ipv4Bytes& dst, std::uint8_t protocol, const Bytes& payload) {
  return ipv4(Ipv4Header{src, dst, protocol}, payload);
}

struct Ipv6Header {
  Ipv6Bytes src{};
  Ipv6Bytes dst{};
  std::uint8_t next_header = kProtoUdp;
  std::int32_t payload_length = -1;  // -1: size of the payload given
};

inline Bytes ipv6(const Ipv6Header& h, const Bytes& payload) {
  Bytes out;
  put32(out, 0x60000000);
  put16(out, static_cast<std::uint16_t>(h.payload_length >= 0 ? static_cast<std::size_t>(h.payload_length)
                                                              : payload.size()));
  put8(out, h.next_header);
  put8(out, 64);
  put_array(out, h.src);
  put_array(out, h.dst);
  put_bytes(out, payload);
  return out;
}

inline Bytes ipv6(const Ipv6Bytes& src, const Ipv6Bytes& dst, std::uint8_t next_header, const Bytes& payload) {
  return ipv6(Ipv6Header{src, dst, next_header}, payload);
}

// Hop-by-hop, routing or destination options header of (length_units + 1) * 8 bytes (PadN filled).
inline Bytes ipv6_options(std::uint8_t next_header, std::uint8_t length_units, const Bytes& payload) {
  Bytes out;
  put8(out, next_header);
  put8(out, length_units);
  put8(out, 0x01);  // PadN
  put8(out, static_cast<std::uint8_t>(length_units * 8 + 4));
  put_fill(out, std::size_t{length_units} * 8 + 4);
  put_bytes(out, payload);
  return out;
}

inline Bytes ipv6_fragment(std::uint8_t next_header, std::uint16_t offset_units, bool more, const Bytes& payload) {
  Bytes out;
  put8(out, next_header);
  put8(out, 0);
  put16(out, static_cast<std::uint16_t>((offset_units << 3) | (more ? 1 : 0)));
  put32(out, 0xCAFE);
  put_bytes(out, payload);
  return out;
}

// GTPv1-U T-PDU. flags 0x30 is the plain 8-byte header; any of the E/S/PN bits (0x07) adds 4 bytes
// (sequence, N-PDU, next extension type) given in `optional`, followed by `extensions`.
inline Bytes gtp_u(const Bytes& payload, std::uint8_t flags = 0x30, const Bytes& optional = {},
                   const Bytes& extensions = {}) {
  Bytes out;
  put8(out, flags);
  put8(out, 0xFF);  // T-PDU
  put16(out, static_cast<std::uint16_t>(optional.size() + extensions.size() + payload.size()));
  put32(out, 0x00ABCDEF);  // TEID
  put_bytes(out, optional);
  put_bytes(out, extensions);
  put_bytes(out, payload);
  return out;
}

// TZSP received frame: version 1, type 0, encapsulated protocol 1 (Ethernet), END tag.
inline Bytes tzsp(const Bytes& ethernet_frame, std::uint8_t version = 1) {
  Bytes out;
  put8(out, version);
  put8(out, 0);
  put16(out, 1);
  put8(out, 0x01);  // END tag
  put_bytes(out, ethernet_frame);
  return out;
}

// CAPWAP data header (HLEN in 4-byte words, no optional parts) then a 24-byte 802.11 data header
// and LLC/SNAP.
inline Bytes capwap_80211(std::uint16_t ether_type, const Bytes& payload, std::uint8_t hlen_words = 2) {
  Bytes out;
  put8(out, 0);  // preamble: version 0, type 0
  put8(out, static_cast<std::uint8_t>(hlen_words << 3));
  put8(out, 0x03);  // WBID 1 (IEEE 802.11), T: native frame format
  put8(out, 0x00);
  put_fill(out, std::size_t{hlen_words} * 4 - 4);
  put_le16(out, 0x0208);    // data frame, FromDS
  put16(out, 0);            // duration
  put_fill(out, 18, 0x02);  // three addresses
  put16(out, 0);            // sequence control
  put_list(out, {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00});
  put16(out, ether_type);
  put_bytes(out, payload);
  return out;
}

inline Bytes ethernet(std::uint16_t ether_type, const Bytes& payload) {
  Bytes out;
  put_list(out, {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x66, 0x77, 0x88, 0x99, 0xaa});
  put16(out, ether_type);
  put_bytes(out, payload);
  return out;
}

// 802.3 frame: the type field holds the payload length.
inline Bytes ethernet_8023(const Bytes& payload) {
  return ethernet(static_cast<std::uint16_t>(payload.size()), payload);
}

// One 802.1Q/802.1ad tag body: TCI then the next type.
inline Bytes vlan_tag(std::uint16_t vlan_id, std::uint16_t next_type, const Bytes& payload, std::uint8_t priority = 3) {
  Bytes out;
  put16(out, static_cast<std::uint16_t>((std::uint32_t{priority} << 13) | (vlan_id & 0xFFFu)));
  put16(out, next_type);
  put_bytes(out, payload);
  return out;
}

inline Bytes mpls_label(std::uint32_t label, bool bottom_of_stack, const Bytes& payload) {
  Bytes out;
  put32(out, (label << 12) | (bottom_of_stack ? 0x100u : 0u) | 64u);
  put_bytes(out, payload);
  return out;
}

inline Bytes pppoe_session(const Bytes& ip_packet) {
  Bytes out;
  put8(out, 0x11);  // version 1, type 1
  put8(out, 0x00);  // session data
  put16(out, 0x0042);
  put16(out, static_cast<std::uint16_t>(ip_packet.size() + 2));
  put16(out, 0x0021);  // PPP: IPv4
  put_bytes(out, ip_packet);
  return out;
}

inline Bytes llc_snap(std::uint16_t ether_type, const Bytes& payload) {
  Bytes out;
  put_list(out, {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00});
  put16(out, ether_type);
  put_bytes(out, payload);
  return out;
}

// 802.1D configuration BPDU behind an LLC header (DSAP/SSAP 0x42), padded to the Ethernet minimum.
inline Bytes stp_bpdu() {
  Bytes out;
  put_list(out, {0x42, 0x42, 0x03});
  put_fill(out, 35);
  put_fill(out, 46 - out.size());
  return out;
}

inline Bytes linux_sll(std::uint16_t protocol, const Bytes& payload) {
  Bytes out;
  put16(out, 0);  // packet type: to us
  put16(out, 1);  // ARPHRD_ETHER
  put16(out, 6);
  put_list(out, {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00});
  put16(out, protocol);
  put_bytes(out, payload);
  return out;
}

inline Bytes linux_sll2(std::uint16_t protocol, const Bytes& payload) {
  Bytes out;
  put16(out, protocol);
  put16(out, 0);  // reserved
  put32(out, 3);  // interface index
  put16(out, 1);  // ARPHRD_ETHER
  put8(out, 0);   // packet type
  put8(out, 6);
  put_list(out, {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x00, 0x00});
  put_bytes(out, payload);
  return out;
}

// BSD loopback: the address family in the byte order of the capturing host.
inline Bytes null_loopback(std::uint32_t family, bool big_endian, const Bytes& payload) {
  Bytes out;
  if (big_endian) {
    put32(out, family);
  } else {
    put_le32(out, family);
  }
  put_bytes(out, payload);
  return out;
}

// Radiotap header of 18 bytes with TSFT and flags present; flags sit at byte 16.
inline Bytes radiotap(std::uint8_t flags, const Bytes& payload) {
  Bytes out;
  put8(out, 0);
  put8(out, 0);
  put_le16(out, 18);
  put_le32(out, 0x00000003);
  put_fill(out, 8, 0x5a);  // TSFT
  put8(out, flags);
  put8(out, 0);
  put_bytes(out, payload);
  return out;
}

// 802.11 header. frame_control is the little-endian field value: type in bits 2-3, ToDS 0x0100,
// FromDS 0x0200. A QoS data frame (subtype 8) gets the 2-byte QoS control, for 26 bytes in all.
inline Bytes wifi(std::uint16_t frame_control, const Bytes& payload) {
  Bytes out;
  put_le16(out, frame_control);
  put16(out, 0);  // duration
  put_fill(out, 6, 0xff);
  put_fill(out, 6, 0x02);
  put_fill(out, 6, 0x04);
  put16(out, 0);  // sequence control
  if ((frame_control & 0x00FC) == 0x0088) put16(out, 0);
  put_bytes(out, payload);
  return out;
}

}  // namespace flowfeat::test
