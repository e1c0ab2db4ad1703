#pragma once

#include <cstdint>
#include <functional>

#include "flowfeat/capture/packet_source.hpp"

namespace flowfeat {

// The clocks a paced replay reads; injected so tests never sleep.
struct PacingClock {
  std::function<std::uint64_t()> monotonic_us;    // steady time, for the schedule
  std::function<std::uint64_t()> wall_ms;         // ms since the epoch, for the lag metric
  std::function<void(std::uint64_t)> sleep_us;    // waits about this long

  static PacingClock system();
};

// Replays another source at `speed` times the pace it was recorded at (1 = original timing): a frame
// is handed out when the wall clock has moved on as far from the first frame as its timestamp did,
// divided by speed. Frames already due (a replay running behind, or timestamps going backwards) come
// at once, so the replay catches up. While waiting it returns kQuiet at least every tick_ms, with the
// stream time reached, so the stream behaves like a live interface (idle flows end on time).
// Owned by one capture thread, like the source it wraps, which must outlive it.
class PacedSource final : public PacketSource {
 public:
  // speed finite and > 0; tick_ms > 0. Throws std::invalid_argument otherwise.
  PacedSource(PacketSource& inner, double speed, std::uint64_t tick_ms = 100, PacingClock clock = PacingClock::system());

  ReadResult read(RawPacket& packet) override;
  const SourceStats& stats() const override { return inner_.stats(); }
  std::uint64_t quiet_time_ms() const override;
  std::optional<std::uint64_t> due_wall_ms(std::uint64_t stream_ms) const override;
  std::uint64_t max_batch_delay_ms() const override { return tick_ms_; }

 private:
  PacketSource& inner_;
  double speed_;
  std::uint64_t tick_ms_;
  PacingClock clock_;
  RawPacket pending_{};
  bool has_pending_ = false;
  bool anchored_ = false;
  std::int64_t anchor_stream_us_ = 0;  // timestamp of the first frame
  std::uint64_t anchor_monotonic_us_ = 0;
  std::uint64_t anchor_wall_ms_ = 0;
};

}  // namespace flowfeat
