#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>

namespace flowfeat {

// A one-line progress display for file replays: share of input bytes read, packet rate and active
// flows, redrawn in place with '\r' at most every kRedrawInterval. Owned by the thread that drives
// the capture loop; not thread-safe.
class ProgressBar {
 public:
  enum class Mode {
    kAuto,    // draw only when stderr is a terminal
    kAlways,
    kNever,
  };

  using Clock = std::chrono::steady_clock;
  using TimeSource = std::function<Clock::time_point()>;

  // update() reads the clock only once per this many calls, so it can be called per packet.
  static constexpr std::uint32_t kCallsPerClockCheck = 64;
  static constexpr std::chrono::milliseconds kRedrawInterval{200};

  // out must outlive the bar. The time source is read only from update().
  explicit ProgressBar(Mode mode, std::ostream& out, TimeSource now = Clock::now);
  // Draws on std::cerr.
  explicit ProgressBar(Mode mode = Mode::kAuto);
  ~ProgressBar();

  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  // bytes_total 0 means unknown: the bytes read are shown instead of a percentage. The first call
  // draws at once; later ones redraw when kRedrawInterval has passed since the last drawing.
  void update(std::uint64_t bytes_read, std::uint64_t bytes_total, std::uint64_t packets,
              std::uint64_t active_flows);

  // Clears the line, e.g. at the end of the run or before other output goes to the same terminal.
  // A later update() draws again.
  void finish();

  bool enabled() const { return enabled_; }

 private:
  void draw(std::uint64_t bytes_read, std::uint64_t bytes_total, std::uint64_t active_flows);

  std::ostream& out_;
  TimeSource now_;
  bool enabled_;
  std::uint32_t calls_until_check_ = 0;
  bool started_ = false;
  Clock::time_point last_draw_{};
  std::uint64_t last_packets_ = 0;
  double packets_per_second_ = 0.0;
  bool have_rate_ = false;
  std::size_t drawn_width_ = 0;  // characters on the line now, 0 when clear
};

}  // namespace flowfeat
