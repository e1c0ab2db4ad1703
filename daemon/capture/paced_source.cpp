#include "flowfeat/capture/paced_source.hpp"

#include <algorithm>
#include <cmath>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "flowfeat/core/clock_now.hpp"

namespace flowfeat {
namespace {

std::int64_t stream_us(const RawPacket& packet) { return packet.ts_sec * 1'000'000 + packet.ts_usec; }

}  // namespace

PacingClock PacingClock::system() {
  return {
      .monotonic_us = steady_clock_us,
      .wall_ms = wall_clock_ms,
      .sleep_us = [](std::uint64_t us) { std::this_thread::sleep_for(std::chrono::microseconds(us)); },
  };
}

PacedSource::PacedSource(PacketSource& inner, double speed, std::uint64_t tick_ms, PacingClock clock)
    : inner_(inner), speed_(speed), tick_ms_(tick_ms), clock_(std::move(clock)) {
  if (!(speed > 0.0) || !std::isfinite(speed)) throw std::invalid_argument("replay speed must be a finite number above 0");
  if (tick_ms == 0) throw std::invalid_argument("tick interval must be above 0");
}

ReadResult PacedSource::read(RawPacket& packet) {
  if (!has_pending_) {
    const ReadResult result = inner_.read(pending_);
    if (result != ReadResult::kPacket) return result;
    has_pending_ = true;
  }
  if (!anchored_) {
    anchored_ = true;
    anchor_stream_us_ = stream_us(pending_);
    anchor_monotonic_us_ = clock_.monotonic_us();
    anchor_wall_ms_ = clock_.wall_ms();
  }
  const std::int64_t offset_us = std::max<std::int64_t>(0, stream_us(pending_) - anchor_stream_us_);
  const std::uint64_t due_us = anchor_monotonic_us_ + static_cast<std::uint64_t>(static_cast<double>(offset_us) / speed_);
  std::uint64_t now_us = clock_.monotonic_us();
  if (due_us > now_us) {
    clock_.sleep_us(std::min(due_us - now_us, tick_ms_ * 1000));
    now_us = clock_.monotonic_us();
    if (due_us > now_us) return ReadResult::kQuiet;  // the frame stays pending, its data untouched
  }
  packet = pending_;
  has_pending_ = false;
  return ReadResult::kPacket;
}

std::uint64_t PacedSource::quiet_time_ms() const {
  if (!anchored_) return 0;
  const double elapsed_us = static_cast<double>(clock_.monotonic_us() - anchor_monotonic_us_) * speed_;
  return static_cast<std::uint64_t>((static_cast<double>(anchor_stream_us_) + elapsed_us) / 1000.0);
}

std::optional<std::uint64_t> PacedSource::due_wall_ms(std::uint64_t stream_ms) const {
  if (!anchored_) return std::nullopt;
  const double offset_us = std::max(0.0, static_cast<double>(stream_ms) * 1000.0 - static_cast<double>(anchor_stream_us_));
  return anchor_wall_ms_ + static_cast<std::uint64_t>(offset_us / speed_ / 1000.0);
}

}  // namespace flowfeat
