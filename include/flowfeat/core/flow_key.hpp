#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>

#include "flowfeat/core/decoded_packet.hpp"
#include "flowfeat/core/ip_address.hpp"
#include "flowfeat/core/tunnel_type.hpp"

namespace flowfeat {

// Direction-free identity of a flow: the unordered pair of endpoints (ip, port), the protocol, the
// innermost VLAN id and the tunnel type. Endpoints are stored ordered so that both directions of a
// conversation give the same key. Packed into machine words, because it is hashed and compared
// for every packet.
class FlowKey {
 public:
  static FlowKey of(const DecodedPacket& p) noexcept {
    const bool src_first = p.src_ip < p.dst_ip || (p.src_ip == p.dst_ip && p.src_port <= p.dst_port);
    const IpAddress& low_ip = src_first ? p.src_ip : p.dst_ip;
    const IpAddress& high_ip = src_first ? p.dst_ip : p.src_ip;
    FlowKey k;
    k.words_[0] = low_ip.word(0);
    k.words_[1] = low_ip.word(1);
    k.words_[2] = high_ip.word(0);
    k.words_[3] = high_ip.word(1);
    const std::uint64_t low_port = src_first ? p.src_port : p.dst_port;
    const std::uint64_t high_port = src_first ? p.dst_port : p.src_port;
    k.words_[4] = low_port | (high_port << 16) | (std::uint64_t{p.vlan_id} << 32) |
                  (std::uint64_t{p.protocol} << 48) | (std::uint64_t{static_cast<std::uint8_t>(p.tunnel)} << 56);
    k.words_[5] = std::uint64_t{low_ip.version} | (std::uint64_t{high_ip.version} << 8);
    return k;
  }

  friend bool operator==(const FlowKey& a, const FlowKey& b) noexcept {
    std::uint64_t difference = 0;
    for (std::size_t i = 0; i < kWords; ++i) difference |= a.words_[i] ^ b.words_[i];
    return difference == 0;
  }

  // A hash that is the same in every run and on every machine (absl's is seeded per process), for
  // spreading flows over shards. Both directions of a conversation have the same key, so the same hash.
  std::uint64_t stable_hash() const noexcept {
    std::uint64_t h = 0x9e3779b97f4a7c15ull;
    for (const std::uint64_t w : words_) {
      h ^= w;
      h *= 0xff51afd7ed558ccdull;
      h ^= h >> 32;
    }
    return h;
  }

  // The fields back, for the flow table, which keeps the key rather than a second copy of them.
  IpAddress low_ip() const noexcept { return address(0, words_[5] & 0xff); }
  IpAddress high_ip() const noexcept { return address(2, (words_[5] >> 8) & 0xff); }
  std::uint16_t low_port() const noexcept { return static_cast<std::uint16_t>(words_[4]); }
  std::uint16_t high_port() const noexcept { return static_cast<std::uint16_t>(words_[4] >> 16); }
  std::uint16_t vlan_id() const noexcept { return static_cast<std::uint16_t>(words_[4] >> 32); }
  std::uint8_t protocol() const noexcept { return static_cast<std::uint8_t>(words_[4] >> 48); }
  TunnelType tunnel() const noexcept { return static_cast<TunnelType>(words_[4] >> 56); }

  template <typename H>
  friend H AbslHashValue(H h, const FlowKey& k) {
    return H::combine_contiguous(std::move(h), k.words_.data(), kWords);
  }

 private:
  IpAddress address(std::size_t first_word, std::uint64_t version) const noexcept {
    IpAddress a;
    std::memcpy(a.bytes.data(), &words_[first_word], a.bytes.size());
    a.version = static_cast<std::uint8_t>(version);
    return a;
  }

  static constexpr std::size_t kWords = 6;
  std::array<std::uint64_t, kWords> words_{};
};
static_assert(std::is_trivially_copyable_v<FlowKey>);
static_assert(sizeof(FlowKey) == 48);

}  // namespace flowfeat
