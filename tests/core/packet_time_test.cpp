#include <gtest/gtest.h>

#include "flowfeat/capture/raw_packet.hpp"
#include "flowfeat/core/stream_clock.hpp"

namespace flowfeat {
namespace {

RawPacket at(std::int64_t seconds, std::int64_t micros) {
  RawPacket p;
  p.ts_sec = seconds;
  p.ts_usec = micros;
  return p;
}

TEST(PacketTime, MillisecondsAreTruncated) {
  EXPECT_EQ(at(1'470'104'373, 25'999).time_ms(), 1'470'104'373'025u);
  EXPECT_EQ(at(10, 0).time_ms(), 10'000u);
  EXPECT_EQ(at(10, 999'999).time_ms(), 10'999u);
}

TEST(PacketTime, OutOfRangeFractionsCountAsTheReferenceCountsThem) {
  EXPECT_EQ(at(10, 2'500'000).time_ms(), 12'500u);
  // C division truncates toward zero: -1404616 us is -1404 ms, not -1405.
  EXPECT_EQ(at(1'953'631'157, -1'404'616).time_ms(), 1'953'631'155'596u);
}

TEST(StreamClock, NeverGoesBackwards) {
  StreamClock clock;
  EXPECT_EQ(clock.observe(100), 100u);
  EXPECT_EQ(clock.observe(90), 100u);
  EXPECT_EQ(clock.observe(100), 100u);
  EXPECT_EQ(clock.observe(101), 101u);
  EXPECT_EQ(clock.now_ms(), 101u);
}

}  // namespace
}  // namespace flowfeat
