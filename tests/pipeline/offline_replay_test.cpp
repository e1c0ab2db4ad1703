#include "flowfeat/pipeline/offline_replay.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "flowfeat/core/stream_clock.hpp"
#include "flowfeat/decode/link_type.hpp"
#include "memory_source.hpp"

namespace flowfeat {
namespace {

using testing::dns_query_payload;
using testing::MemorySource;
using testing::udp_frame;

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
  FlowTable table(FlowTableOptions{.idle_timeout_ms = config.flows.idle_timeout_ms,
                                   .active_timeout_ms = config.flows.active_timeout_ms},
                  [&](const FlowRecord& r) { rows.push_back(describe(r)); });
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
  std::sort(rows.begin(), rows.end());
  return rows;
}

// The pipeline orders records by flow start within each batch, a direct loop by flow end: compare
// the sets of records.
TEST(OfflineReplay, PipelineGivesTheSameRecordsAsADirectLoop) {
  Config config;
  config.flows.idle_timeout_ms = 2'000;
  MemorySource source = busy_source();
  const std::vector<std::string> expected = direct_replay(config, source);
  source.rewind();
  std::vector<std::string> rows;
  const ReplaySummary summary = replay(config, source, [&](const FlowRecord& r) { rows.push_back(describe(r)); });
  ASSERT_GT(expected.size(), 1000u);
  std::sort(rows.begin(), rows.end());
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
