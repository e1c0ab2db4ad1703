#include "frame_builder.hpp"

#include <cstring>
#include <stdexcept>

namespace flowfeat::gen {
namespace {

constexpr std::uint8_t kProtoIcmp = 1;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;

// MAC of the default gateway, the link-layer peer of every off-segment address.
constexpr std::array<std::uint8_t, 6> kRouterMac{0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x01};

void put16(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}

void put32(std::uint8_t* p, std::uint32_t v) {
  put16(p, v >> 16);
  put16(p + 2, v & 0xffffu);
}

// One's-complement sum of 16-bit big-endian words, not yet folded.
std::uint32_t sum_words(const std::uint8_t* p, std::size_t n, std::uint32_t sum = 0) {
  for (; n > 1; p += 2, n -= 2) sum += static_cast<std::uint32_t>(p[0] << 8 | p[1]);
  if (n == 1) sum += static_cast<std::uint32_t>(p[0] << 8);
  return sum;
}

std::uint16_t fold(std::uint32_t sum) {
  while (sum >> 16) sum = (sum & 0xffffu) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffffu);
}

bool is_local(std::uint32_t ip) { return (ip >> 24) == 10 || (ip >> 20) == 0xac1 || (ip >> 16) == 0xc0a8; }

}  // namespace

std::array<std::uint8_t, 6> FrameBuilder::mac_of(std::uint32_t ip) {
  if ((ip >> 28) == 0xe) {
    // RFC 1112 mapping of the low 23 address bits into 01:00:5e:00:00:00.
    return {0x01,
            0x00,
            0x5e,
            static_cast<std::uint8_t>((ip >> 16) & 0x7f),
            static_cast<std::uint8_t>(ip >> 8),
            static_cast<std::uint8_t>(ip)};
  }
  if (!is_local(ip)) return kRouterMac;
  return {0x02,
          0x00,
          static_cast<std::uint8_t>(ip >> 24),
          static_cast<std::uint8_t>(ip >> 16),
          static_cast<std::uint8_t>(ip >> 8),
          static_cast<std::uint8_t>(ip)};
}

std::size_t FrameBuilder::put_headers(const Ipv4& ip, std::uint8_t protocol, std::size_t l4_length) {
  std::uint8_t* f = frame_.data();
  const auto dst_mac = mac_of(ip.dst);
  const auto src_mac = mac_of(ip.src);
  std::memcpy(f, dst_mac.data(), 6);
  std::memcpy(f + 6, src_mac.data(), 6);
  put16(f + 12, 0x0800);

  std::uint8_t* h = f + kEthernetLength;
  h[0] = 0x45;
  h[1] = 0;
  put16(h + 2, static_cast<std::uint32_t>(kIpv4Length + l4_length));
  put16(h + 4, ip.id);
  put16(h + 6, ip.dont_fragment ? 0x4000u : 0u);
  h[8] = ip.ttl;
  h[9] = protocol;
  put16(h + 10, 0);
  put32(h + 12, ip.src);
  put32(h + 16, ip.dst);
  put16(h + 10, fold(sum_words(h, kIpv4Length)));
  return kEthernetLength + kIpv4Length;
}

std::uint32_t FrameBuilder::pseudo_header_sum(const Ipv4& ip, std::uint8_t protocol, std::size_t l4_length) const {
  return (ip.src >> 16) + (ip.src & 0xffffu) + (ip.dst >> 16) + (ip.dst & 0xffffu) + protocol +
         static_cast<std::uint32_t>(l4_length);
}

std::span<const std::uint8_t> FrameBuilder::tcp(const Ipv4& ip, const Tcp& t, std::span<const std::uint8_t> payload) {
  const std::size_t header = 20 + t.options.size();
  if (t.options.size() % 4 != 0 || t.options.size() > 40 || header + payload.size() > kMaxL4Length)
    throw std::length_error("TCP segment does not fit one frame");
  const std::size_t l4 = put_headers(ip, kProtoTcp, header + payload.size());
  std::uint8_t* h = frame_.data() + l4;
  put16(h, t.src_port);
  put16(h + 2, t.dst_port);
  put32(h + 4, t.seq);
  put32(h + 8, t.ack);
  h[12] = static_cast<std::uint8_t>((header / 4) << 4);
  h[13] = t.flags;
  put16(h + 14, t.window);
  put16(h + 16, 0);
  put16(h + 18, 0);
  if (!t.options.empty()) std::memcpy(h + 20, t.options.data(), t.options.size());
  if (!payload.empty()) std::memcpy(h + header, payload.data(), payload.size());
  const std::size_t length = header + payload.size();
  put16(h + 16, fold(sum_words(h, length, pseudo_header_sum(ip, kProtoTcp, length))));
  return {frame_.data(), l4 + length};
}

std::span<const std::uint8_t> FrameBuilder::udp(const Ipv4& ip, std::uint16_t src_port, std::uint16_t dst_port,
                                                std::span<const std::uint8_t> payload) {
  const std::size_t length = 8 + payload.size();
  if (length > kMaxL4Length) throw std::length_error("UDP datagram does not fit one frame");
  const std::size_t l4 = put_headers(ip, kProtoUdp, length);
  std::uint8_t* h = frame_.data() + l4;
  put16(h, src_port);
  put16(h + 2, dst_port);
  put16(h + 4, static_cast<std::uint32_t>(length));
  put16(h + 6, 0);
  if (!payload.empty()) std::memcpy(h + 8, payload.data(), payload.size());
  std::uint16_t sum = fold(sum_words(h, length, pseudo_header_sum(ip, kProtoUdp, length)));
  put16(h + 6, sum == 0 ? 0xffffu : sum);  // 0 means "no checksum" in UDP
  return {frame_.data(), l4 + length};
}

std::span<const std::uint8_t> FrameBuilder::icmp(const Ipv4& ip, std::uint8_t type, std::uint8_t code, std::uint16_t id,
                                                 std::uint16_t seq, std::span<const std::uint8_t> payload) {
  const std::size_t length = 8 + payload.size();
  if (length > kMaxL4Length) throw std::length_error("ICMP message does not fit one frame");
  const std::size_t l4 = put_headers(ip, kProtoIcmp, length);
  std::uint8_t* h = frame_.data() + l4;
  h[0] = type;
  h[1] = code;
  put16(h + 2, 0);
  put16(h + 4, id);
  put16(h + 6, seq);
  if (!payload.empty()) std::memcpy(h + 8, payload.data(), payload.size());
  put16(h + 2, fold(sum_words(h, length)));
  return {frame_.data(), l4 + length};
}

}  // namespace flowfeat::gen
