#pragma once

#include <cstddef>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capture_days.hpp"
#include "flowfeat/enrich/ground_truth.hpp"
#include "label_time.hpp"

namespace flowfeat::enrich_detail {

inline constexpr std::size_t kAbsent = std::numeric_limits<std::size_t>::max();

// Where the fields of a row are in one ground-truth file, and how its times read.
struct RowLayout {
  std::string description;             // "UNSW-NB15 CSV (no header row, 49 columns)", for the report
  bool first_record_is_data = false;   // the file has no header row
  std::size_t fields = 0;              // fields every row has
  std::size_t src_ip = kAbsent, src_port = kAbsent, dst_ip = kAbsent, dst_port = kAbsent, protocol = kAbsent;
  std::size_t label = kAbsent;
  std::size_t attack_cat = kAbsent;
  std::size_t start = kAbsent;          // times: start and end, or start and a duration in µs
  std::size_t end = kAbsent;
  std::size_t duration_us = kAbsent;
  bool every_row_attack = false;        // a table of attacks (UNSW-NB15's ground-truth table)
  std::optional<LabelTimeReader> times;  // when start is given
  std::optional<CaptureDays> capture_days;  // a preset's data set: when its rows were captured
};

// The layout of a file from its first record (its header row, or the first row of a file without
// one) and the options. Throws GroundTruthError saying what is missing or what the file looks like.
RowLayout resolve_layout(const std::vector<std::string_view>& first, const GroundTruthOptions& options,
                         const std::string& file);

}  // namespace flowfeat::enrich_detail
