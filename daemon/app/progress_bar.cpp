#include "flowfeat/app/progress_bar.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <utility>

namespace flowfeat {
namespace {

constexpr int kBarWidth = 20;

// Writes value with a k/M/G suffix and three significant digits or so: "950", "12.3k", "1.23M".
int write_scaled(char* buffer, std::size_t size, double value) {
  if (value < 1e3) {
    return std::snprintf(buffer, size, "%.0f", value);
  }
  if (value < 1e6) {
    return std::snprintf(buffer, size, "%.1fk", value / 1e3);
  }
  if (value < 1e9) {
    return std::snprintf(buffer, size, "%.2fM", value / 1e6);
  }
  return std::snprintf(buffer, size, "%.2fG", value / 1e9);
}

bool decide_enabled(ProgressBar::Mode mode) {
  switch (mode) {
    case ProgressBar::Mode::kAlways:
      return true;
    case ProgressBar::Mode::kNever:
      return false;
    case ProgressBar::Mode::kAuto:
      break;
  }
  return ::isatty(STDERR_FILENO) == 1;
}

}  // namespace

ProgressBar::ProgressBar(Mode mode, std::ostream& out, TimeSource now)
    : out_(out), now_(std::move(now)), enabled_(decide_enabled(mode)) {}

ProgressBar::ProgressBar(Mode mode) : ProgressBar(mode, std::cerr) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(std::uint64_t bytes_read, std::uint64_t bytes_total, std::uint64_t packets,
                         std::uint64_t active_flows) {
  if (!enabled_) {
    return;
  }
  if (calls_until_check_ > 0) {
    --calls_until_check_;
    return;
  }
  calls_until_check_ = kCallsPerClockCheck - 1;

  const Clock::time_point now = now_();
  if (!started_) {
    started_ = true;
    last_draw_ = now;
    last_packets_ = packets;
    draw(bytes_read, bytes_total, active_flows);
    return;
  }
  if (now - last_draw_ < kRedrawInterval) {
    return;
  }
  const double seconds = std::chrono::duration<double>(now - last_draw_).count();
  const double recent = packets >= last_packets_
                            ? static_cast<double>(packets - last_packets_) / seconds
                            : 0.0;
  // Halving the weight of the past each redraw steadies the figure without hiding a real change.
  packets_per_second_ = have_rate_ ? 0.5 * packets_per_second_ + 0.5 * recent : recent;
  have_rate_ = true;
  last_draw_ = now;
  last_packets_ = packets;
  draw(bytes_read, bytes_total, active_flows);
}

void ProgressBar::draw(std::uint64_t bytes_read, std::uint64_t bytes_total,
                       std::uint64_t active_flows) {
  char line[160];
  std::size_t used = 0;
  auto append = [&line, &used](int written) {
    if (written > 0) {
      used = std::min(used + static_cast<std::size_t>(written), sizeof line - 1);
    }
  };
  auto room = [&line, &used] { return sizeof line - used; };

  if (bytes_total > 0) {
    const double fraction =
        std::min(1.0, static_cast<double>(bytes_read) / static_cast<double>(bytes_total));
    const int filled = static_cast<int>(fraction * kBarWidth);
    line[used++] = '[';
    for (int i = 0; i < kBarWidth; ++i) {
      line[used++] = i < filled ? '#' : '-';
    }
    append(std::snprintf(line + used, room(), "] %5.1f%%", fraction * 100.0));
  } else {
    append(write_scaled(line + used, room(), static_cast<double>(bytes_read)));
    append(std::snprintf(line + used, room(), "B read"));
  }
  if (have_rate_) {
    append(std::snprintf(line + used, room(), "  "));
    append(write_scaled(line + used, room(), packets_per_second_));
    append(std::snprintf(line + used, room(), " pkt/s"));
  } else {
    append(std::snprintf(line + used, room(), "  - pkt/s"));
  }
  append(std::snprintf(line + used, room(), "  "));
  append(write_scaled(line + used, room(), static_cast<double>(active_flows)));
  append(std::snprintf(line + used, room(), " flows"));

  out_.put('\r');
  out_.write(line, static_cast<std::streamsize>(used));
  // Blank out what a longer previous line left behind.
  for (std::size_t i = used; i < drawn_width_; ++i) {
    out_.put(' ');
  }
  drawn_width_ = used;
  out_.flush();
}

void ProgressBar::finish() {
  if (drawn_width_ == 0) {
    return;
  }
  out_.put('\r');
  for (std::size_t i = 0; i < drawn_width_; ++i) {
    out_.put(' ');
  }
  out_.put('\r');
  out_.flush();
  drawn_width_ = 0;
}

}  // namespace flowfeat
