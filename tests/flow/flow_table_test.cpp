#include "flowfeat/flow/flow_table.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "flowfeat/core/stream_clock.hpp"

namespace flowfeat {
namespace {

const std::uint8_t kHostA[4] = {10, 0, 0, 1};
const std::uint8_t kHostB[4] = {10, 0, 0, 2};
const std::uint8_t kHostC[4] = {10, 0, 0, 3};

DecodedPacket packet(const std::uint8_t* src, std::uint16_t sport, const std::uint8_t* dst, std::uint16_t dport,
                     std::uint64_t time_ms, std::uint32_t size, std::uint8_t protocol = 6) {
  DecodedPacket p;
  p.src_ip = IpAddress::v4(src);
  p.dst_ip = IpAddress::v4(dst);
  p.src_port = sport;
  p.dst_port = dport;
  p.protocol = protocol;
  p.ip_version = 4;
  p.time_ms = time_ms;
  p.wire_length = size;
  return p;
}

DecodedPacket a_to_b(std::uint64_t t, std::uint32_t size) { return packet(kHostA, 1000, kHostB, 80, t, size); }
DecodedPacket b_to_a(std::uint64_t t, std::uint32_t size) { return packet(kHostB, 80, kHostA, 1000, t, size); }

struct Table {
  explicit Table(FlowTableOptions options = {.dpi_enabled = false})
      : table(options, [this](const FlowRecord& r) { ended.push_back(r); }) {}
  std::vector<FlowRecord> ended;
  FlowTable table;
};

TEST(FlowTable, BothDirectionsFormOneFlowWithPerDirectionCounters) {
  Table t;
  t.table.add(a_to_b(1000, 60));
  t.table.add(b_to_a(1010, 100));
  t.table.add(a_to_b(1030, 40));
  EXPECT_EQ(t.table.active_flows(), 1u);
  t.table.flush();
  ASSERT_EQ(t.ended.size(), 1u);
  const FlowRecord& r = t.ended[0];
  EXPECT_EQ(r.src_ip, IpAddress::v4(kHostA));
  EXPECT_EQ(r.src_port, 1000);
  EXPECT_EQ(r.dst_port, 80);
  EXPECT_EQ(r.bidirectional_packets, 3u);
  EXPECT_EQ(r.bidirectional_bytes, 200u);
  EXPECT_EQ(r.src2dst_packets, 2u);
  EXPECT_EQ(r.src2dst_bytes, 100u);
  EXPECT_EQ(r.dst2src_packets, 1u);
  EXPECT_EQ(r.dst2src_bytes, 100u);
  EXPECT_EQ(r.bidirectional_first_seen_ms, 1000u);
  EXPECT_EQ(r.bidirectional_last_seen_ms, 1030u);
  EXPECT_EQ(r.bidirectional_duration_ms(), 30u);
  EXPECT_EQ(r.expiration, ExpirationReason::kIdle);
}

TEST(FlowTable, StatisticsFollowTheSampleDefinitions) {
  Table t;
  t.table.add(a_to_b(0, 60));
  t.table.add(b_to_a(10, 100));
  t.table.add(a_to_b(30, 40));
  t.table.add(a_to_b(70, 80));
  t.table.flush();
  const FlowRecord& r = t.ended.at(0);
  // Sizes 60, 100, 40, 80: mean 70, sample stddev sqrt(((-10)^2 + 30^2 + (-30)^2 + 10^2) / 3).
  EXPECT_DOUBLE_EQ(r.bidirectional_ps.mean, 70.0);
  EXPECT_DOUBLE_EQ(r.bidirectional_ps.stddev, std::sqrt(2000.0 / 3.0));
  // Inter-arrival 10, 20, 40: mean 70/3, stddev over n-2 = 2 degrees of freedom.
  EXPECT_DOUBLE_EQ(r.bidirectional_piat_ms.mean, 70.0 / 3.0);
  const double m = 70.0 / 3.0;
  EXPECT_NEAR(r.bidirectional_piat_ms.stddev,
              std::sqrt(((10 - m) * (10 - m) + (20 - m) * (20 - m) + (40 - m) * (40 - m)) / 2.0), 1e-12);
  // src2dst: sizes 60, 40, 80 at 0, 30, 70.
  EXPECT_DOUBLE_EQ(r.src2dst_ps.mean, 60.0);
  EXPECT_DOUBLE_EQ(r.src2dst_piat_ms.mean, 35.0);
  EXPECT_DOUBLE_EQ(r.src2dst_piat_ms.stddev, std::sqrt(50.0));
  // dst2src: one packet, so no spread and no inter-arrival time.
  EXPECT_DOUBLE_EQ(r.dst2src_ps.mean, 100.0);
  EXPECT_EQ(r.dst2src_ps.stddev, 0.0);
  EXPECT_EQ(r.dst2src_piat_ms.mean, 0.0);
  EXPECT_EQ(r.dst2src_piat_ms.stddev, 0.0);
}

TEST(FlowTable, SinglePacketFlowReportsZerosNotNaN) {
  Table t;
  t.table.add(a_to_b(5, 60));
  t.table.flush();
  const FlowRecord& r = t.ended.at(0);
  EXPECT_EQ(r.bidirectional_ps.stddev, 0.0);
  EXPECT_EQ(r.bidirectional_piat_ms.mean, 0.0);
  EXPECT_EQ(r.bidirectional_piat_ms.stddev, 0.0);
  EXPECT_EQ(r.dst2src_ps.mean, 0.0);
}

TEST(FlowTable, IdleExpiryAtExactlyTheTimeoutCutsTheFlowAndTheNewSenderBecomesSource) {
  Table t({.idle_timeout_ms = 1000, .active_timeout_ms = 100'000, .dpi_enabled = false});
  t.table.add(a_to_b(0, 60));
  t.table.add(b_to_a(999, 60));  // 999 ms after: same flow
  EXPECT_TRUE(t.ended.empty());
  t.table.add(b_to_a(1999, 70));  // exactly the idle timeout after the last packet: a new flow
  ASSERT_EQ(t.ended.size(), 1u);
  EXPECT_EQ(t.ended[0].bidirectional_packets, 2u);
  EXPECT_EQ(t.ended[0].expiration, ExpirationReason::kIdle);
  t.table.flush();
  ASSERT_EQ(t.ended.size(), 2u);
  const FlowRecord& second = t.ended[1];
  EXPECT_EQ(second.src_ip, IpAddress::v4(kHostB));  // direction flipped: B spoke first
  EXPECT_EQ(second.src_port, 80);
  EXPECT_EQ(second.src2dst_packets, 1u);
  EXPECT_EQ(second.bidirectional_first_seen_ms, 1999u);
  EXPECT_EQ(second.bidirectional_bytes, 70u);
}

TEST(FlowTable, ActiveExpiryAtExactlyTheTimeoutKeepsTheTriggeringPacketForTheNextFlow) {
  Table t({.idle_timeout_ms = 1000, .active_timeout_ms = 2000, .dpi_enabled = false});
  t.table.add(a_to_b(0, 60));
  t.table.add(a_to_b(900, 60));
  t.table.add(a_to_b(1800, 60));
  t.table.add(a_to_b(1999, 60));
  EXPECT_TRUE(t.ended.empty());
  t.table.add(b_to_a(2000, 99));
  ASSERT_EQ(t.ended.size(), 1u);
  EXPECT_EQ(t.ended[0].expiration, ExpirationReason::kActive);
  EXPECT_EQ(t.ended[0].bidirectional_packets, 4u);
  EXPECT_EQ(t.ended[0].bidirectional_last_seen_ms, 1999u);
  t.table.flush();
  EXPECT_EQ(t.ended[1].bidirectional_first_seen_ms, 2000u);
  EXPECT_EQ(t.ended[1].bidirectional_bytes, 99u);
  EXPECT_EQ(t.ended[1].src_ip, IpAddress::v4(kHostB));
}

TEST(FlowTable, IdleIsCheckedBeforeActive) {
  Table t({.idle_timeout_ms = 1000, .active_timeout_ms = 500, .dpi_enabled = false});
  t.table.add(a_to_b(0, 60));
  t.table.add(a_to_b(1500, 60));  // both timeouts passed: idle wins
  ASSERT_EQ(t.ended.size(), 1u);
  EXPECT_EQ(t.ended[0].expiration, ExpirationReason::kIdle);
}

TEST(FlowTable, IdleFlowsEndAsTimePassesWithoutTheirOwnPackets) {
  Table t({.idle_timeout_ms = 1000, .active_timeout_ms = 100'000, .dpi_enabled = false});
  t.table.add(a_to_b(0, 60));
  t.table.add(packet(kHostC, 5, kHostB, 53, 500, 80, 17));
  t.table.add(packet(kHostC, 5, kHostB, 53, 1000, 80, 17));  // A-B idle for 1000 ms now
  ASSERT_EQ(t.ended.size(), 1u);
  EXPECT_EQ(t.ended[0].src_ip, IpAddress::v4(kHostA));
  t.table.expire_idle(1999);
  EXPECT_EQ(t.ended.size(), 1u);
  t.table.expire_idle(2000);
  EXPECT_EQ(t.ended.size(), 2u);
  EXPECT_EQ(t.table.active_flows(), 0u);
}

TEST(FlowTable, PortlessProtocolsShareOneFlowPerHostPair) {
  Table t;
  t.table.add(packet(kHostA, 0, kHostB, 0, 0, 98, 1));
  t.table.add(packet(kHostB, 0, kHostA, 0, 1, 98, 1));
  t.table.add(packet(kHostA, 0, kHostB, 0, 2, 98, 1));
  t.table.flush();
  ASSERT_EQ(t.ended.size(), 1u);
  EXPECT_EQ(t.ended[0].src2dst_packets, 2u);
  EXPECT_EQ(t.ended[0].dst2src_packets, 1u);
}

TEST(FlowTable, SameAddressesDifferentVlanOrTunnelAreDifferentFlows) {
  Table t;
  DecodedPacket p = a_to_b(0, 60);
  t.table.add(p);
  p.vlan_id = 7;
  t.table.add(p);
  p.tunnel = TunnelType::kGtpU;
  t.table.add(p);
  EXPECT_EQ(t.table.active_flows(), 3u);
}

TEST(FlowTable, FullTableEvictsTheLeastRecentlySeenFlow) {
  Table t({.max_flows = 2, .dpi_enabled = false});
  t.table.add(a_to_b(0, 60));                                   // flow 1
  t.table.add(packet(kHostC, 1, kHostB, 2, 1, 60));             // flow 2
  t.table.add(b_to_a(2, 60));                                   // flow 1 seen again
  t.table.add(packet(kHostC, 3, kHostA, 4, 3, 60));             // flow 3: evicts flow 2
  ASSERT_EQ(t.ended.size(), 1u);
  EXPECT_EQ(t.ended[0].expiration, ExpirationReason::kEvicted);
  EXPECT_EQ(t.ended[0].src_ip, IpAddress::v4(kHostC));
  EXPECT_EQ(t.ended[0].src_port, 1);
  EXPECT_EQ(t.table.stats().flows_evicted, 1u);
  EXPECT_EQ(t.table.active_flows(), 2u);
  EXPECT_EQ(t.table.stats().peak_active_flows, 2u);
}

TEST(FlowTable, SizesAboveSixteenBitsAreKept) {
  Table t;
  t.table.add(a_to_b(0, 70'000));
  t.table.flush();
  EXPECT_EQ(t.ended.at(0).bidirectional_bytes, 70'000u);
  EXPECT_DOUBLE_EQ(t.ended.at(0).bidirectional_ps.mean, 70'000.0);
}

TEST(FlowTable, ClampedTimesGiveZeroInterArrivalInsteadOfNegative) {
  Table t;
  StreamClock clock;
  DecodedPacket late = a_to_b(clock.observe(1000), 60);
  t.table.add(late);
  DecodedPacket early = b_to_a(clock.observe(900), 60);  // out of order in the capture
  EXPECT_EQ(early.time_ms, 1000u);
  t.table.add(early);
  t.table.flush();
  EXPECT_EQ(t.ended.at(0).bidirectional_piat_ms.mean, 0.0);
  EXPECT_EQ(t.ended.at(0).bidirectional_duration_ms(), 0u);
}

TEST(FlowTable, FlushEndsEveryFlowInLeastRecentlySeenOrder) {
  Table t;
  t.table.add(a_to_b(0, 60));
  t.table.add(packet(kHostC, 1, kHostB, 2, 1, 60));
  t.table.add(a_to_b(2, 60));
  t.table.flush();
  ASSERT_EQ(t.ended.size(), 2u);
  EXPECT_EQ(t.ended[0].src_ip, IpAddress::v4(kHostC));
  EXPECT_EQ(t.ended[1].src_ip, IpAddress::v4(kHostA));
  EXPECT_EQ(t.table.stats().flows_created, 2u);
  EXPECT_EQ(t.table.stats().flows_ended_idle, 2u);
}

}  // namespace
}  // namespace flowfeat
