#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <memory>
#include <random>

#include "sample_frames.hpp"

// Truncations and mutations of the sample frames. Each input is copied into a heap block of exactly
// its length, so a sanitizer build reports any read past the captured bytes.

namespace flowfeat::test {
namespace {

const std::vector<DecoderOptions>& option_sets() {
  static const std::vector<DecoderOptions> sets = {
      with_quirks(0, true),
      with_quirks(0, false),
      with_quirks(kAllReferenceQuirks, true),
      with_quirks(kAllReferenceQuirks, false),
      with_quirks(kQuirkLinkTypeGatesIpv4 | kQuirkLlcSnapHostOrder, true),
  };
  return sets;
}

// Decodes `length` bytes of `source` from an exactly sized copy with every option set.
void decode_exact(int link_type, const std::uint8_t* source, std::size_t length, std::uint32_t wire_length,
                  const std::string& what) {
  std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[length]);
  if (length != 0) std::memcpy(copy.get(), source, length);
  for (const DecoderOptions& options : option_sets()) {
    DecodedPacket packet;
    const DecodeStatus status = Decoder(options).decode(link_type, copy.get(), static_cast<std::uint32_t>(length),
                                                        wire_length, kTimeMs, packet);
    ASSERT_TRUE(consistent(status, packet, copy.get(), static_cast<std::uint32_t>(length), wire_length, options))
        << what << ", " << length << " bytes, tunnels " << options.decode_tunnels << ", quirks "
        << int{options.reference_quirks};
  }
}

TEST(DecodeRobustness, SampleFramesDecodeAsExpected) {
  for (const SampleFrame& frame : sample_frames()) {
    const Decoded result = decode(frame.link_type, frame.bytes);
    EXPECT_EQ(result.status, frame.expected) << frame.name;
    EXPECT_TRUE(consistent(result.status, result.packet, frame.bytes.data(),
                           static_cast<std::uint32_t>(frame.bytes.size()),
                           static_cast<std::uint32_t>(frame.bytes.size()), DecoderOptions{}))
        << frame.name;
  }
}

TEST(DecodeRobustness, EveryTruncationStaysInsideTheCapture) {
  for (const SampleFrame& frame : sample_frames()) {
    for (std::size_t length = 0; length <= frame.bytes.size(); ++length) {
      // Wire length as a snaplen capture would report it.
      decode_exact(frame.link_type, frame.bytes.data(), length, static_cast<std::uint32_t>(frame.bytes.size()),
                   frame.name);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(DecodeRobustness, TruncatedFrameIsNeverReadBeyondItsLength) {
  // Same truncations, but the bytes past the capture exist in memory and are poisoned with values
  // that would change the outcome if read: the result must match the exactly sized decode.
  for (const SampleFrame& frame : sample_frames()) {
    for (std::size_t length = 0; length <= frame.bytes.size(); ++length) {
      Bytes exact(frame.bytes.begin(), frame.bytes.begin() + static_cast<std::ptrdiff_t>(length));
      Bytes padded = frame.bytes;
      for (std::size_t i = length; i < padded.size(); ++i) padded[i] = static_cast<std::uint8_t>(padded[i] ^ 0xA5);
      DecodedPacket a;
      DecodedPacket b;
      const auto length32 = static_cast<std::uint32_t>(length);
      const DecodeStatus sa = Decoder().decode(frame.link_type, exact.data(), length32, length32, kTimeMs, a);
      const DecodeStatus sb = Decoder().decode(frame.link_type, padded.data(), length32, length32, kTimeMs, b);
      ASSERT_EQ(sa, sb) << frame.name << " at " << length;
      if (sa == DecodeStatus::kOk) {
        EXPECT_EQ(a.src_ip, b.src_ip) << frame.name << " at " << length;
        EXPECT_EQ(a.dst_ip, b.dst_ip) << frame.name << " at " << length;
        EXPECT_EQ(a.src_port, b.src_port) << frame.name << " at " << length;
        EXPECT_EQ(a.dst_port, b.dst_port) << frame.name << " at " << length;
        EXPECT_EQ(a.ip_header - exact.data(), b.ip_header - padded.data()) << frame.name << " at " << length;
      }
    }
  }
}

// Byte values that steer the decoder into other branches: IP versions and header lengths, shim and
// tunnel markers, extension header numbers.
constexpr std::uint8_t kInteresting[] = {0x00, 0x01, 0x02, 0x04, 0x06, 0x08, 0x0f, 0x11, 0x21,
                                         0x29, 0x2c, 0x30, 0x3b, 0x40, 0x42, 0x45, 0x4f, 0x50,
                                         0x60, 0x81, 0x86, 0x88, 0x8f, 0xa8, 0xaa, 0xdd, 0xff};
constexpr int kMutationsPerLinkType = 4000;

TEST(DecodeRobustness, RandomMutationsPerLinkType) {
  std::map<int, std::vector<Bytes>> by_link_type;
  for (const SampleFrame& frame : sample_frames()) by_link_type[frame.link_type].push_back(frame.bytes);
  by_link_type[147].push_back(by_link_type[link_type::kEthernet].front());  // unknown link type

  std::mt19937 random(20240611);  // fixed seed: failures reproduce
  auto below = [&random](std::size_t bound) { return static_cast<std::size_t>(random() % bound); };
  for (const auto& [link, frames] : by_link_type) {
    for (int round = 0; round < kMutationsPerLinkType; ++round) {
      Bytes bytes = frames[below(frames.size())];
      const std::size_t edits = 1 + below(6);
      for (std::size_t e = 0; e < edits && !bytes.empty(); ++e) {
        const std::size_t at = below(bytes.size());
        switch (below(6)) {
          case 0: bytes[at] = static_cast<std::uint8_t>(random()); break;
          case 1: bytes[at] = kInteresting[below(sizeof(kInteresting))]; break;
          case 2: bytes[at] = static_cast<std::uint8_t>(bytes[at] ^ (1u << below(8))); break;
          case 3: bytes.resize(at); break;
          case 4:
            bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(random()));
            break;
          default: bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at)); break;
        }
      }
      const auto wire = static_cast<std::uint32_t>(bytes.size() + below(3) * 40'000);
      decode_exact(link, bytes.data(), bytes.size(), wire,
                   "link " + std::to_string(link) + " round " + std::to_string(round));
      if (HasFatalFailure()) return;
    }
  }
}

}  // namespace
}  // namespace flowfeat::test
