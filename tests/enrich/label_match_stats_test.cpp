// What the summary says when matching by time labels little: the numbers and the likely fix.
#include "flowfeat/enrich/label_match_stats.hpp"

#include <gtest/gtest.h>

#include <string>

namespace flowfeat {
namespace {

constexpr std::int64_t kHour = 3'600'000;
// A capture of Tuesday 4 July 2017, 13:05 to 13:35 in the CIC-IDS2017 lab (UTC-3).
constexpr TimeSpan kCapture{1499184300000, 1499184300000 + kHour / 2};  // 2017-07-04T16:05:00Z

LabelMatchStats stats_of(std::uint64_t matched, std::uint64_t by_time_only, std::uint64_t elsewhere,
                         TimeSpan file_span) {
  return {.unmatched = by_time_only + elsewhere,
          .one_row = matched,
          .several_rows = 0,
          .unmatched_by_time = by_time_only,
          .by_time = true,
          .file_span = file_span,
          .flow_span = kCapture,
          .time_tolerance_ms = 5'000};
}

TimeSpan shifted(TimeSpan span, std::int64_t ms) { return {span.first_ms + ms, span.last_ms + ms}; }

TEST(LabelMatchStats, AFileReadInTheWrongZoneSaysSoWithBothSpans) {
  // Read as UTC, the lab's times come out 3 hours early.
  const auto text = stats_of(0, 150, 51, shifted(kCapture, -3 * kHour)).time_mismatch();
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("0 of 201 flows matched a row of the ground truth by 5-tuple and time, while 150 have their "
                       "5-tuple in the file at other times"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("the file's rows span 2017-07-04 13:05:00 UTC to 2017-07-04 13:35:00 UTC, the capture's "
                       "flows 2017-07-04 16:05:00 UTC to 2017-07-04 16:35:00 UTC"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("likely fix: labels.time_zone: the file's rows begin 3 h earlier than the capture's flows"),
            std::string::npos)
      << *text;
  // Half an hour off (a zone such as UTC+05:30 read as UTC+05:00), the other way.
  const auto half = stats_of(3, 90, 0, shifted(kCapture, kHour / 2)).time_mismatch();
  ASSERT_TRUE(half);
  EXPECT_NE(half->find("labels.time_zone: the file's rows begin 30 min later than"), std::string::npos) << *half;
}

TEST(LabelMatchStats, SwappedDayAndMonthSaysSo) {
  // "4/7/2017" read month first: 7 April instead of 4 July.
  const TimeSpan april{1491581100000, 1491581100000 + kHour / 2};  // 2017-04-07T16:05:00Z
  const auto text = stats_of(0, 83, 118, april).time_mismatch();
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("likely fix: the date order: read with day and month swapped, the file's first day "
                       "2017-04-07 would be the capture's 2017-07-04"),
            std::string::npos)
      << *text;
  // Months apart without a swap that explains it: another capture's file, or the date order.
  const auto other = stats_of(0, 83, 0, shifted(kCapture, -40 * 24 * kHour)).time_mismatch();
  ASSERT_TRUE(other);
  EXPECT_NE(other->find("likely fix: the dates: the file's rows begin 40 days earlier than the capture's flows"),
            std::string::npos)
      << *other;
}

TEST(LabelMatchStats, TimesThatJustMissPointAtTheTolerance) {
  const auto text = stats_of(1, 40, 0, shifted(kCapture, -20'000)).time_mismatch();
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("likely fix: labels.time_tolerance (now 5 s)"), std::string::npos) << *text;
}

TEST(LabelMatchStats, NothingIsSaidWhenMatchingWorksOrTimesAreNotTheCause) {
  const TimeSpan wrong = shifted(kCapture, -3 * kHour);
  EXPECT_FALSE(stats_of(150, 140, 0, wrong).time_mismatch()) << "over half of the flows matched";
  EXPECT_FALSE(stats_of(10, 10, 200, wrong).time_mismatch()) << "few flows' 5-tuples are in the file at all";
  EXPECT_FALSE(stats_of(0, 0, 0, wrong).time_mismatch()) << "no flow";
  LabelMatchStats untimed = stats_of(0, 150, 51, wrong);
  untimed.by_time = false;
  EXPECT_FALSE(untimed.time_mismatch()) << "a file without times matches by 5-tuple alone";
  // Without the spans the counts are still said.
  LabelMatchStats no_spans = stats_of(0, 150, 51, wrong);
  no_spans.file_span.reset();
  const auto text = no_spans.time_mismatch();
  ASSERT_TRUE(text);
  EXPECT_EQ(text->find("span"), std::string::npos) << *text;
}

}  // namespace
}  // namespace flowfeat
