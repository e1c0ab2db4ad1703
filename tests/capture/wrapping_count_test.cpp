#include "flowfeat/capture/wrapping_count.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace flowfeat {
namespace {

TEST(WrappingCount, FollowsReadingsBelowTheWrap) {
  WrappingCount count;
  EXPECT_EQ(count.update(0), 0u);
  EXPECT_EQ(count.update(10), 10u);
  EXPECT_EQ(count.update(10), 10u);
  EXPECT_EQ(count.update(4'000'000'000u), 4'000'000'000u);
}

TEST(WrappingCount, CarriesOnPastTheKernelsWrap) {
  WrappingCount count;
  count.update(0xffff'fff0u);
  EXPECT_EQ(count.update(0x10u), 0x1'0000'0010u) << "0x20 frames across the wrap";
  EXPECT_EQ(count.update(0xffff'fff0u), 0x1'ffff'fff0u);
  EXPECT_EQ(count.update(5u), 0x2'0000'0005u);
  EXPECT_EQ(count.total(), 0x2'0000'0005u);
}

}  // namespace
}  // namespace flowfeat
