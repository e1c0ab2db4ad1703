// The flow table's memory as malloc sees it (mallinfo2, glibc's allocator): nDPI's per-flow state is
// given back the moment detection ends, and a flow nDPI is done with costs what a flow without DPI
// costs.
#include <malloc.h>
#include <netinet/in.h>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>

#include "flowfeat/flow/flow_table.hpp"

namespace flowfeat {
namespace {

constexpr std::uint32_t kFlows = 4000;
constexpr std::uint32_t kDpiPackets = 4;

double bytes_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<double>(info.uordblks + info.hblkhd);
}

// UDP flow i, 10.0.x.y:(2000 + i) -> 172.16.0.1:40000, with a payload no dissector claims; `reply`
// sends it the other way.
class UdpPackets {
 public:
  const DecodedPacket& make(std::uint32_t flow, bool reply, std::uint64_t time_ms, std::uint64_t index) {
    const std::array<std::uint8_t, 4> client = {10, 0, static_cast<std::uint8_t>(flow >> 8), static_cast<std::uint8_t>(flow)};
    const std::array<std::uint8_t, 4> server = {172, 16, 0, 1};
    const std::uint16_t client_port = static_cast<std::uint16_t>(2000 + flow);
    const std::uint16_t server_port = 40000;
    const auto& src = reply ? server : client;
    const auto& dst = reply ? client : server;
    const std::uint16_t sport = reply ? server_port : client_port;
    const std::uint16_t dport = reply ? client_port : server_port;
    frame_.fill(0);
    frame_[0] = 0x45;
    frame_[3] = static_cast<std::uint8_t>(frame_.size());
    frame_[8] = 64;
    frame_[9] = IPPROTO_UDP;
    for (int i = 0; i < 4; ++i) {
      frame_[12 + i] = src[i];
      frame_[16 + i] = dst[i];
    }
    frame_[20] = static_cast<std::uint8_t>(sport >> 8);
    frame_[21] = static_cast<std::uint8_t>(sport);
    frame_[22] = static_cast<std::uint8_t>(dport >> 8);
    frame_[23] = static_cast<std::uint8_t>(dport);
    frame_[25] = static_cast<std::uint8_t>(frame_.size() - 20);
    for (std::size_t i = 28; i < frame_.size(); ++i) frame_[i] = static_cast<std::uint8_t>(i * 37 + index);

    packet_ = DecodedPacket{};
    packet_.time_ms = time_ms;
    packet_.index = index;
    packet_.wire_length = static_cast<std::uint32_t>(frame_.size() + 14);
    packet_.src_ip = IpAddress::v4(src.data());
    packet_.dst_ip = IpAddress::v4(dst.data());
    packet_.src_port = sport;
    packet_.dst_port = dport;
    packet_.protocol = IPPROTO_UDP;
    packet_.ip_version = 4;
    packet_.ip_header = frame_.data();
    packet_.ip_captured_length = static_cast<std::uint16_t>(frame_.size());
    return packet_;
  }

 private:
  std::array<std::uint8_t, 80> frame_{};
  DecodedPacket packet_;
};

// Malloc's bytes in use per flow after each round of one packet per flow, from just before the first.
std::array<double, kDpiPackets> bytes_per_flow_by_round(bool dpi) {
  std::uint64_t ended = 0;
  FlowTable table({.dpi_enabled = dpi, .dpi_packets = kDpiPackets}, [&](const FlowRecord&) { ++ended; });
  UdpPackets packets;
  std::array<double, kDpiPackets> per_flow{};
  const double before = bytes_in_use();
  std::uint64_t index = 0;
  for (std::uint32_t round = 0; round < kDpiPackets; ++round) {
    for (std::uint32_t flow = 0; flow < kFlows; ++flow) {
      table.add(packets.make(flow, round % 2 == 1, 1'000'000 + round * 1000, index++));
    }
    per_flow[round] = (bytes_in_use() - before) / kFlows;
  }
  EXPECT_EQ(table.active_flows(), kFlows);
  EXPECT_EQ(ended, 0u);
  return per_flow;
}

TEST(FlowMemory, InspectionStateIsFreedWhenDetectionEndsAndNothingOfItStays) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "a sanitizer's allocator is not the one mallinfo2 describes";
#endif
  const std::array<double, kDpiPackets> with_dpi = bytes_per_flow_by_round(true);
  const std::array<double, kDpiPackets> without = bytes_per_flow_by_round(false);
  if (without[0] <= 0) GTEST_SKIP() << "malloc is not glibc's (mallinfo2 sees no allocation)";

  // Inspecting: nDPI's flow struct on top of the slot.
  EXPECT_GT(with_dpi[0] - without[0], 256.0);
  EXPECT_GT(with_dpi[kDpiPackets - 2] - without[kDpiPackets - 2], 256.0);
  // The dpi_packets-th packet ends inspection: the struct goes, and the flow costs what a flow
  // without DPI costs (within a little of nDPI's own caches, shared by all flows).
  EXPECT_LT(with_dpi[kDpiPackets - 1] - without[kDpiPackets - 1], 16.0)
      << "with DPI " << with_dpi[kDpiPackets - 1] << " B a flow, without " << without[kDpiPackets - 1];
  // And a flow without DPI is within the slot's and index entry's size.
  EXPECT_LT(without[kDpiPackets - 1], 400.0);
}

}  // namespace
}  // namespace flowfeat
