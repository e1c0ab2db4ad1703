#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace flowfeat::gen {

// Builds complete Ethernet II / IPv4 frames with valid lengths and checksums. The returned span
// points into the builder and stays valid until the next call.
class FrameBuilder {
 public:
  struct Ipv4 {
    std::uint32_t src = 0;  // host order
    std::uint32_t dst = 0;
    std::uint8_t ttl = 64;
    std::uint16_t id = 0;
    bool dont_fragment = true;
  };

  struct Tcp {
    std::uint16_t src_port = 0;
    std::uint16_t dst_port = 0;
    std::uint32_t seq = 0;
    std::uint32_t ack = 0;
    std::uint8_t flags = 0;
    std::uint16_t window = 0;
    std::span<const std::uint8_t> options;  // length must be a multiple of 4, at most 40
  };

  static constexpr std::uint8_t kFin = 0x01;
  static constexpr std::uint8_t kSyn = 0x02;
  static constexpr std::uint8_t kRst = 0x04;
  static constexpr std::uint8_t kPsh = 0x08;
  static constexpr std::uint8_t kAck = 0x10;

  static constexpr std::size_t kMaxL4Length = 1480;  // transport header + payload: MTU 1500 minus the IPv4 header

  std::span<const std::uint8_t> tcp(const Ipv4& ip, const Tcp& tcp, std::span<const std::uint8_t> payload);
  std::span<const std::uint8_t> udp(const Ipv4& ip, std::uint16_t src_port, std::uint16_t dst_port,
                                    std::span<const std::uint8_t> payload);
  std::span<const std::uint8_t> icmp(const Ipv4& ip, std::uint8_t type, std::uint8_t code, std::uint16_t id,
                                     std::uint16_t seq, std::span<const std::uint8_t> payload);

  // Addresses in 10/8, 172.16/12 and 192.168/16 sit on the captured segment and get a locally
  // administered MAC derived from the address; everything else is behind one router.
  static std::array<std::uint8_t, 6> mac_of(std::uint32_t ip);

 private:
  static constexpr std::size_t kEthernetLength = 14;
  static constexpr std::size_t kIpv4Length = 20;

  // Writes Ethernet and IPv4 headers for an L4 segment of l4_length bytes; returns the L4 offset.
  std::size_t put_headers(const Ipv4& ip, std::uint8_t protocol, std::size_t l4_length);
  std::uint32_t pseudo_header_sum(const Ipv4& ip, std::uint8_t protocol, std::size_t l4_length) const;

  std::array<std::uint8_t, kEthernetLength + kIpv4Length + 60 + kMaxL4Length> frame_{};
};

}  // namespace flowfeat::gen
