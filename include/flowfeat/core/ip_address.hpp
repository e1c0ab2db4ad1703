#pragma once

#include <array>
#include <bit>
#include <compare>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace flowfeat {

// An IPv4 or IPv6 address as raw network-order bytes. IPv4 uses the first 4 bytes, the rest stay 0,
// so two addresses compare equal exactly when their version and bytes do.
struct IpAddress {
  std::array<std::uint8_t, 16> bytes{};
  std::uint8_t version = 0;  // 4 or 6; 0 for "no address"

  static IpAddress v4(const std::uint8_t* network_order) noexcept {
    IpAddress a;
    a.assign_v4(network_order);
    return a;
  }
  static IpAddress v6(const std::uint8_t* network_order) noexcept {
    IpAddress a;
    a.assign_v6(network_order);
    return a;
  }

  // In-place forms for the per-packet path: building a temporary and copying it makes the CPU
  // reload 16 bytes it has just stored in pieces, which stalls.
  void assign_v4(const std::uint8_t* network_order) noexcept {
    static_assert(std::endian::native == std::endian::little, "the word layout below assumes little-endian");
    std::uint32_t address;
    std::memcpy(&address, network_order, 4);
    const std::uint64_t words[2] = {address, 0};  // the 4 address bytes, then zeros
    std::memcpy(bytes.data(), words, 16);
    version = 4;
  }
  void assign_v6(const std::uint8_t* network_order) noexcept {
    std::memcpy(bytes.data(), network_order, 16);
    version = 6;
  }

  // First octet of an IPv4 address (IP class); 0 for IPv6.
  std::uint8_t first_octet() const noexcept { return version == 4 ? bytes[0] : 0; }

  // Text form as inet_ntop writes it ("10.0.0.1", "fe80::1").
  std::string to_string() const;

  // Equality and a total order, on whole machine words: both sit on the per-packet path. The order
  // is not the textual one; it only has to be consistent.
  friend bool operator==(const IpAddress& a, const IpAddress& b) noexcept {
    return ((a.word(0) ^ b.word(0)) | (a.word(1) ^ b.word(1))) == 0 && a.version == b.version;
  }
  friend std::strong_ordering operator<=>(const IpAddress& a, const IpAddress& b) noexcept {
    if (a.word(0) != b.word(0)) return a.word(0) <=> b.word(0);
    if (a.word(1) != b.word(1)) return a.word(1) <=> b.word(1);
    return a.version <=> b.version;
  }

  std::uint64_t word(int i) const noexcept {
    std::uint64_t w;
    std::memcpy(&w, bytes.data() + 8 * i, sizeof(w));
    return w;
  }
};
static_assert(std::is_trivially_copyable_v<IpAddress>);

}  // namespace flowfeat
