#include "flowfeat/core/packet_batch.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace flowfeat {
namespace {

TEST(PacketBatch, KeptBytesSurviveTheSourceBufferAndTheBatchGrowing) {
  PacketBatch batch;
  std::vector<std::uint8_t> buffer(1500);
  for (std::size_t i = 0; i < PacketBatch::kCapacity; ++i) {
    for (auto& b : buffer) b = static_cast<std::uint8_t>(i);  // the capture buffer is reused
    DecodedPacket& packet = batch.next_slot();
    packet.ip_header = buffer.data();
    packet.ip_captured_length = static_cast<std::uint16_t>(100 + i % 700);
    batch.add(true);
  }
  EXPECT_TRUE(batch.full());
  batch.seal();
  std::size_t i = 0;
  for (const DecodedPacket& packet : batch.packets()) {
    ASSERT_NE(packet.ip_header, buffer.data());
    EXPECT_EQ(packet.ip_captured_length, 100 + i % 700);
    EXPECT_EQ(packet.ip_header[0], static_cast<std::uint8_t>(i));
    EXPECT_EQ(packet.ip_header[packet.ip_captured_length - 1], static_cast<std::uint8_t>(i));
    ++i;
  }
}

TEST(PacketBatch, WithoutBytesPacketsPointNowhere) {
  PacketBatch batch;
  std::uint8_t bytes[64] = {};
  DecodedPacket& packet = batch.next_slot();
  packet.ip_header = bytes;
  packet.ip_captured_length = 64;
  batch.add(false);
  batch.seal();
  ASSERT_EQ(batch.size(), 1u);
  EXPECT_EQ(batch.packets()[0].ip_header, nullptr);
  EXPECT_EQ(batch.packets()[0].ip_captured_length, 0u);
}

TEST(PacketBatch, SlotNotAddedIsHandedOutAgainAndClearEmpties) {
  PacketBatch batch;
  DecodedPacket& first = batch.next_slot();
  first.src_port = 1;  // a packet the decoder then rejected: not added
  EXPECT_EQ(&batch.next_slot(), &first);
  EXPECT_TRUE(batch.empty());
  batch.next_slot().src_port = 2;
  batch.add(false);
  batch.clear();
  EXPECT_TRUE(batch.empty());
  EXPECT_EQ(batch.packets().size(), 0u);
}

}  // namespace
}  // namespace flowfeat
