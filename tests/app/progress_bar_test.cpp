#include "flowfeat/app/progress_bar.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>

namespace flowfeat {
namespace {

using namespace std::chrono_literals;

// A clock the test moves by hand, counting how often it is read.
struct FakeClock {
  ProgressBar::Clock::time_point now{};
  int reads = 0;

  ProgressBar::TimeSource source() {
    return [this] {
      ++reads;
      return now;
    };
  }
};

// Calls update() enough times that the bar reads the clock exactly once.
void update_once(ProgressBar& bar, std::uint64_t bytes_read, std::uint64_t bytes_total,
                 std::uint64_t packets, std::uint64_t flows) {
  for (std::uint32_t i = 0; i < ProgressBar::kCallsPerClockCheck; ++i) {
    bar.update(bytes_read, bytes_total, packets, flows);
  }
}

std::size_t redraws(const std::string& output) {
  return static_cast<std::size_t>(std::count(output.begin(), output.end(), '\r'));
}

// What the last redraw put on the line.
std::string last_line(const std::string& output) {
  return output.substr(output.rfind('\r') + 1);
}

TEST(ProgressBar, FirstUpdateDrawsPercentageAndFlows) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(ProgressBar::Mode::kAlways, out, clock.source());

  bar.update(450, 1000, 0, 12);

  const std::string text = out.str();
  ASSERT_EQ(redraws(text), 1u);
  EXPECT_EQ(text.front(), '\r');
  EXPECT_NE(text.find("[#########-----------]  45.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("- pkt/s"), std::string::npos) << text;
  EXPECT_NE(text.find("12 flows"), std::string::npos) << text;
  EXPECT_EQ(text.find('\n'), std::string::npos) << "the bar must stay on one line";
}

TEST(ProgressBar, RedrawsAtMostOncePerInterval) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(ProgressBar::Mode::kAlways, out, clock.source());

  update_once(bar, 0, 1000, 0, 0);
  ASSERT_EQ(redraws(out.str()), 1u);
  clock.now += 100ms;
  update_once(bar, 100, 1000, 200, 1);
  EXPECT_EQ(redraws(out.str()), 1u) << "redrawn before the interval passed";

  clock.now += 150ms;  // 250 ms since the first drawing, 500 packets since: 2000 pkt/s
  update_once(bar, 500, 1000, 500, 3);
  ASSERT_EQ(redraws(out.str()), 2u);
  const std::string line = last_line(out.str());
  EXPECT_NE(line.find(" 50.0%"), std::string::npos) << line;
  EXPECT_NE(line.find("2.0k pkt/s"), std::string::npos) << line;
  EXPECT_NE(line.find("3 flows"), std::string::npos) << line;
}

TEST(ProgressBar, RateIsSmoothedAcrossRedraws) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(ProgressBar::Mode::kAlways, out, clock.source());

  update_once(bar, 0, 100, 0, 0);
  clock.now += 1s;
  update_once(bar, 10, 100, 4000, 0);  // 4000 pkt/s
  EXPECT_NE(last_line(out.str()).find("4.0k pkt/s"), std::string::npos) << out.str();
  clock.now += 1s;
  update_once(bar, 20, 100, 6000, 0);  // 2000 pkt/s recently, shown as the mean with the past
  EXPECT_NE(last_line(out.str()).find("3.0k pkt/s"), std::string::npos) << out.str();
}

TEST(ProgressBar, ReadsTheClockOnlyEveryNCalls) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(ProgressBar::Mode::kAlways, out, clock.source());

  const std::uint32_t calls = ProgressBar::kCallsPerClockCheck * 10 + 1;
  for (std::uint32_t i = 0; i < calls; ++i) {
    bar.update(i, calls, i, 0);
  }
  EXPECT_EQ(clock.reads, 11);
}

TEST(ProgressBar, UnknownTotalShowsBytesRead) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(ProgressBar::Mode::kAlways, out, clock.source());

  bar.update(1'500'000, 0, 0, 2'345);

  const std::string text = out.str();
  EXPECT_NE(text.find("1.50MB read"), std::string::npos) << text;
  EXPECT_EQ(text.find('%'), std::string::npos) << text;
  EXPECT_NE(text.find("2.3k flows"), std::string::npos) << text;
}

TEST(ProgressBar, PercentageStopsAtHundred) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(ProgressBar::Mode::kAlways, out, clock.source());

  bar.update(2000, 1000, 0, 0);

  EXPECT_NE(out.str().find("[####################] 100.0%"), std::string::npos) << out.str();
}

TEST(ProgressBar, ShorterLineBlanksTheRestOfTheLongerOne) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(ProgressBar::Mode::kAlways, out, clock.source());

  update_once(bar, 0, 0, 0, 123'456'789);
  const std::size_t long_width = out.str().size() - 1;
  clock.now += 1s;
  update_once(bar, 0, 0, 0, 1);

  const std::string line = last_line(out.str());
  EXPECT_EQ(line.size(), long_width);
  EXPECT_EQ(line.back(), ' ');
}

TEST(ProgressBar, FinishClearsTheLineOnce) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(ProgressBar::Mode::kAlways, out, clock.source());

  bar.update(1, 2, 3, 4);
  const std::size_t width = out.str().size() - 1;
  bar.finish();
  const std::string after_finish = out.str();
  EXPECT_EQ(after_finish.substr(width + 1), "\r" + std::string(width, ' ') + "\r");
  bar.finish();
  EXPECT_EQ(out.str(), after_finish) << "a second finish() must write nothing";
}

TEST(ProgressBar, DestructionClearsADrawnLine) {
  std::ostringstream out;
  FakeClock clock;
  {
    ProgressBar bar(ProgressBar::Mode::kAlways, out, clock.source());
    bar.update(1, 2, 3, 4);
  }
  EXPECT_EQ(out.str().back(), '\r');
  EXPECT_EQ(redraws(out.str()), 3u);
}

TEST(ProgressBar, NeverModeWritesNothingAndSkipsTheClock) {
  std::ostringstream out;
  FakeClock clock;
  ProgressBar bar(ProgressBar::Mode::kNever, out, clock.source());

  EXPECT_FALSE(bar.enabled());
  for (int i = 0; i < 1000; ++i) {
    bar.update(1, 2, 3, 4);
  }
  bar.finish();
  EXPECT_TRUE(out.str().empty());
  EXPECT_EQ(clock.reads, 0);
}

TEST(ProgressBar, AutoModeFollowsWhetherStderrIsATerminal) {
  std::ostringstream out;
  ProgressBar bar(ProgressBar::Mode::kAuto, out);
  EXPECT_EQ(bar.enabled(), ::isatty(STDERR_FILENO) == 1);
}

}  // namespace
}  // namespace flowfeat
