#include "flowfeat/enrich/label_match_stats.hpp"

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <cstdlib>

namespace flowfeat {
namespace {

constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 60 * kMinuteMs;
constexpr std::int64_t kDayMs = 24 * kHourMs;

std::string utc(std::int64_t ms) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S UTC", absl::FromUnixMillis(ms), absl::UTCTimeZone());
}

absl::CivilDay utc_day(std::int64_t ms) { return absl::ToCivilDay(absl::FromUnixMillis(ms), absl::UTCTimeZone()); }

// "3 h", "3 h 30 min", "12 min", "40 s": a length of time as a person reads it.
std::string length(std::int64_t ms) {
  if (ms < kMinuteMs) return std::to_string(ms / 1000) + " s";
  const std::int64_t hours = ms / kHourMs;
  const std::int64_t minutes = (ms % kHourMs) / kMinuteMs;
  if (hours == 0) return std::to_string(minutes) + " min";
  return std::to_string(hours) + " h" + (minutes == 0 ? "" : " " + std::to_string(minutes) + " min");
}

// The file's first day read with its day and month swapped is (within a day, for the time zone)
// the capture's first day.
bool day_and_month_swapped(std::int64_t file_ms, std::int64_t flow_ms) {
  const absl::CivilDay file = utc_day(file_ms);
  if (file.day() > 12 || file.day() == file.month()) return false;
  const absl::CivilDay swapped(file.year(), file.day(), file.month());
  return std::abs(swapped - utc_day(flow_ms)) <= 1;
}

// What the distance between the file's rows and the capture's flows points to.
std::string likely_fix(const TimeSpan& file, const TimeSpan& flows, std::uint64_t tolerance_ms) {
  const std::int64_t shift = flows.first_ms - file.first_ms;
  const std::string direction = shift > 0 ? " earlier than" : " later than";
  const std::int64_t apart = std::abs(shift);
  if (apart >= 20 * kHourMs) {
    if (day_and_month_swapped(file.first_ms, flows.first_ms)) {
      return "likely fix: the date order: read with day and month swapped, the file's first day " +
             absl::FormatCivilTime(utc_day(file.first_ms)) + " would be the capture's " +
             absl::FormatCivilTime(utc_day(flows.first_ms)) +
             " (read it in the other order: labels.format custom with its labels.time_format); then "
             "labels.time_zone, labels.time_tolerance";
    }
    return "likely fix: the dates: the file's rows begin " + std::to_string(apart / kDayMs) + " days" + direction +
           " the capture's flows (is it the file of this capture? its date order, labels.time_format); then "
           "labels.time_zone, labels.time_tolerance";
  }
  if (apart >= 30 * kMinuteMs || file.last_ms < flows.first_ms || flows.last_ms < file.first_ms) {
    return "likely fix: labels.time_zone: the file's rows begin " + length(apart) + direction +
           " the capture's flows (its times are read as local time of labels.time_zone); then the date order, "
           "labels.time_tolerance";
  }
  return "likely fix: labels.time_tolerance (now " + length(static_cast<std::int64_t>(tolerance_ms)) +
         "): the file's times are close to the capture's but miss its flows; then labels.time_zone, the date order";
}

}  // namespace

std::optional<std::string> LabelMatchStats::time_mismatch() const {
  const std::uint64_t flows = unmatched + matched();
  if (!by_time || flows == 0 || matched() * 2 >= flows || unmatched_by_time <= matched()) return std::nullopt;
  std::string text = std::to_string(matched()) + " of " + std::to_string(flows) +
                     " flows matched a row of the ground truth by 5-tuple and time, while " +
                     std::to_string(unmatched_by_time) + " have their 5-tuple in the file at other times";
  if (file_span && flow_span) {
    text += "; the file's rows span " + utc(file_span->first_ms) + " to " + utc(file_span->last_ms) +
            ", the capture's flows " + utc(flow_span->first_ms) + " to " + utc(flow_span->last_ms) + "; " +
            likely_fix(*file_span, *flow_span, time_tolerance_ms);
  }
  return text;
}

}  // namespace flowfeat
