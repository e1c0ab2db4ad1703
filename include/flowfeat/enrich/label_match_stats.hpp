#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "flowfeat/core/time_span.hpp"

namespace flowfeat {

// How the records of a run matched the rows of the ground truth.
struct LabelMatchStats {
  std::uint64_t unmatched = 0;  // no row of the flow's 5-tuple (and time)
  std::uint64_t one_row = 0;
  std::uint64_t several_rows = 0;  // two or more candidate rows: the earliest attack row labels it
  // Of the unmatched: the file has rows of the flow's 5-tuple, but none at the flow's time.
  std::uint64_t unmatched_by_time = 0;
  bool by_time = false;               // the file gives times
  std::optional<TimeSpan> file_span;  // the earliest start and the latest end of its rows
  std::optional<TimeSpan> flow_span;  // the first packet and the last of the flows labelled
  std::uint64_t time_tolerance_ms = 0;

  std::uint64_t matched() const noexcept { return one_row + several_rows; }

  // When matching by time labelled under half of the flows while more flows had their 5-tuple in
  // the file at other times than matched at all, what the numbers point to: the counts, both time
  // spans in UTC and the likely fix (labels.time_zone, the date order, labels.time_tolerance).
  // nullopt otherwise.
  std::optional<std::string> time_mismatch() const;
};

}  // namespace flowfeat
