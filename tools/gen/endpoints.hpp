#pragma once

#include <cstdint>

namespace flowfeat::gen {

enum class Side : std::uint8_t { kClient, kServer };

constexpr Side other(Side s) { return s == Side::kClient ? Side::kServer : Side::kClient; }

constexpr std::uint8_t kIcmp = 1;
constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kUdp = 17;

// Addressing of one conversation as its client initiated it, plus the per-direction IP state that
// the packets of the conversation share. Addresses are in host order.
struct Endpoints {
  std::uint32_t client_ip = 0;
  std::uint32_t server_ip = 0;
  std::uint16_t client_port = 0;  // 0 for ICMP
  std::uint16_t server_port = 0;
  std::uint8_t protocol = kTcp;
  std::uint8_t client_ttl = 64;  // TTL as seen at the capture point
  std::uint8_t server_ttl = 64;
  std::uint16_t client_ip_id = 0;  // next IPv4 identification of each direction
  std::uint16_t server_ip_id = 0;
};

}  // namespace flowfeat::gen
