#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "flowfeat/capture/packet_source.hpp"
#include "flowfeat/decode/link_type.hpp"

namespace flowfeat::testing {

// Ethernet + IPv4 + UDP frame from src_ip to dst_ip (host order) carrying payload.
inline std::vector<std::uint8_t> udp_frame(std::uint32_t src_ip, std::uint32_t dst_ip, std::uint16_t sport,
                                           std::uint16_t dport, const std::vector<std::uint8_t>& payload) {
  const std::size_t ip_length = 20 + 8 + payload.size();
  const auto b = [](std::uint32_t v, int shift) { return static_cast<std::uint8_t>(v >> shift); };
  std::vector<std::uint8_t> f = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
                                 0x45, 0, b(static_cast<std::uint32_t>(ip_length), 8),
                                 b(static_cast<std::uint32_t>(ip_length), 0), 0, 0, 0x40, 0, 64, 17, 0, 0,
                                 b(src_ip, 24), b(src_ip, 16), b(src_ip, 8), b(src_ip, 0),
                                 b(dst_ip, 24), b(dst_ip, 16), b(dst_ip, 8), b(dst_ip, 0),
                                 b(sport, 8), b(sport, 0), b(dport, 8), b(dport, 0),
                                 b(static_cast<std::uint32_t>(8 + payload.size()), 8),
                                 b(static_cast<std::uint32_t>(8 + payload.size()), 0), 0, 0};
  for (const std::uint8_t byte : payload) f.push_back(byte);  // insert() trips GCC 12's -Warray-bounds
  return f;
}

// From 10.0.0.<src_host> to 10.0.0.99.
inline std::vector<std::uint8_t> udp_frame(std::uint8_t src_host, std::uint16_t sport, std::uint16_t dport,
                                           const std::vector<std::uint8_t>& payload) {
  return udp_frame(0x0a000000u | src_host, 0x0a000063u, sport, dport, payload);
}

inline std::vector<std::uint8_t> dns_query_payload(std::uint8_t id) {
  return {0x12, id, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 7, 'e', 'x', 'a',
          'm',  'p', 'l',  'e',  3,    'c',  'o',  'm',  0,    0x00, 0x01, 0x00, 0x01};
}

// Frames in memory, handed out one by one; the buffer of a frame is reused for the next, as
// libpcap does, so a stage that kept pointers into it would see other bytes.
class MemorySource final : public PacketSource {
 public:
  void add(std::int64_t seconds, std::int64_t micros, std::vector<std::uint8_t> frame) {
    frames_.push_back({seconds, micros, std::move(frame)});
  }
  // The frames added so far end a file, as the files of a PcapFileSource do (kFileEnded).
  void end_file() { file_ends_.push_back(frames_.size()); }
  ReadResult read(RawPacket& packet) override {
    if (index_ == frames_.size()) return ReadResult::kEnd;
    if (next_file_end_ < file_ends_.size() && file_ends_[next_file_end_] == index_) {
      ++next_file_end_;
      return ReadResult::kFileEnded;
    }
    const Frame& f = frames_[index_++];
    buffer_ = f.bytes;
    packet.ts_sec = f.seconds;
    packet.ts_usec = f.micros;
    packet.captured_length = static_cast<std::uint32_t>(buffer_.size());
    packet.wire_length = packet.captured_length;
    packet.link_type = link_type::kEthernet;
    packet.data = buffer_.data();
    ++stats_.packets;
    return ReadResult::kPacket;
  }
  const SourceStats& stats() const override { return stats_; }
  void rewind() {
    index_ = 0;
    next_file_end_ = 0;
  }
  std::size_t size() const noexcept { return frames_.size(); }

 private:
  struct Frame {
    std::int64_t seconds;
    std::int64_t micros;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Frame> frames_;
  std::size_t index_ = 0;
  std::vector<std::size_t> file_ends_;  // frame counts at which a file ends
  std::size_t next_file_end_ = 0;
  std::vector<std::uint8_t> buffer_;
  SourceStats stats_;
};

}  // namespace flowfeat::testing
