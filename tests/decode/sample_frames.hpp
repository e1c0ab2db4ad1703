#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "flowfeat/core/decoded_packet.hpp"
#include "flowfeat/decode/decoder.hpp"
#include "flowfeat/decode/link_type.hpp"
#include "frame_builder.hpp"

namespace flowfeat {

// Readable gtest output for the decoder's value types.
inline void PrintTo(const IpAddress& address, std::ostream* os) { *os << address.to_string(); }
inline void PrintTo(DecodeStatus status, std::ostream* os) { *os << to_string(status); }
inline void PrintTo(TunnelType tunnel, std::ostream* os) { *os << "tunnel " << static_cast<int>(tunnel); }

namespace test {

inline constexpr Ipv4Bytes kClient4{192, 168, 1, 10};
inline constexpr Ipv4Bytes kServer4{93, 184, 216, 34};
inline constexpr Ipv4Bytes kInnerClient4{10, 1, 2, 3};
inline constexpr Ipv4Bytes kInnerServer4{172, 16, 0, 9};
inline constexpr Ipv6Bytes kClient6{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10};
inline constexpr Ipv6Bytes kServer6{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};
inline constexpr Ipv6Bytes kInnerClient6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01};
inline constexpr Ipv6Bytes kInnerServer6{0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02};

inline Bytes payload(std::size_t size) {
  Bytes out(size);
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>('a' + i % 26);
  return out;
}

inline Bytes udp4() { return ipv4(kClient4, kServer4, kProtoUdp, udp(40000, 53, payload(12))); }
inline Bytes tcp4() { return ipv4(kClient4, kServer4, kProtoTcp, tcp(51000, 443, payload(16))); }
inline Bytes udp6() { return ipv6(kClient6, kServer6, kProtoUdp, udp(40001, 53, payload(12))); }
inline Bytes tcp6() { return ipv6(kClient6, kServer6, kProtoTcp, tcp(51001, 443, payload(16))); }
inline Bytes inner_udp4() { return ipv4(kInnerClient4, kInnerServer4, kProtoUdp, udp(5000, 53, payload(12))); }
inline Bytes inner_udp6() { return ipv6(kInnerClient6, kInnerServer6, kProtoUdp, udp(5001, 53, payload(12))); }

// UDP fragment of 8-byte units: offset 0 with more-fragments set is a first fragment.
inline Bytes udp4_fragment(std::uint16_t offset_units, bool more) {
  return ipv4(
      Ipv4Header{kClient4, kServer4, kProtoUdp, 5, static_cast<std::uint16_t>((more ? 0x2000 : 0) | offset_units)},
      udp(40000, 53, payload(24)));
}

inline Bytes over_udp4(std::uint16_t src_port, std::uint16_t dst_port, const Bytes& udp_payload) {
  return ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoUdp, udp(src_port, dst_port, udp_payload)));
}
inline Bytes gtp_frame() { return over_udp4(2152, 2152, gtp_u(inner_udp4())); }
inline Bytes gtp_sequence_frame() { return over_udp4(2152, 2152, gtp_u(inner_udp4(), 0x32, {0x00, 0x07, 0x00, 0x00})); }
// PDU session container extension (type 0x85): one 4-byte word ending with "no next extension".
inline Bytes gtp_extension_frame() {
  return over_udp4(2152, 2152, gtp_u(inner_udp4(), 0x34, {0x00, 0x00, 0x00, 0x85}, {0x01, 0x10, 0x05, 0x00}));
}
inline Bytes gtp_ipv6_frame() { return over_udp4(2152, 2152, gtp_u(inner_udp6())); }
inline Bytes tzsp_frame() { return over_udp4(33000, 37008, tzsp(ethernet(kEtherIpv4, inner_udp4()))); }
inline Bytes capwap_frame() { return over_udp4(12222, 5247, capwap_80211(kEtherIpv4, inner_udp4())); }

struct SampleFrame {
  std::string name;
  int link_type;
  Bytes bytes;
  DecodeStatus expected;  // with default options
};

// Every frame the decoder tests use, for the truncation and mutation sweeps.
inline std::vector<SampleFrame> sample_frames() {
  namespace lt = link_type;
  using S = DecodeStatus;
  const Bytes ppp_ipv4{0x00, 0x21};
  const Bytes hdlc_framing{0xff, 0x03, 0x00, 0x21};
  const Bytes chdlc_ipv4{0x0f, 0x00, 0x08, 0x00};
  return {
      {"ethernet_udp4", lt::kEthernet, ethernet(kEtherIpv4, udp4()), S::kOk},
      {"ethernet_tcp6", lt::kEthernet, ethernet(kEtherIpv6, tcp6()), S::kOk},
      {"ethernet_arp", lt::kEthernet, ethernet(kEtherArp, Bytes(28, 0x01)), S::kNotIp},
      {"vlan", lt::kEthernet, ethernet(kEther8021q, vlan_tag(100, kEtherIpv4, tcp4())), S::kOk},
      {"vlan_double", lt::kEthernet,
       ethernet(kEther8021q, vlan_tag(100, kEther8021q, vlan_tag(200, kEtherIpv4, tcp4()))), S::kOk},
      {"vlan_8021ad", lt::kEthernet,
       ethernet(kEther8021ad, vlan_tag(10, kEther8021q, vlan_tag(20, kEtherIpv4, tcp4()))), S::kOk},
      {"mpls", lt::kEthernet, ethernet(kEtherMpls, mpls_label(16, true, udp4())), S::kOk},
      {"mpls_stack", lt::kEthernet,
       ethernet(kEtherMpls, mpls_label(16, false, mpls_label(17, false, mpls_label(18, true, udp4())))), S::kOk},
      {"pppoe", lt::kEthernet, ethernet(kEtherPppoe, pppoe_session(tcp4())), S::kOk},
      {"llc_snap", lt::kEthernet, ethernet_8023(llc_snap(kEtherIpv4, udp4())), S::kOk},
      {"stp", lt::kEthernet, ethernet_8023(stp_bpdu()), S::kNotIp},
      {"linux_sll", lt::kLinuxSll, linux_sll(kEtherIpv4, udp4()), S::kOk},
      {"linux_sll2", lt::kLinuxSll2, linux_sll2(kEtherIpv6, udp6()), S::kOk},
      {"null_big_endian", lt::kNull, null_loopback(2, true, udp4()), S::kOk},
      {"null_little_endian", lt::kNull, null_loopback(2, false, udp4()), S::kOk},
      {"null_ipv6", lt::kNull, null_loopback(30, false, tcp6()), S::kOk},
      {"ppp", lt::kPpp, concat({ppp_ipv4, tcp4()}), S::kOk},
      {"ppp_hdlc_framing", lt::kPpp, concat({hdlc_framing, tcp4()}), S::kNotIp},
      {"ppp_serial", lt::kPppSerial, concat({hdlc_framing, tcp4()}), S::kOk},
      {"cisco_hdlc", lt::kCiscoHdlc, concat({chdlc_ipv4, udp4()}), S::kOk},
      {"raw", lt::kRaw, udp4(), S::kOk},
      {"raw_ipv6", lt::kRaw, tcp6(), S::kOk},
      {"dlt_ipv4", lt::kIpv4, tcp4(), S::kOk},
      {"dlt_ipv6", lt::kIpv6, udp6(), S::kOk},
      {"radiotap_data", lt::kRadiotap, radiotap(0x00, wifi(0x0188, llc_snap(kEtherIpv4, udp4()))), S::kOk},
      {"radiotap_management", lt::kRadiotap, radiotap(0x00, wifi(0x0080, payload(40))), S::kWifiNotData},
      {"radiotap_bad_fcs", lt::kRadiotap, radiotap(0x50, wifi(0x0188, llc_snap(kEtherIpv4, udp4()))), S::kWifiNotData},
      {"ipv4_options", lt::kEthernet,
       ethernet(kEtherIpv4, ipv4(Ipv4Header{kClient4, kServer4, kProtoTcp, 6}, tcp(51000, 443))), S::kOk},
      {"icmp", lt::kEthernet, ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoIcmp, icmp_echo())), S::kOk},
      {"gre", lt::kEthernet, ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoGre, payload(24))), S::kOk},
      {"tcp_short", lt::kEthernet, ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoTcp, payload(10))), S::kOk},
      {"fragment_first", lt::kEthernet, ethernet(kEtherIpv4, udp4_fragment(0, true)), S::kOk},
      {"fragment_later", lt::kEthernet, ethernet(kEtherIpv4, udp4_fragment(185, false)), S::kNonFirstFragment},
      {"ipv4_options_max", lt::kEthernet,
       ethernet(kEtherIpv4, ipv4(Ipv4Header{kClient4, kServer4, kProtoTcp, 15}, tcp(51000, 443))), S::kOk},
      {"ipv6_udp", lt::kEthernet, ethernet(kEtherIpv6, udp6()), S::kOk},
      {"ipv6_hop_by_hop", lt::kEthernet,
       ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6HopByHop, ipv6_options(kProtoTcp, 0, tcp(51001, 443)))),
       S::kOk},
      {"ipv6_fragment_first", lt::kEthernet,
       ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6Fragment,
                                 ipv6_fragment(kProtoUdp, 0, true, udp(40001, 53, payload(16))))),
       S::kOk},
      {"ipv6_fragment_later", lt::kEthernet,
       ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6Fragment, ipv6_fragment(kProtoUdp, 3, false, payload(24)))),
       S::kNonFirstFragment},
      {"ipv6_no_next_header", lt::kEthernet, ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kIpv6NoNext, payload(8))),
       S::kIpv6NoNextHeader},
      {"ipv6_payload_beyond_capture", lt::kEthernet,
       ethernet(kEtherIpv6, ipv6(Ipv6Header{kClient6, kServer6, kProtoUdp, 200}, udp(40001, 53, payload(12)))),
       S::kIpv6PayloadBeyondCapture},
      {"icmpv6", lt::kEthernet, ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kProtoIcmpv6, icmp_echo(128))), S::kOk},
      {"ipv4_in_ipv4", lt::kEthernet, ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoIpip, inner_udp4())), S::kOk},
      {"ipv6_in_ipv4", lt::kEthernet, ethernet(kEtherIpv4, ipv4(kClient4, kServer4, kProtoIpv6, inner_udp6())), S::kOk},
      {"ipv4_in_ipv6", lt::kEthernet, ethernet(kEtherIpv6, ipv6(kClient6, kServer6, kProtoIpip, inner_udp4())), S::kOk},
      {"gtp", lt::kEthernet, gtp_frame(), S::kOk},
      {"gtp_sequence", lt::kEthernet, gtp_sequence_frame(), S::kOk},
      {"gtp_extension", lt::kEthernet, gtp_extension_frame(), S::kOk},
      {"gtp_ipv6", lt::kEthernet, gtp_ipv6_frame(), S::kOk},
      {"tzsp", lt::kEthernet, tzsp_frame(), S::kOk},
      {"capwap", lt::kEthernet, capwap_frame(), S::kOk},
      {"tzsp_over_raw", lt::kRaw, ipv4(kClient4, kServer4, kProtoUdp, udp(33000, 37008, tzsp(inner_udp4()))), S::kOk},
      {"gtp_over_sll", lt::kLinuxSll,
       linux_sll(kEtherIpv4, ipv4(kClient4, kServer4, kProtoUdp, udp(2152, 2152, gtp_u(inner_udp4())))), S::kOk},
      {"capwap_over_radiotap", lt::kRadiotap,
       radiotap(0x00,
                wifi(0x0188, llc_snap(kEtherIpv4, ipv4(kClient4, kServer4, kProtoUdp,
                                                       udp(12222, 5247, capwap_80211(kEtherIpv6, inner_udp6())))))),
       S::kOk},
  };
}

struct Decoded {
  DecodeStatus status;
  DecodedPacket packet;
};

inline constexpr std::uint64_t kTimeMs = 1'700'000'000'123;

inline Decoded decode(int link_type, const Bytes& frame, DecoderOptions options = {}) {
  Decoded result{};
  result.status = Decoder(options).decode(link_type, frame.data(), static_cast<std::uint32_t>(frame.size()),
                                          static_cast<std::uint32_t>(frame.size()), kTimeMs, result.packet);
  return result;
}

inline DecoderOptions with_quirks(std::uint8_t quirks, bool decode_tunnels = true) {
  DecoderOptions options;
  options.decode_tunnels = decode_tunnels;
  options.reference_quirks = quirks;
  return options;
}

struct Expected {
  IpAddress src;
  IpAddress dst;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint8_t protocol = 0;
  std::uint16_t vlan_id = 0;
  TunnelType tunnel = TunnelType::kNone;
  std::size_t ip_offset = 0;  // where the reported IP header starts in the frame
};

// Compares every field of a successful decode of `frame`; wire_length is expected to be the frame size
// and ip_captured_length everything from the IP header on.
inline ::testing::AssertionResult decoded_as(const Decoded& result, const Bytes& frame, const Expected& e) {
  std::string errors;
  auto check = [&errors](bool ok, const std::string& what) {
    if (!ok) errors += "\n  " + what;
  };
  if (result.status != DecodeStatus::kOk) {
    return ::testing::AssertionFailure() << "status " << to_string(result.status) << ", expected ok";
  }
  const DecodedPacket& p = result.packet;
  const auto num = [](auto value) { return std::to_string(static_cast<long long>(value)); };
  check(p.src_ip == e.src, "src_ip " + p.src_ip.to_string() + " != " + e.src.to_string());
  check(p.dst_ip == e.dst, "dst_ip " + p.dst_ip.to_string() + " != " + e.dst.to_string());
  check(p.src_port == e.src_port, "src_port " + num(p.src_port) + " != " + num(e.src_port));
  check(p.dst_port == e.dst_port, "dst_port " + num(p.dst_port) + " != " + num(e.dst_port));
  check(p.protocol == e.protocol, "protocol " + num(p.protocol) + " != " + num(e.protocol));
  check(p.ip_version == e.src.version, "ip_version " + num(p.ip_version) + " != " + num(e.src.version));
  check(p.vlan_id == e.vlan_id, "vlan_id " + num(p.vlan_id) + " != " + num(e.vlan_id));
  check(p.tunnel == e.tunnel, "tunnel " + num(p.tunnel) + " != " + num(e.tunnel));
  check(p.time_ms == kTimeMs, "time_ms " + num(p.time_ms));
  check(p.wire_length == frame.size(), "wire_length " + num(p.wire_length) + " != " + num(frame.size()));
  if (p.ip_header == nullptr) {
    check(false, "ip_header is null");
  } else {
    const auto offset = p.ip_header - frame.data();
    check(offset == static_cast<std::ptrdiff_t>(e.ip_offset),
          "ip_header at " + num(offset) + " != " + num(e.ip_offset));
  }
  const std::size_t expected_captured = std::min<std::size_t>(frame.size() - e.ip_offset, 0xFFFF);
  check(p.ip_captured_length == expected_captured,
        "ip_captured_length " + num(p.ip_captured_length) + " != " + num(expected_captured));
  if (!errors.empty()) return ::testing::AssertionFailure() << "decoded packet differs:" << errors;
  return ::testing::AssertionSuccess();
}

// Properties every decode must have, whatever the input: a known status, and for kOk a packet whose
// IP header lies inside the captured bytes and agrees with the reported addresses.
inline ::testing::AssertionResult consistent(DecodeStatus status, const DecodedPacket& p, const std::uint8_t* data,
                                             std::uint32_t captured_length, std::uint32_t wire_length,
                                             const DecoderOptions& options) {
  if (static_cast<std::size_t>(status) >= kDecodeStatusCount) {
    return ::testing::AssertionFailure() << "status out of range: " << static_cast<int>(status);
  }
  if (status != DecodeStatus::kOk) return ::testing::AssertionSuccess();
  if (p.ip_header == nullptr || p.ip_header < data || p.ip_header >= data + captured_length) {
    return ::testing::AssertionFailure() << "ip_header outside the frame";
  }
  std::uint32_t ip_size = static_cast<std::uint32_t>(data + captured_length - p.ip_header);
  if (options.has(kQuirkSixteenBitSizes)) ip_size &= 0xFFFF;
  if (p.ip_captured_length != std::min<std::uint32_t>(ip_size, 0xFFFF)) {
    return ::testing::AssertionFailure() << "ip_captured_length " << p.ip_captured_length << " for " << ip_size
                                         << " bytes";
  }
  if (p.ip_version != 4 && p.ip_version != 6) {
    return ::testing::AssertionFailure() << "ip_version " << int{p.ip_version};
  }
  if ((p.ip_header[0] >> 4) != p.ip_version || p.src_ip.version != p.ip_version || p.dst_ip.version != p.ip_version) {
    return ::testing::AssertionFailure() << "version of the header and of the addresses disagree";
  }
  const std::size_t header_length = p.ip_version == 4 ? 20 : 40;
  const std::size_t address_offset = p.ip_version == 4 ? 12 : 8;
  const std::size_t address_length = p.ip_version == 4 ? 4 : 16;
  if (p.ip_captured_length < header_length) {
    return ::testing::AssertionFailure() << "IP header not fully captured";
  }
  if (!std::equal(p.ip_header + address_offset, p.ip_header + address_offset + address_length,
                  p.src_ip.bytes.begin()) ||
      !std::equal(p.ip_header + address_offset + address_length, p.ip_header + address_offset + 2 * address_length,
                  p.dst_ip.bytes.begin())) {
    return ::testing::AssertionFailure() << "addresses are not those of ip_header";
  }
  if (p.protocol != kProtoTcp && p.protocol != kProtoUdp && (p.src_port != 0 || p.dst_port != 0)) {
    return ::testing::AssertionFailure() << "ports for protocol " << int{p.protocol};
  }
  const std::uint32_t expected_wire = options.has(kQuirkSixteenBitSizes) ? (wire_length & 0xFFFF) : wire_length;
  if (p.wire_length != expected_wire) return ::testing::AssertionFailure() << "wire_length " << p.wire_length;
  return ::testing::AssertionSuccess();
}

}  // namespace test
}  // namespace flowfeat
