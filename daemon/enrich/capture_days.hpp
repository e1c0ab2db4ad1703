#pragma once

#include <absl/time/civil_time.h>

#include <string>

namespace flowfeat::enrich_detail {

// The days a public data set was captured on, as its description publishes them. A row of its
// preset dated on another day was most likely read wrong (day and month swapped) or is of another
// capture. Days are the dates as written in the file, in its time zone.
struct CaptureDays {
  std::string data_set;  // "CIC-IDS2017"
  std::string days;      // "Monday 3 to Friday 7 July 2017"
  absl::CivilDay first;
  absl::CivilDay last;

  bool contains(absl::CivilDay day) const noexcept { return first <= day && day <= last; }
};

}  // namespace flowfeat::enrich_detail
