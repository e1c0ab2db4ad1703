#pragma once

#include <cstdint>

#include "flowfeat/core/decoded_packet.hpp"
#include "flowfeat/decode/decode_status.hpp"

namespace flowfeat {

// Known decoding bugs of the reference that flowfeat does not copy. Each can be switched back on,
// alone or together, to compare with the reference's output (docs/FIDELITY.md).
enum ReferenceQuirk : std::uint8_t {
  kQuirkSixteenBitSizes = 1 << 0,      // frame and IP sizes wrap above 65535
  kQuirkLlcSnapHostOrder = 1 << 1,     // the LLC/SNAP protocol field read in host byte order
  kQuirkLinkTypeGatesIpv4 = 1 << 2,    // IPv4 fragment filter and tunnel decoding only when the link
                                       // layer said 0x0800; NULL/loopback IPv4 taken for IPv6
  kQuirkNoLinuxSll2 = 1 << 3,          // Linux cooked capture v2 not decoded
  kQuirkNo8021ad = 1 << 4,             // 802.1ad (0x88a8) service tags not decoded
  kAllReferenceQuirks = 0x1F,
};

struct DecoderOptions {
  // Decapsulate GTP-U (2152), TZSP (37008) and CAPWAP data (5247). IP-in-IP is always followed.
  bool decode_tunnels = true;
  // ReferenceQuirk bits to reproduce; 0 in normal operation.
  std::uint8_t reference_quirks = 0;

  bool has(ReferenceQuirk quirk) const noexcept { return (reference_quirks & quirk) != 0; }
};

// Turns one captured frame into a DecodedPacket, following the reference's parsing rules.
// Stateless and const: one instance may be shared by threads. Never allocates, never throws, never
// reads outside [data, data + captured_length).
class Decoder {
 public:
  explicit Decoder(DecoderOptions options = {}) noexcept : options_(options) {}

  DecodeStatus decode(int link_type, const std::uint8_t* data, std::uint32_t captured_length,
                      std::uint32_t wire_length, std::uint64_t time_ms, DecodedPacket& out) const noexcept;

  const DecoderOptions& options() const noexcept { return options_; }

 private:
  DecoderOptions options_;
};

}  // namespace flowfeat
