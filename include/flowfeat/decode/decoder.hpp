#pragma once

#include <cstdint>

#include "flowfeat/core/decoded_packet.hpp"
#include "flowfeat/decode/decode_status.hpp"

namespace flowfeat {

struct DecoderOptions {
  // Decapsulate GTP-U (2152), TZSP (37008) and CAPWAP data (5247). IP-in-IP is always followed.
  bool decode_tunnels = true;
  // Reproduce the reference's known decoding bugs (16-bit sizes, LLC/SNAP type in host order,
  // fragment filter and tunnel decoding tied to an Ethernet type of IPv4, no SLL2, no 802.1ad).
  // Only for comparisons with the reference; see docs/FIDELITY.md.
  bool reference_quirks = false;
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
