#pragma once

#include <absl/time/civil_time.h>
#include <absl/time/time.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flowfeat::enrich_detail {

// A time read from a ground-truth row, in ms since the Unix epoch, and how coarse it is: a time
// written to the second stands for that whole second, to the minute for the whole minute.
struct LabelTime {
  std::int64_t ms = 0;
  std::int64_t resolution_ms = 0;
};

// Reads the times of one ground-truth file: "unix" (seconds, a fraction allowed), "unix_ms", or
// strptime patterns (the first that reads a value wins) read as local time of a time zone.
class LabelTimeReader {
 public:
  // zone: "UTC", a fixed offset ("UTC-3", "UTC+05:30", "+01:00") or an IANA name. Throws
  // std::invalid_argument naming what is wrong.
  LabelTimeReader(std::vector<std::string> formats, std::string_view zone);

  // CIC-IDS2017 writes afternoon hours on a 12-hour clock without AM/PM ("3:30" for 15:30); its
  // capture days ran from about 8:55 to 17:05, so an hour before 8 is read as the afternoon's.
  void read_early_hours_as_afternoon() { early_hours_are_afternoon_ = true; }

  std::optional<LabelTime> read(std::string_view text) const;

  // "UTC-03:00", "Europe/Paris": for the report.
  std::string zone_name() const { return zone_.name(); }

  // The date, in the time zone, of a time read.
  absl::CivilDay day_of(std::int64_t ms) const { return absl::ToCivilDay(absl::FromUnixMillis(ms), zone_); }

 private:
  std::vector<std::string> formats_;
  std::vector<std::int64_t> resolutions_ms_;  // of each pattern
  absl::TimeZone zone_;
  bool early_hours_are_afternoon_ = false;
};

// The time zone a name or offset denotes; nullopt when it denotes none.
std::optional<absl::TimeZone> parse_time_zone(std::string_view zone);

}  // namespace flowfeat::enrich_detail
