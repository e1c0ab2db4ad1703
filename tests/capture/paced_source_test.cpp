#include "flowfeat/capture/paced_source.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <vector>

#include "scripted_source.hpp"

namespace flowfeat {
namespace {

using testing::ScriptedSource;

constexpr std::int64_t kSecond = 1'700'000'000;

// Steady time that moves only when the source sleeps (or the test moves it), so a test knows to
// the microsecond when each frame came out; the wall clock runs beside it at another origin.
struct FakeClock {
  std::uint64_t now_us = 42'000'000;  // not 0: an anchor left at 0 would show
  std::uint64_t wall_origin_ms = 1'800'000'000'000;
  std::vector<std::uint64_t> sleeps_us;

  std::uint64_t wall_ms() const { return wall_origin_ms + now_us / 1000; }
  PacingClock pacing() {
    return {.monotonic_us = [this] { return now_us; },
            .wall_ms = [this] { return wall_ms(); },
            .sleep_us =
                [this](std::uint64_t us) {
                  sleeps_us.push_back(us);
                  now_us += us;
                }};
  }
};

// Four bytes that name the frame, so a test sees which frame a pointer shows.
std::vector<std::uint8_t> frame_bytes(std::uint8_t id) { return {id, id, id, id}; }
std::uint8_t frame_id(const RawPacket& packet) { return packet.data[0]; }

std::int64_t stream_us(const RawPacket& packet) { return packet.ts_sec * 1'000'000 + packet.ts_usec; }

struct Emitted {
  std::uint8_t id = 0;
  std::uint64_t at_us = 0;  // fake steady time when read() gave it
  int quiet_before = 0;     // kQuiet results while waiting for it
};

// Quiet reads after which a frame is taken as never coming.
constexpr int kNeverDue = 1'000'000;

// Reads until a frame comes (or the stream ends: nullopt).
std::optional<Emitted> read_frame(PacedSource& paced, const FakeClock& clock, RawPacket& packet) {
  Emitted out;
  for (;;) {
    const ReadResult result = paced.read(packet);
    if (result == ReadResult::kEnd) return std::nullopt;
    if (result == ReadResult::kPacket) {
      out.id = frame_id(packet);
      out.at_us = clock.now_us;
      return out;
    }
    if (++out.quiet_before == kNeverDue) {
      ADD_FAILURE() << "no frame after " << kNeverDue << " quiet reads";
      return std::nullopt;
    }
  }
}

TEST(PacedSource, FramesComeOutAtTheirOffsetFromTheFirstOverTheSpeed) {
  // Offsets from the first frame, in us; the first frame's timestamp has a fraction, so offsets
  // cross second boundaries.
  const std::vector<std::int64_t> offsets = {0, 250'000, 1'000'000, 1'000'000, 3'500'000, 60'000'000};
  for (const double speed : {1.0, 2.0, 0.5}) {
    SCOPED_TRACE(speed);
    ScriptedSource inner;
    const std::int64_t first_us = kSecond * 1'000'000 + 900'000;
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      const std::int64_t t = first_us + offsets[i];
      inner.frame(t / 1'000'000, t % 1'000'000, frame_bytes(static_cast<std::uint8_t>(i)));
    }
    FakeClock clock;
    PacedSource paced(inner, speed, 100, clock.pacing());
    const std::uint64_t anchor_us = clock.now_us;
    RawPacket packet;
    for (std::size_t i = 0; i < offsets.size(); ++i) {
      const std::optional<Emitted> emitted = read_frame(paced, clock, packet);
      ASSERT_TRUE(emitted) << "frame " << i;
      EXPECT_EQ(emitted->id, i);
      EXPECT_EQ(stream_us(packet), first_us + offsets[i]);
      const auto due_us = anchor_us + static_cast<std::uint64_t>(static_cast<double>(offsets[i]) / speed);
      EXPECT_EQ(emitted->at_us, due_us) << "frame " << i;
    }
    EXPECT_EQ(paced.read(packet), ReadResult::kEnd);
  }
}

TEST(PacedSource, AFrameNotYetDueGivesQuietEveryTickAndStaysPending) {
  struct Case {
    double speed;
    std::uint64_t tick_ms;
  };
  for (const Case c : {Case{1.0, 100}, Case{0.5, 30}, Case{4.0, 7}}) {
    SCOPED_TRACE(::testing::PrintToString(c.speed) + " x, tick " + std::to_string(c.tick_ms) + " ms");
    ScriptedSource inner;
    inner.frame(kSecond, 0, frame_bytes(1));
    inner.frame(kSecond + 1, 0, frame_bytes(2));
    inner.frame(kSecond + 1, 0, frame_bytes(3));  // a read too many would put these bytes in the buffer
    FakeClock clock;
    PacedSource paced(inner, c.speed, c.tick_ms, clock.pacing());
    RawPacket packet;
    ASSERT_EQ(paced.read(packet), ReadResult::kPacket);
    const std::uint64_t anchor_us = clock.now_us;

    std::uint64_t last_return_us = clock.now_us;
    int quiet = 0;
    ReadResult result = ReadResult::kQuiet;
    while ((result = paced.read(packet)) == ReadResult::kQuiet) {
      ++quiet;
      ASSERT_LT(quiet, kNeverDue) << "never due";
      ASSERT_GT(clock.now_us, last_return_us) << "quiet without waiting";
      EXPECT_LE(clock.now_us - last_return_us, c.tick_ms * 1000) << "quiet read " << quiet;
      EXPECT_EQ(inner.reads(), 2u) << "the inner source was read while a frame was pending";
      last_return_us = clock.now_us;
    }
    ASSERT_EQ(result, ReadResult::kPacket);
    EXPECT_GT(quiet, 0);
    EXPECT_LE(clock.now_us - last_return_us, c.tick_ms * 1000);
    EXPECT_EQ(clock.now_us - anchor_us, static_cast<std::uint64_t>(1'000'000 / c.speed));
    for (const std::uint64_t sleep : clock.sleeps_us) EXPECT_LE(sleep, c.tick_ms * 1000);
    // The frame handed out is the one read before the wait, its bytes intact.
    ASSERT_EQ(packet.captured_length, 4u);
    EXPECT_EQ(std::vector<std::uint8_t>(packet.data, packet.data + 4), frame_bytes(2));
    EXPECT_EQ(packet.ts_sec, kSecond + 1);
    EXPECT_EQ(inner.reads(), 2u);
  }
}

TEST(PacedSource, QuietTimeFollowsTheClockTimesTheSpeed) {
  ScriptedSource inner;
  const std::uint64_t first_ms = static_cast<std::uint64_t>(kSecond) * 1000 + 123;
  inner.frame(kSecond, 123'000, frame_bytes(1));
  inner.frame(kSecond + 10, 123'000, frame_bytes(2));
  FakeClock clock;
  PacedSource paced(inner, 2.0, 100, clock.pacing());
  EXPECT_EQ(paced.quiet_time_ms(), 0u) << "nothing read yet: the stream time is unknown";
  RawPacket packet;
  ASSERT_EQ(paced.read(packet), ReadResult::kPacket);
  const std::uint64_t anchor_us = clock.now_us;
  EXPECT_EQ(paced.quiet_time_ms(), first_ms);

  std::uint64_t previous = first_ms;
  int quiet = 0;
  while (paced.read(packet) == ReadResult::kQuiet) {
    ASSERT_LT(++quiet, kNeverDue) << "never due";
    const std::uint64_t elapsed_us = clock.now_us - anchor_us;
    const std::uint64_t reached = paced.quiet_time_ms();
    EXPECT_EQ(reached, first_ms + elapsed_us * 2 / 1000) << "after " << elapsed_us << " us";
    ASSERT_GT(reached, previous) << "stream time stood still";
    EXPECT_LT(reached, first_ms + 10'000) << "at or beyond the frame still pending";
    previous = reached;
  }
  EXPECT_GE(quiet, 49);  // 5 s of waiting in ticks of 100 ms
  EXPECT_EQ(packet.time_ms(), first_ms + 10'000);
  // Time moved by the caller (a slow consumer) counts too, at the same rate.
  clock.now_us += 1'234'567;
  EXPECT_EQ(paced.quiet_time_ms(), first_ms + (clock.now_us - anchor_us) * 2 / 1000);
}

TEST(PacedSource, DueWallTimeMapsStreamTimeOntoTheWallClock) {
  ScriptedSource inner;
  inner.frame(kSecond, 400'000, frame_bytes(1));
  inner.frame(kSecond + 3, 0, frame_bytes(2));
  inner.frame(kSecond + 7, 999'000, frame_bytes(3));
  FakeClock clock;
  PacedSource paced(inner, 2.0, 100, clock.pacing());
  EXPECT_FALSE(paced.due_wall_ms(static_cast<std::uint64_t>(kSecond) * 1000)) << "no schedule before the first frame";
  RawPacket packet;
  ASSERT_EQ(paced.read(packet), ReadResult::kPacket);
  const std::uint64_t anchor_wall_ms = clock.wall_ms();
  const std::uint64_t first_ms = packet.time_ms();

  ASSERT_TRUE(paced.due_wall_ms(first_ms));
  EXPECT_EQ(*paced.due_wall_ms(first_ms), anchor_wall_ms);
  EXPECT_EQ(*paced.due_wall_ms(first_ms + 10'000), anchor_wall_ms + 5'000);  // twice the pace: half the time
  EXPECT_EQ(*paced.due_wall_ms(first_ms + 3'601'000), anchor_wall_ms + 1'800'500);
  EXPECT_LE(*paced.due_wall_ms(first_ms - 5'000), anchor_wall_ms) << "older than the first frame: due at once";
  // Each frame comes out on time: the wall clock then reads its due time (to the ms; timestamps
  // are finer).
  while (const std::optional<Emitted> emitted = read_frame(paced, clock, packet)) {
    const std::uint64_t due = *paced.due_wall_ms(packet.time_ms());
    EXPECT_LE(due, clock.wall_ms()) << "frame " << int{emitted->id};
    EXPECT_LE(clock.wall_ms() - due, 1u) << "frame " << int{emitted->id};
  }
}

TEST(PacedSource, LateFramesAndTimestampsGoingBackwardsComeAtOnce) {
  ScriptedSource inner;
  inner.frame(kSecond + 10, 0, frame_bytes(1));
  inner.frame(kSecond + 12, 0, frame_bytes(2));
  inner.frame(kSecond + 11, 0, frame_bytes(3));      // backwards, but after the first
  inner.frame(kSecond + 5, 0, frame_bytes(4));       // before the first frame
  inner.frame(kSecond + 13, 0, frame_bytes(5));      // the schedule goes on from the first frame
  inner.frame(kSecond + 20, 0, frame_bytes(6));
  inner.frame(kSecond + 21, 0, frame_bytes(7));
  FakeClock clock;
  PacedSource paced(inner, 1.0, 100, clock.pacing());
  RawPacket packet;
  const auto next = [&] {
    const std::optional<Emitted> emitted = read_frame(paced, clock, packet);
    return emitted ? *emitted : Emitted{.id = 0xff};  // 0xff: the stream ended early
  };
  const std::uint64_t anchor_us = clock.now_us;
  ASSERT_EQ(next().id, 1);
  ASSERT_EQ(next().id, 2);
  EXPECT_EQ(clock.now_us - anchor_us, 2'000'000u);

  const std::size_t sleeps = clock.sleeps_us.size();
  for (const int id : {3, 4}) {
    const Emitted emitted = next();
    EXPECT_EQ(emitted.id, id);
    EXPECT_EQ(emitted.quiet_before, 0);
  }
  EXPECT_EQ(clock.sleeps_us.size(), sleeps) << "waited for frames already due";
  EXPECT_EQ(clock.now_us - anchor_us, 2'000'000u);

  const Emitted fifth = next();
  EXPECT_EQ(fifth.id, 5);
  EXPECT_EQ(fifth.at_us - anchor_us, 3'000'000u);

  // A replay running behind (the caller was busy for 15 s) catches up without waiting.
  clock.now_us += 15'000'000;
  const std::size_t before_catch_up = clock.sleeps_us.size();
  const Emitted sixth = next();
  const Emitted seventh = next();
  EXPECT_EQ(sixth.id, 6);
  EXPECT_EQ(seventh.id, 7);
  EXPECT_EQ(sixth.quiet_before + seventh.quiet_before, 0);
  EXPECT_EQ(clock.sleeps_us.size(), before_catch_up);
}

TEST(PacedSource, TheInnerSourcesQuietAndEndPassThrough) {
  ScriptedSource inner;
  inner.quiet(0).frame(kSecond, 0, frame_bytes(1)).quiet(0);
  FakeClock clock;
  PacedSource paced(inner, 1.0, 50, clock.pacing());
  EXPECT_EQ(&paced.stats(), &inner.stats());
  EXPECT_EQ(paced.max_batch_delay_ms(), 50u);
  RawPacket packet;
  EXPECT_EQ(paced.read(packet), ReadResult::kQuiet);
  EXPECT_EQ(paced.quiet_time_ms(), 0u);
  EXPECT_EQ(paced.read(packet), ReadResult::kPacket);
  EXPECT_EQ(frame_id(packet), 1);
  EXPECT_EQ(paced.read(packet), ReadResult::kQuiet);
  EXPECT_EQ(paced.read(packet), ReadResult::kEnd);
  EXPECT_EQ(paced.read(packet), ReadResult::kEnd);
  EXPECT_TRUE(clock.sleeps_us.empty());
  EXPECT_EQ(paced.stats().packets, 1u);
}

TEST(PacedSource, NextSkipsTheQuietReads) {
  ScriptedSource inner;
  inner.frame(kSecond, 0, frame_bytes(1)).frame(kSecond + 2, 0, frame_bytes(2));
  FakeClock clock;
  PacedSource paced(inner, 1.0, 100, clock.pacing());
  RawPacket packet;
  ASSERT_TRUE(paced.next(packet));
  const std::uint64_t anchor_us = clock.now_us;
  ASSERT_TRUE(paced.next(packet));
  EXPECT_EQ(frame_id(packet), 2);
  EXPECT_EQ(clock.now_us - anchor_us, 2'000'000u);
  EXPECT_FALSE(paced.next(packet));
}

TEST(PacedSource, SpeedAndTickMustBeAboveZero) {
  ScriptedSource inner;
  FakeClock clock;
  for (const double speed : {0.0, -1.0, -0.001, std::numeric_limits<double>::quiet_NaN()}) {
    EXPECT_THROW(PacedSource(inner, speed, 100, clock.pacing()), std::invalid_argument) << speed;
  }
  EXPECT_THROW(PacedSource(inner, 1.0, 0, clock.pacing()), std::invalid_argument);
  EXPECT_NO_THROW(PacedSource(inner, 0.001, 1, clock.pacing()));
}

}  // namespace
}  // namespace flowfeat
