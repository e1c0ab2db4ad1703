#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "flowfeat/capture/packet_source.hpp"
#include "flowfeat/decode/link_type.hpp"

namespace flowfeat::testing {

// A source that plays a script written before the run, the way a live link behaves: frames, quiet
// reads (nothing arrived within the poll interval, with the stream time reached), actions run on
// the reading thread between reads (to block, or to wait for something downstream), drop counters
// moving, then the end. As libpcap does, every frame is copied into one buffer reused by the next
// read, so a reader that kept a frame's pointer across reads would see other bytes.
// Owned by the thread that reads it; only ended() and reads() may be asked from other threads.
class ScriptedSource final : public PacketSource {
 public:
  ScriptedSource& frame(std::int64_t seconds, std::int64_t micros, std::vector<std::uint8_t> bytes) {
    steps_.push_back({.kind = Kind::kFrame, .seconds = seconds, .micros = micros, .bytes = std::move(bytes)});
    return *this;
  }

  // read() gives kQuiet; quiet_time_ms() then answers stream_ms (0 = unknown).
  ScriptedSource& quiet(std::uint64_t stream_ms) {
    steps_.push_back({.kind = Kind::kQuiet, .quiet_ms = stream_ms});
    return *this;
  }

  // Runs action inside the next read(), which then goes on with the script. The frames read
  // before it are still in the reader's batch unless a quiet step came first.
  ScriptedSource& then(std::function<void()> action) {
    steps_.push_back({.kind = Kind::kAction, .action = std::move(action)});
    return *this;
  }

  // Adds to the kernel and interface drop counters, as a live source does when it polls them.
  ScriptedSource& drops(std::uint64_t kernel, std::uint64_t interface) {
    steps_.push_back({.kind = Kind::kDrops, .kernel_drops = kernel, .interface_drops = interface});
    return *this;
  }

  // What max_batch_delay_ms() answers (0, as for a file, unless set).
  void set_batch_delay(std::uint64_t ms) { batch_delay_ms_ = ms; }

  // The wall-clock schedule due_wall_ms() answers; without one the source is not paced.
  void set_schedule(std::function<std::uint64_t(std::uint64_t)> due_wall_ms) { schedule_ = std::move(due_wall_ms); }

  ReadResult read(RawPacket& packet) override {
    reads_.fetch_add(1, std::memory_order_relaxed);
    while (next_ < steps_.size()) {
      Step& step = steps_[next_++];
      switch (step.kind) {
        case Kind::kFrame:
          buffer_ = step.bytes;
          packet.ts_sec = step.seconds;
          packet.ts_usec = step.micros;
          packet.captured_length = static_cast<std::uint32_t>(buffer_.size());
          packet.wire_length = packet.captured_length;
          packet.link_type = link_type::kEthernet;
          packet.data = buffer_.data();
          ++stats_.packets;
          stats_.bytes += packet.wire_length;
          return ReadResult::kPacket;
        case Kind::kQuiet:
          quiet_ms_ = step.quiet_ms;
          return ReadResult::kQuiet;
        case Kind::kAction:
          step.action();
          break;
        case Kind::kDrops:
          stats_.kernel_drops += step.kernel_drops;
          stats_.interface_drops += step.interface_drops;
          break;
      }
    }
    ended_.store(true, std::memory_order_release);
    return ReadResult::kEnd;
  }

  const SourceStats& stats() const override { return stats_; }
  std::uint64_t quiet_time_ms() const override { return quiet_ms_; }
  std::optional<std::uint64_t> due_wall_ms(std::uint64_t stream_ms) const override {
    if (!schedule_) return std::nullopt;
    return schedule_(stream_ms);
  }

  std::uint64_t max_batch_delay_ms() const override { return batch_delay_ms_; }

  // True once read() has returned kEnd.
  bool ended() const noexcept { return ended_.load(std::memory_order_acquire); }
  // Calls of read() so far.
  std::uint64_t reads() const noexcept { return reads_.load(std::memory_order_relaxed); }

 private:
  enum class Kind : std::uint8_t { kFrame, kQuiet, kAction, kDrops };
  struct Step {
    Kind kind = Kind::kFrame;
    std::int64_t seconds = 0;
    std::int64_t micros = 0;
    std::vector<std::uint8_t> bytes{};
    std::uint64_t quiet_ms = 0;
    std::function<void()> action{};
    std::uint64_t kernel_drops = 0;
    std::uint64_t interface_drops = 0;
  };

  std::vector<Step> steps_;
  std::size_t next_ = 0;
  std::vector<std::uint8_t> buffer_;
  std::uint64_t quiet_ms_ = 0;
  std::uint64_t batch_delay_ms_ = 0;
  std::function<std::uint64_t(std::uint64_t)> schedule_;
  SourceStats stats_;
  std::atomic<bool> ended_{false};
  std::atomic<std::uint64_t> reads_{0};
};

}  // namespace flowfeat::testing
