#include <cstddef>
#include <cstdint>

#include "flowfeat/decode/decoder.hpp"
#include "flowfeat/decode/link_type.hpp"

// Input layout: byte 0 picks the link type, byte 1 the reference quirks and the wire length, the
// rest is the captured frame. The frame ends where libFuzzer's exactly sized buffer ends, so any read
// past the captured bytes is a heap overflow for AddressSanitizer.

namespace {

using namespace flowfeat;

constexpr int kLinkTypes[] = {
    link_type::kNull,
    link_type::kEthernet,
    link_type::kPpp,
    link_type::kRaw,
    link_type::kPppSerial,
    link_type::kCiscoHdlc,
    link_type::kLinuxSll,
    link_type::kRadiotap,
    link_type::kIpv4,
    link_type::kIpv6,
    link_type::kLinuxSll2,
    147,  // not a link type the decoder knows
};

// Properties of every successful decode; a violation aborts so libFuzzer keeps the input.
void check(DecodeStatus status, const DecodedPacket& p, const std::uint8_t* frame, std::uint32_t length,
           const DecoderOptions& options) {
  if (static_cast<std::size_t>(status) >= kDecodeStatusCount) __builtin_trap();
  if (status != DecodeStatus::kOk) return;
  if (p.ip_header == nullptr || p.ip_header < frame || p.ip_header >= frame + length) __builtin_trap();
  std::uint32_t ip_size = static_cast<std::uint32_t>(frame + length - p.ip_header);
  if (options.has(kQuirkSixteenBitSizes)) ip_size &= 0xFFFF;
  if (p.ip_captured_length != (ip_size < 0xFFFF ? ip_size : 0xFFFF)) __builtin_trap();
  if (p.ip_version != 4 && p.ip_version != 6) __builtin_trap();
  if ((p.ip_header[0] >> 4) != p.ip_version || p.src_ip.version != p.ip_version) __builtin_trap();
  if (p.ip_captured_length < (p.ip_version == 4 ? 20 : 40)) __builtin_trap();
  if (p.protocol != 6 && p.protocol != 17 && (p.src_port != 0 || p.dst_port != 0)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const int link = kLinkTypes[data[0] % (sizeof(kLinkTypes) / sizeof(kLinkTypes[0]))];
  const auto quirks = static_cast<std::uint8_t>(data[1] & kAllReferenceQuirks);
  const std::uint8_t* frame = data + 2;
  const auto length = static_cast<std::uint32_t>(size - 2);
  // Top bits of byte 1: wire length equal to the capture, or larger as after a snaplen cut, or past 16 bits.
  std::uint32_t wire_length = length;
  if (data[1] & 0x40) wire_length += 1500;
  if (data[1] & 0x80) wire_length += 70'000;

  for (const bool tunnels : {true, false}) {
    DecoderOptions options;
    options.decode_tunnels = tunnels;
    options.reference_quirks = quirks;
    DecodedPacket packet;
    const DecodeStatus status = Decoder(options).decode(link, frame, length, wire_length, 0, packet);
    check(status, packet, frame, length, options);
  }
  return 0;
}
