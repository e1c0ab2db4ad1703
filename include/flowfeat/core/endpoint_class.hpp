#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "flowfeat/core/ip_address.hpp"

namespace flowfeat {

// Classful category of an address (FEATURES.md section 5). Only IPv4 has one; every other address
// (IPv6, or none) is kNone, so it sets none of the class columns.
enum class IpClass : std::uint8_t { kA, kB, kC, kD, kE, kNone };
inline constexpr std::size_t kIpClassCount = 5;  // kA..kE, the ones with a column

// IANA port range of a port number.
enum class PortClass : std::uint8_t { kWellKnown, kRegistered, kDynamic };
inline constexpr std::size_t kPortClassCount = 3;

// By first octet: 0-127 A, 128-191 B, 192-223 C, 224-239 D (multicast), 240-255 E (reserved).
constexpr IpClass ip_class(const IpAddress& address) noexcept {
  if (address.version != 4) return IpClass::kNone;
  const std::uint8_t octet = address.bytes[0];
  if (octet <= 127) return IpClass::kA;
  if (octet <= 191) return IpClass::kB;
  if (octet <= 223) return IpClass::kC;
  if (octet <= 239) return IpClass::kD;
  return IpClass::kE;
}

// 0-1023 well known, 1024-49151 registered, 49152-65535 dynamic.
constexpr PortClass port_class(std::uint16_t port) noexcept {
  if (port <= 1023) return PortClass::kWellKnown;
  if (port <= 49151) return PortClass::kRegistered;
  return PortClass::kDynamic;
}

// The category text of the seed's one-hot column names ("Class D (multicast)", "WellKnown"); empty for kNone.
constexpr std::string_view name(IpClass c) noexcept {
  switch (c) {
    case IpClass::kA:
      return "Class A";
    case IpClass::kB:
      return "Class B";
    case IpClass::kC:
      return "Class C";
    case IpClass::kD:
      return "Class D (multicast)";
    case IpClass::kE:
      return "Class E (reserved)";
    case IpClass::kNone:
      break;
  }
  return {};
}

constexpr std::string_view name(PortClass c) noexcept {
  switch (c) {
    case PortClass::kWellKnown:
      return "WellKnown";
    case PortClass::kRegistered:
      return "Registered";
    case PortClass::kDynamic:
      return "Dynamic";
  }
  return {};
}

}  // namespace flowfeat
