#include "flowfeat/decode/decoder.hpp"

#include <algorithm>

#include "flowfeat/decode/link_type.hpp"

// The parsing rules follow the reference flow meter step by step (link layer, Ethernet types,
// IP headers, tunnels, transport ports), including its odd corners, because flow keys and packet
// counts must match it exactly. Where it read outside the captured bytes we stop instead.

namespace flowfeat {
namespace {

constexpr std::uint16_t kTypeIpv4 = 0x0800;
constexpr std::uint16_t kTypeIpv6 = 0x86dd;
constexpr std::uint16_t kTypeVlan = 0x8100;
constexpr std::uint16_t kTypeQinq = 0x88a8;
constexpr std::uint16_t kTypeMplsUnicast = 0x8847;
constexpr std::uint16_t kTypeMplsMulticast = 0x8848;
constexpr std::uint16_t kTypePppoe = 0x8864;

constexpr std::uint8_t kProtoIpip = 4;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoIpv6 = 41;

constexpr std::uint16_t kPortGtpU = 2152;
constexpr std::uint16_t kPortCapwapData = 5247;
constexpr std::uint16_t kPortTzsp = 37008;

constexpr std::uint32_t kMinFrameAfterLink = 28;  // minimal IPv4 header + UDP header
constexpr std::uint32_t kIpv4HeaderLength = 20;
constexpr std::uint32_t kIpv6HeaderLength = 40;
constexpr std::uint32_t kUdpHeaderLength = 8;
constexpr std::uint32_t kTcpHeaderLength = 20;
constexpr std::uint32_t kWifiHeaderLength = 24;
constexpr std::uint32_t kLlcSnapLength = 8;
constexpr int kMaxEncapsulations = 16;

inline std::uint16_t be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint16_t le16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
inline std::uint32_t be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Walks an IPv6 extension header chain as the reference does: hop-by-hop, routing, fragment,
// destination options, mobility. A fragment header ends the walk for non-first fragments and is
// stepped over otherwise (the reference counts it as 5 bytes against the header budget).
DecodeStatus skip_ipv6_extensions(std::uint32_t l3_budget, const std::uint8_t*& l4, std::uint16_t& l4_length,
                                  std::uint8_t& next_header) noexcept {
  auto is_extension = [](std::uint8_t h) { return h == 0 || h == 43 || h == 44 || h == 60 || h == 135 || h == 59; };
  while (l3_budget > 1 && is_extension(next_header)) {
    if (next_header == 59) return DecodeStatus::kIpv6NoNextHeader;
    if (next_header == 44) {
      if (l4_length < 8 || l3_budget < 5) return DecodeStatus::kIpv6BadExtensionHeader;
      l3_budget -= 5;
      next_header = l4[0];
      if ((be16(l4 + 2) >> 3) != 0) return DecodeStatus::kNonFirstFragment;
      l4_length = static_cast<std::uint16_t>(l4_length - 8);
      l4 += 8;
      continue;
    }
    if (l4_length < 2) return DecodeStatus::kIpv6BadExtensionHeader;
    const std::uint32_t header_length = std::uint32_t{l4[1]} * 8 + 8;
    if (header_length > l3_budget || l4_length < header_length) return DecodeStatus::kIpv6BadExtensionHeader;
    l3_budget -= header_length;
    next_header = l4[0];
    l4_length = static_cast<std::uint16_t>(l4_length - header_length);
    l4 += header_length;
  }
  return DecodeStatus::kOk;
}

// Mutable state of one decode, shared by the steps below (the reference keeps these as locals that
// survive re-entry after a tunnel).
struct Walk {
  const std::uint8_t* data;
  std::uint32_t caplen;
  std::uint32_t eth_offset = 0;
  std::uint32_t ip_offset = 0;
  std::uint16_t type = 0;
  std::uint32_t ethernet_payload_length = 0;
  std::uint32_t wifi_length = 0;
  std::uint16_t vlan_id = 0;
  TunnelType tunnel = TunnelType::kNone;
};

DecodeStatus decode_link(int link_type, Walk& w, const DecoderOptions& options) noexcept {
  const std::uint8_t* frame = w.data + w.eth_offset;
  if (w.caplen < w.eth_offset + kMinFrameAfterLink) return DecodeStatus::kTooShort;
  switch (link_type) {
    case link_type::kNull: {
      const std::uint32_t family = be32(frame);
      // The family is written in the capturing host's byte order; the reference only accepts
      // big-endian 2 as IPv4 and takes everything else for IPv6.
      const bool ipv4 = family == 2 || (!options.has(kQuirkLinkTypeGatesIpv4) && family == 0x02000000);
      w.type = ipv4 ? kTypeIpv4 : kTypeIpv6;
      w.ip_offset = w.eth_offset + 4;
      return DecodeStatus::kOk;
    }
    case link_type::kPppSerial:
      w.type = be16(frame + 2);
      w.ip_offset = w.eth_offset + 4;
      return DecodeStatus::kOk;
    case link_type::kCiscoHdlc:
    case link_type::kPpp:
      // The reference tests the first byte of the whole frame, not of the link header.
      if (w.data[0] == 0x0f || w.data[0] == 0x8f) {
        w.type = be16(frame + 2);
        w.ip_offset = w.eth_offset + 4;
      } else {
        w.type = be16(frame);
        w.ip_offset = w.eth_offset + 2;
      }
      return DecodeStatus::kOk;
    case link_type::kIpv4:
      w.type = kTypeIpv4;
      w.ip_offset = w.eth_offset;
      return DecodeStatus::kOk;
    case link_type::kIpv6:
      w.type = kTypeIpv6;
      w.ip_offset = w.eth_offset;
      return DecodeStatus::kOk;
    case link_type::kEthernet: {
      w.ip_offset = w.eth_offset + 14;
      const std::uint16_t type_or_length = be16(frame + 12);
      if (type_or_length <= 1500) {
        w.ethernet_payload_length = type_or_length;
      } else if (type_or_length >= 1536) {
        w.type = type_or_length;
      }
      if (w.ethernet_payload_length != 0) {
        const std::uint8_t* llc = w.data + w.ip_offset;
        if (llc[0] == 0xaa || llc[1] == 0xaa) {
          w.type = options.has(kQuirkLlcSnapHostOrder) ? le16(llc + 6) : be16(llc + 6);
          w.ip_offset += 8;
        } else if (llc[0] == 0x42 || llc[1] == 0x42) {
          return DecodeStatus::kNotIp;  // spanning tree
        }
      }
      return DecodeStatus::kOk;
    }
    case link_type::kLinuxSll:
      w.type = be16(frame + 14);
      w.ip_offset = w.eth_offset + 16;
      return DecodeStatus::kOk;
    case link_type::kLinuxSll2:
      if (options.has(kQuirkNoLinuxSll2)) return DecodeStatus::kUnknownLinkType;
      w.type = be16(frame);
      w.ip_offset = w.eth_offset + 20;
      return DecodeStatus::kOk;
    case link_type::kRadiotap: {
      const std::uint32_t radio_length = le16(frame + 2);
      const std::uint8_t flags = frame[16];  // read at a fixed place, as the reference does
      if ((flags & 0x50) == 0x50) return DecodeStatus::kWifiNotData;
      if (w.caplen < w.eth_offset + radio_length + kWifiHeaderLength) return DecodeStatus::kTruncatedHeader;
      const std::uint16_t frame_control = le16(frame + radio_length);
      if (((frame_control >> 2) & 0x3) != 0x2) return DecodeStatus::kWifiNotData;
      const bool to_ds = (frame_control & 0x0100) != 0;
      const bool from_ds = (frame_control & 0x0200) != 0;
      if (to_ds != from_ds) w.wifi_length = 26;
      if (w.caplen < w.eth_offset + w.wifi_length + radio_length + kLlcSnapLength) {
        return DecodeStatus::kTruncatedHeader;
      }
      const std::uint8_t* llc = frame + w.wifi_length + radio_length;
      if (llc[0] == 0xaa) w.type = be16(llc + 6);
      w.ip_offset = w.eth_offset + w.wifi_length + radio_length + kLlcSnapLength;
      return DecodeStatus::kOk;
    }
    case link_type::kRaw:
      w.ip_offset = w.eth_offset;
      return DecodeStatus::kOk;
    default:
      return DecodeStatus::kUnknownLinkType;
  }
}

// VLAN tags, MPLS label stacks and PPPoE sessions between the link header and IP.
DecodeStatus skip_shims(Walk& w, const DecoderOptions& options) noexcept {
  auto is_vlan = [&](std::uint16_t type) {
    return type == kTypeVlan || (type == kTypeQinq && !options.has(kQuirkNo8021ad));
  };
  for (;;) {
    if (is_vlan(w.type)) {
      if (w.ip_offset + 4 >= w.caplen) return DecodeStatus::kTruncatedHeader;
      do {
        w.vlan_id = be16(w.data + w.ip_offset) & 0xFFF;
        w.type = be16(w.data + w.ip_offset + 2);
        w.ip_offset += 4;
      } while (is_vlan(w.type) && w.ip_offset + 4 < w.caplen);
    } else if (w.type == kTypeMplsUnicast || w.type == kTypeMplsMulticast) {
      if (w.ip_offset + 4 >= w.caplen) return DecodeStatus::kTruncatedHeader;
      std::uint32_t label = be32(w.data + w.ip_offset);
      w.type = kTypeIpv4;
      w.ip_offset += 4;
      while (((label >> 8) & 1) == 0 && w.ip_offset + 4 < w.caplen) {
        label = be32(w.data + w.ip_offset);
        w.ip_offset += 4;
      }
    } else if (w.type == kTypePppoe) {
      w.type = kTypeIpv4;
      w.ip_offset += 8;
    } else {
      return DecodeStatus::kOk;
    }
  }
}

}  // namespace

DecodeStatus Decoder::decode(int link_type, const std::uint8_t* data, std::uint32_t captured_length,
                             std::uint32_t wire_length, std::uint64_t time_ms, DecodedPacket& out) const noexcept {
  const bool sixteen_bit_sizes = options_.has(kQuirkSixteenBitSizes);
  Walk w{data, captured_length};
  const std::uint8_t* ip4 = nullptr;
  const std::uint8_t* ip6 = nullptr;
  std::uint32_t ip_length = 0;  // IPv4 header length, or IPv6 payload length after extensions
  std::uint16_t fragment_field = 0;
  std::uint8_t protocol = 0;

  enum class Step { kLink, kIp, kDone } step = Step::kLink;
  for (int depth = 0; step != Step::kDone; ++depth) {
    if (depth > kMaxEncapsulations) return DecodeStatus::kTooManyEncapsulations;
    if (step == Step::kLink) {
      if (auto s = decode_link(link_type, w, options_); s != DecodeStatus::kOk) return s;
      if (auto s = skip_shims(w, options_); s != DecodeStatus::kOk) return s;
    }
    step = Step::kDone;

    if (captured_length < w.ip_offset + kIpv4HeaderLength) return DecodeStatus::kTruncatedHeader;
    const std::uint8_t* ip = data + w.ip_offset;
    const std::uint8_t version = ip[0] >> 4;
    // The reference reads the fragment field and protocol only when the link said IPv4; we trust
    // the header itself.
    if (options_.has(kQuirkLinkTypeGatesIpv4) ? w.type == kTypeIpv4 : version == 4) {
      fragment_field = be16(ip + 6);
      protocol = ip[9];
    }
    if (version == 4) {
      ip4 = ip;
      ip6 = nullptr;
      ip_length = std::uint32_t{ip[0] & 0x0Fu} * 4;
      if (ip[9] == kProtoIpv6 || ip[9] == kProtoIpip) {
        w.ip_offset += ip_length;
        if (ip_length > 0) {
          step = Step::kIp;
          continue;
        }
      }
      if ((fragment_field & 0x1FFF) != 0) return DecodeStatus::kNonFirstFragment;
    } else if (version == 6) {
      if (captured_length < w.ip_offset + kIpv6HeaderLength) return DecodeStatus::kTruncatedHeader;
      ip6 = ip;
      ip4 = nullptr;
      protocol = ip[6];
      std::uint16_t payload_length = be16(ip + 4);
      if (captured_length < w.ip_offset + kIpv6HeaderLength + payload_length) {
        return DecodeStatus::kIpv6PayloadBeyondCapture;
      }
      std::uint32_t ip_size = captured_length - w.ip_offset;
      if (sixteen_bit_sizes) ip_size &= 0xFFFF;
      const std::uint8_t* l4 = ip + kIpv6HeaderLength;
      if (auto s = skip_ipv6_extensions(ip_size - kIpv6HeaderLength, l4, payload_length, protocol);
          s != DecodeStatus::kOk) {
        return s;
      }
      ip_length = payload_length;
      if (protocol == kProtoIpv6 || protocol == kProtoIpip) {
        w.ip_offset = static_cast<std::uint32_t>(l4 - data);
        step = Step::kIp;
        continue;
      }
    } else {
      return DecodeStatus::kNotIp;
    }

    if (!options_.decode_tunnels || protocol != kProtoUdp) break;
    // For IPv6 the reference places the UDP header after the payload length rather than the header
    // length; we keep its behaviour since flow keys depend on it.
    const std::uint32_t udp_offset = w.ip_offset + ip_length;
    if (captured_length < udp_offset + kUdpHeaderLength) return DecodeStatus::kTruncatedHeader;
    const std::uint16_t sport = be16(data + udp_offset);
    const std::uint16_t dport = be16(data + udp_offset + 2);
    std::uint32_t offset = udp_offset + kUdpHeaderLength;
    if ((sport == kPortGtpU || dport == kPortGtpU) && offset + 8 < captured_length) {
      const std::uint8_t flags = data[offset];
      const std::uint8_t message_type = data[offset + 1];
      if (((flags & 0xE0) >> 5) != 1 || message_type != 0xFF) break;  // not a GTPv1 T-PDU
      offset += 8;
      if (flags & 0x07) offset += 4;
      bool extension_error = false;
      if (flags & 0x04) {
        while (offset < captured_length) {
          const std::uint32_t extension_length = std::uint32_t{data[offset]} << 2;
          offset += extension_length;
          if (offset >= captured_length || extension_length == 0) {
            extension_error = true;
            break;
          }
          if (data[offset - 1] == 0) break;
        }
      }
      if (offset >= captured_length || extension_error) break;
      w.tunnel = TunnelType::kGtpU;
      w.ip_offset = offset;
      const std::uint8_t inner_version = data[offset] >> 4;
      if (inner_version == 6) {
        ip6 = data + offset;
        ip4 = nullptr;
        if (captured_length < offset + kIpv6HeaderLength) return DecodeStatus::kTruncatedHeader;
      } else if (inner_version == 4) {
        ip4 = data + offset;
        if (captured_length < offset + kIpv4HeaderLength) return DecodeStatus::kTruncatedHeader;
      } else {
        return DecodeStatus::kNotIp;
      }
    } else if (sport == kPortTzsp || dport == kPortTzsp) {
      if (captured_length < offset + 4) return DecodeStatus::kTruncatedHeader;
      const std::uint8_t tzsp_version = data[offset];
      const std::uint8_t tzsp_type = data[offset + 1];
      const std::uint16_t encapsulates = be16(data + offset + 2);
      w.tunnel = TunnelType::kTzsp;
      if (tzsp_version != 1 || tzsp_type != 0 || encapsulates != 1) break;
      offset += 4;
      if (offset >= captured_length) break;
      // The reference steps over the first tag only (its tag loop always leaves after one turn).
      std::uint32_t tag_length = 1;
      if (data[offset] > 1) {
        if (offset + 1 >= captured_length) return DecodeStatus::kTruncatedHeader;
        tag_length = data[offset + 1];
      }
      offset += tag_length;
      if (offset >= captured_length) return DecodeStatus::kTruncatedHeader;
      w.eth_offset = offset;
      step = Step::kLink;
    } else if (sport == kPortCapwapData || dport == kPortCapwapData) {
      if (offset + 1 >= captured_length || (data[offset] & 0x0F) != 0) break;
      offset += (data[offset + 1] & 0xF8u) >> 1;
      if (offset + 32 >= captured_length) break;
      offset += kWifiHeaderLength;
      w.type = be16(data + offset + 6);
      w.ip_offset = offset + kLlcSnapLength;
      w.tunnel = TunnelType::kCapwap;
      step = Step::kIp;
    }
  }

  // Transport layer of the innermost IP header.
  std::uint32_t ip_size = captured_length - w.ip_offset;
  if (sixteen_bit_sizes) ip_size &= 0xFFFF;
  const std::uint8_t* ip = ip4 != nullptr ? ip4 : ip6;
  std::uint32_t l4_offset = 0;
  std::uint32_t l4_length = 0;
  std::uint32_t total_length = 0;
  if (ip4 != nullptr) {
    if (ip_size < kIpv4HeaderLength) return DecodeStatus::kTruncatedHeader;
    l4_offset = std::uint32_t{ip4[0] & 0x0Fu} * 4;
    total_length = be16(ip4 + 2);
    l4_length = static_cast<std::uint16_t>(total_length - l4_offset);
    if (l4_offset > ip_size) return DecodeStatus::kBadIpHeader;
    protocol = ip4[9];
    out.src_ip.assign_v4(ip4 + 12);
    out.dst_ip.assign_v4(ip4 + 16);
    out.ip_version = 4;
  } else {
    if (ip_size < kIpv6HeaderLength) return DecodeStatus::kTruncatedHeader;
    std::uint16_t payload_length = be16(ip6 + 4);
    if (ip_size < kIpv6HeaderLength + payload_length) return DecodeStatus::kIpv6PayloadBeyondCapture;
    const std::uint8_t* l4 = ip6 + kIpv6HeaderLength;
    std::uint8_t next_header = ip6[6];
    if (auto s = skip_ipv6_extensions(ip_size - kIpv6HeaderLength, l4, payload_length, next_header);
        s != DecodeStatus::kOk) {
      return s;
    }
    protocol = next_header;
    total_length = be16(ip6 + 4);
    l4_offset = static_cast<std::uint32_t>(l4 - ip6);
    l4_length = payload_length;
    if (l4_offset > ip_size) return DecodeStatus::kBadIpHeader;
    out.src_ip.assign_v6(ip6 + 8);
    out.dst_ip.assign_v6(ip6 + 24);
    out.ip_version = 6;
  }
  if (std::max(total_length, ip_size) < l4_offset + l4_length) return DecodeStatus::kBadIpHeader;

  out.src_port = 0;
  out.dst_port = 0;
  if ((protocol == kProtoTcp && l4_length >= kTcpHeaderLength) || (protocol == kProtoUdp && l4_length >= kUdpHeaderLength)) {
    // The reference trusts the IP lengths here and may read past the capture; we do not.
    if (l4_offset + 4 > ip_size) return DecodeStatus::kTruncatedTransport;
    out.src_port = be16(ip + l4_offset);
    out.dst_port = be16(ip + l4_offset + 2);
  }
  out.protocol = protocol;
  out.time_ms = time_ms;
  out.wire_length = sixteen_bit_sizes ? (wire_length & 0xFFFF) : wire_length;
  out.vlan_id = w.vlan_id;
  out.tunnel = w.tunnel;
  out.ip_header = ip;
  out.ip_captured_length = static_cast<std::uint16_t>(std::min<std::uint32_t>(ip_size, 0xFFFF));
  return DecodeStatus::kOk;
}

}  // namespace flowfeat
