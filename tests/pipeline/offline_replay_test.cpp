#include "flowfeat/pipeline/offline_replay.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "flowfeat/core/stream_clock.hpp"
#include "flowfeat/decode/link_type.hpp"

namespace flowfeat {
namespace {

// Ethernet + IPv4 + UDP frame carrying payload.
std::vector<std::uint8_t> udp_frame(std::uint8_t src_host, std::uint16_t sport, std::uint16_t dport,
                                    const std::vector<std::uint8_t>& payload) {
  const std::size_t ip_length = 20 + 8 + payload.size();
  std::vector<std::uint8_t> f = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
                                 0x45, 0, static_cast<std::uint8_t>(ip_length >> 8), static_cast<std::uint8_t>(ip_length),
                                 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, src_host, 10, 0, 0, 99,
                                 static_cast<std::uint8_t>(sport >> 8), static_cast<std::uint8_t>(sport),
                                 static_cast<std::uint8_t>(dport >> 8), static_cast<std::uint8_t>(dport),
                                 static_cast<std::uint8_t>((8 + payload.size()) >> 8),
                                 static_cast<std::uint8_t>(8 + payload.size()), 0, 0};
  f.insert(f.end(), payload.begin(), payload.end());
  return f;
}

std::vector<std::uint8_t> dns_query_payload(std::uint8_t id) {
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
  bool next(RawPacket& packet) override {
    if (index_ == frames_.size()) return false;
    const Frame& f = frames_[index_++];
    buffer_ = f.bytes;
    packet.ts_sec = f.seconds;
    packet.ts_usec = f.micros;
    packet.captured_length = static_cast<std::uint32_t>(buffer_.size());
    packet.wire_length = packet.captured_length;
    packet.link_type = link_type::kEthernet;
    packet.data = buffer_.data();
    ++stats_.packets;
    return true;
  }
  const SourceStats& stats() const override { return stats_; }
  void rewind() { index_ = 0; }

 private:
  struct Frame {
    std::int64_t seconds;
    std::int64_t micros;
    std::vector<std::uint8_t> bytes;
  };
  std::vector<Frame> frames_;
  std::size_t index_ = 0;
  std::vector<std::uint8_t> buffer_;
  SourceStats stats_;
};

struct Row {
  std::string text;
  bool operator==(const Row&) const = default;
};

std::string describe(const FlowRecord& r) {
  return r.src_ip.to_string() + ":" + std::to_string(r.src_port) + ">" + r.dst_ip.to_string() + ":" +
         std::to_string(r.dst_port) + " p" + std::to_string(r.bidirectional_packets) + " b" +
         std::to_string(r.bidirectional_bytes) + " t" + std::to_string(r.bidirectional_first_seen_ms) + "-" +
         std::to_string(r.bidirectional_last_seen_ms) + " " + std::string(r.application()) + " e" +
         std::to_string(static_cast<int>(r.expiration));
}

// Many flows over several thousand packets, so batches fill and recycle many times.
MemorySource busy_source() {
  MemorySource source;
  std::int64_t micros = 0;
  for (int round = 0; round < 40; ++round) {
    for (std::uint8_t host = 1; host < 120; ++host) {
      const std::uint16_t sport = static_cast<std::uint16_t>(20000 + host);
      source.add(1'700'000'000 + micros / 1'000'000, micros % 1'000'000,
                 udp_frame(host, sport, 53, dns_query_payload(static_cast<std::uint8_t>(round))));
      micros += 997;
    }
    micros += 3'000'000;  // some flows go idle between rounds with a short timeout
  }
  return source;
}

std::vector<std::string> direct_replay(const Config& config, MemorySource& source) {
  const Decoder decoder(decoder_options(config.flows));
  std::vector<std::string> rows;
  FlowTable table(flow_table_options(config.flows), [&](const FlowRecord& r) { rows.push_back(describe(r)); });
  StreamClock clock;
  RawPacket raw;
  DecodedPacket packet;
  while (source.next(raw)) {
    if (decoder.decode(raw.link_type, raw.data, raw.captured_length, raw.wire_length, raw.time_ms(), packet) !=
        DecodeStatus::kOk) {
      continue;
    }
    packet.time_ms = clock.observe(packet.time_ms);
    table.add(packet);
  }
  table.flush();
  return rows;
}

TEST(OfflineReplay, PipelineGivesTheSameRecordsInTheSameOrderAsADirectLoop) {
  Config config;
  config.flows.idle_timeout_ms = 2'000;
  MemorySource source = busy_source();
  const std::vector<std::string> expected = direct_replay(config, source);
  source.rewind();
  std::vector<std::string> rows;
  const ReplaySummary summary = replay(config, source, [&](const FlowRecord& r) { rows.push_back(describe(r)); });
  ASSERT_GT(expected.size(), 1000u);
  EXPECT_EQ(rows, expected);
  EXPECT_EQ(summary.packets_read, 40u * 119u);
  EXPECT_EQ(summary.packets_decoded, 40u * 119u);
  EXPECT_EQ(summary.flows.flows_created, expected.size());
}

TEST(OfflineReplay, DeepPacketInspectionSeesThePacketBytesAfterTheCaptureBufferMovedOn) {
  Config config;
  MemorySource source = busy_source();
  std::size_t dns = 0, total = 0;
  replay(config, source, [&](const FlowRecord& r) {
    ++total;
    if (r.application() == "DNS") ++dns;
  });
  EXPECT_EQ(total, 2u * 119u);  // the 120 s of traffic cross the active timeout once
  EXPECT_EQ(dns, total);
}

TEST(OfflineReplay, CountsIgnoredPacketsByReason) {
  Config config;
  MemorySource source;
  source.add(1, 0, udp_frame(1, 1000, 53, dns_query_payload(1)));
  std::vector<std::uint8_t> fragment = udp_frame(2, 1000, 53, dns_query_payload(2));
  fragment[14 + 6] = 0x00;
  fragment[14 + 7] = 0x10;  // fragment offset 16 (x8 bytes): not the first fragment
  source.add(1, 1, fragment);
  source.add(1, 2, {1, 2, 3});
  const ReplaySummary summary = replay(config, source, [](const FlowRecord&) {});
  EXPECT_EQ(summary.packets_read, 3u);
  EXPECT_EQ(summary.packets_decoded, 1u);
  EXPECT_EQ(summary.packets_ignored[static_cast<std::size_t>(DecodeStatus::kNonFirstFragment)], 1u);
  EXPECT_EQ(summary.packets_ignored[static_cast<std::size_t>(DecodeStatus::kTooShort)], 1u);
  EXPECT_EQ(summary.packets_ignored_total(), 2u);
}

}  // namespace
}  // namespace flowfeat
