#include "ground_truth_layout.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <initializer_list>
#include <stdexcept>
#include <system_error>

#include "text_match.hpp"

namespace flowfeat::enrich_detail {
namespace {

// The position of the first of names in the header: an exact match first, then one ignoring case.
std::size_t find_column(const std::vector<std::string_view>& header, std::initializer_list<std::string_view> names) {
  for (const std::string_view name : names) {
    if (name.empty()) continue;
    const auto it = std::find(header.begin(), header.end(), name);
    if (it != header.end()) return static_cast<std::size_t>(it - header.begin());
  }
  for (const std::string_view name : names) {
    if (name.empty()) continue;
    const auto it = std::find_if(header.begin(), header.end(),
                                 [name](std::string_view h) { return equal_ignoring_case(h, name); });
    if (it != header.end()) return static_cast<std::size_t>(it - header.begin());
  }
  return kAbsent;
}

bool looks_like_address(std::string_view text) {
  char buffer[64];
  if (text.empty() || text.size() >= sizeof buffer) return false;
  text.copy(buffer, text.size());
  buffer[text.size()] = '\0';
  unsigned char bytes[16];
  return ::inet_pton(AF_INET, buffer, bytes) == 1 || ::inet_pton(AF_INET6, buffer, bytes) == 1;
}

GroundTruthError error_in(const std::string& file, const std::string& what) {
  return GroundTruthError("ground truth file '" + file + "' " + what);
}

LabelTimeReader time_reader(std::vector<std::string> formats, std::string_view zone, const std::string& file) {
  try {
    return LabelTimeReader(std::move(formats), zone);
  } catch (const std::invalid_argument& e) {
    throw error_in(file, std::string(": ") + e.what());
  }
}

// The five tuple columns must be there; names is what the file was searched for, by field.
void require(const RowLayout& layout, const std::string& file, const std::array<std::string, 5>& names,
             const std::string& where) {
  std::string missing;
  const std::size_t found[] = {layout.src_ip, layout.src_port, layout.dst_ip, layout.dst_port, layout.protocol};
  constexpr const char* kFields[] = {"src_ip", "src_port", "dst_ip", "dst_port", "protocol"};
  for (std::size_t i = 0; i < 5; ++i) {
    if (found[i] == kAbsent) missing += (missing.empty() ? "'" : ", '") + names[i] + "' (" + kFields[i] + ")";
  }
  if (!missing.empty()) throw error_in(file, "lacks required column " + missing + " " + where);
}

// Columns given by their 1-based numbers.
std::size_t column_number(std::string_view text, std::size_t fields, const char* key, const std::string& file) {
  if (text.empty()) return kAbsent;
  std::size_t number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || end != text.data() + text.size() || number == 0 || number > fields) {
    throw error_in(file, std::string("has no header row (labels.header: false), so labels.columns.") + key +
                             " must be a column number 1.." + std::to_string(fields) + ", not '" +
                             std::string(text) + "'");
  }
  return number - 1;
}

RowLayout custom_layout(const std::vector<std::string_view>& first, const GroundTruthOptions& options,
                        const std::string& file) {
  const GroundTruthColumns& c = options.columns;
  RowLayout layout;
  layout.fields = first.size();
  if (!options.header) {
    layout.description = "no header row, columns by number";
    layout.first_record_is_data = true;
    const auto number = [&](const std::string& text, const char* key) {
      return column_number(text, first.size(), key, file);
    };
    layout.src_ip = number(c.src_ip, "src_ip");
    layout.src_port = number(c.src_port, "src_port");
    layout.dst_ip = number(c.dst_ip, "dst_ip");
    layout.dst_port = number(c.dst_port, "dst_port");
    layout.protocol = number(c.protocol, "protocol");
    layout.label = number(c.label, "label");
    layout.attack_cat = number(c.attack_cat, "attack_cat");
    layout.start = number(c.start_time, "start_time");
    layout.end = number(c.end_time, "end_time");
    require(layout, file, {c.src_ip, c.src_port, c.dst_ip, c.dst_port, c.protocol}, "(labels.columns.*)");
  } else {
    layout.description = "header row";
    layout.src_ip = find_column(first, {c.src_ip});
    layout.src_port = find_column(first, {c.src_port});
    layout.dst_ip = find_column(first, {c.dst_ip});
    layout.dst_port = find_column(first, {c.dst_port});
    layout.protocol = find_column(first, {c.protocol});
    layout.label = find_column(first, {c.label});
    layout.attack_cat = find_column(first, {c.attack_cat});
    layout.start = find_column(first, {c.start_time});
    layout.end = find_column(first, {c.end_time});
    const auto data = std::find_if(first.begin(), first.end(), looks_like_address);
    if (data != first.end()) {
      throw error_in(file, "has no header row: its first row holds data (the address '" + std::string(*data) +
                               "'); set labels.format: unsw-nb15 for UNSW-NB15_1..4.csv, or labels.header: "
                               "false and give labels.columns.* as column numbers");
    }
    require(layout, file, {c.src_ip, c.src_port, c.dst_ip, c.dst_port, c.protocol}, "in its header row");
    const auto absent_time = [&](const std::string& name, std::size_t index) {
      if (!name.empty() && index == kAbsent) throw error_in(file, "lacks the time column '" + name + "' (labels.columns)");
    };
    absent_time(c.start_time, layout.start);
    absent_time(c.end_time, layout.end);
  }
  if (layout.start == kAbsent && layout.end != kAbsent) {
    throw error_in(file, ": labels.columns.end_time is given without a start_time");
  }
  if (layout.start != kAbsent) {
    layout.times = time_reader({options.time_format}, options.time_zone, file);
  }
  return layout;
}

// UNSW-NB15's published CSVs: no header row; the 49 features in the order of its feature list
// (NUSW-NB15_features.csv): srcip, sport, dstip, dsport, proto, state, dur, ... stime (29), ltime
// (30), ... attack_cat (48), Label (49). Its ground-truth table has a header row.
constexpr std::size_t kUnswColumns = 49;

RowLayout unsw_layout(const std::vector<std::string_view>& first, const GroundTruthOptions& options,
                      const std::string& file) {
  RowLayout layout;
  layout.fields = first.size();
  const std::size_t table_start = find_column(first, {"Start time"});
  if (table_start != kAbsent) {
    layout.description = "UNSW-NB15 ground-truth table (NUSW-NB15_GT.csv)";
    layout.start = table_start;
    layout.end = find_column(first, {"Last time"});
    layout.attack_cat = find_column(first, {"Attack category"});
    layout.protocol = find_column(first, {"Protocol"});
    layout.src_ip = find_column(first, {"Source IP"});
    layout.src_port = find_column(first, {"Source Port"});
    layout.dst_ip = find_column(first, {"Destination IP"});
    layout.dst_port = find_column(first, {"Destination Port"});
    layout.every_row_attack = true;
    require(layout, file, {"Source IP", "Source Port", "Destination IP", "Destination Port", "Protocol"},
            "of the UNSW-NB15 ground-truth table");
  } else {
    if (first.size() != kUnswColumns) {
      throw error_in(file, "is not a UNSW-NB15 CSV (labels.format: unsw-nb15): its first row has " +
                               std::to_string(first.size()) + " fields, not 49 (srcip, sport, ..., attack_cat, "
                               "Label), and no header of the ground-truth table (Start time, ...)");
    }
    layout.description = "UNSW-NB15 CSV (no header row, 49 columns)";
    layout.first_record_is_data = true;
    layout.src_ip = 0;
    layout.src_port = 1;
    layout.dst_ip = 2;
    layout.dst_port = 3;
    layout.protocol = 4;
    layout.start = 28;
    layout.end = 29;
    layout.attack_cat = 47;
    layout.label = 48;
  }
  // Unix seconds: no time zone to apply.
  layout.times = time_reader({"unix"}, options.time_zone, file);
  return layout;
}

// CICFlowMeter's CSVs. CIC-IDS2017 (TrafficLabelling): "Source IP", "Destination Port", ... with a
// Timestamp such as "03/07/2017 09:08:11" or "4/7/2017 1:05", day first (it was captured from
// Monday 3 to Friday 7 July 2017), on a 12-hour clock without AM/PM (the capture ran from about
// 8:55 to 17:05), in the lab's time (New Brunswick in July: UTC-3). CSE-CIC-IDS2018: "Src IP",
// "Dst Port", ... with "02/03/2018 08:47:38", day first, 24-hour clock, captured from Wednesday 14
// February to Friday 2 March 2018; the data set gives no time zone. Both give the flow's length as
// Flow Duration in µs and the verdict as a Label text.
RowLayout cic_layout(const std::vector<std::string_view>& first, const GroundTruthOptions& options,
                     const std::string& file) {
  RowLayout layout;
  layout.fields = first.size();
  layout.src_ip = find_column(first, {"Source IP", "Src IP"});
  layout.src_port = find_column(first, {"Source Port", "Src Port"});
  layout.dst_ip = find_column(first, {"Destination IP", "Dst IP"});
  layout.dst_port = find_column(first, {"Destination Port", "Dst Port"});
  layout.protocol = find_column(first, {"Protocol"});
  layout.start = find_column(first, {"Timestamp"});
  layout.duration_us = find_column(first, {"Flow Duration"});
  layout.label = find_column(first, {"Label"});
  const bool cic2018 = find_column(first, {"Dst Port"}) != kAbsent;
  if (layout.label == kAbsent || layout.dst_port == kAbsent) {
    throw error_in(file, "is not a CICFlowMeter CSV (labels.format: cic-ids): it has no Label and Destination "
                         "Port / Dst Port columns");
  }
  if (layout.src_ip == kAbsent || layout.dst_ip == kAbsent || layout.src_port == kAbsent) {
    throw error_in(file, "is a CICFlowMeter CSV without the source and destination addresses (as most "
                         "CSE-CIC-IDS2018 CSVs and CIC-IDS2017's MachineLearningCVE files are): its rows name only "
                         "a destination port and a time, which match no flow exactly; use the files with "
                         "addresses (CIC-IDS2017 TrafficLabelling, CSE-CIC-IDS2018 Thuesday-20-02-2018)");
  }
  require(layout, file, {"Source IP", "Source Port", "Destination IP", "Destination Port", "Protocol"},
          "of a CICFlowMeter CSV");
  if (layout.start == kAbsent) throw error_in(file, "is a CICFlowMeter CSV without its Timestamp column");
  if (cic2018) {
    layout.description = "CSE-CIC-IDS2018 CSV (CICFlowMeter)";
    layout.times = time_reader({"%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"}, options.time_zone, file);
    layout.capture_days = CaptureDays{.data_set = "CSE-CIC-IDS2018",
                                      .days = "Wednesday 14 February to Friday 2 March 2018",
                                      .first = absl::CivilDay(2018, 2, 14),
                                      .last = absl::CivilDay(2018, 3, 2)};
  } else {
    layout.description = "CIC-IDS2017 CSV (CICFlowMeter)";
    layout.times = time_reader({"%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"},
                               options.time_zone.empty() ? "UTC-3" : options.time_zone, file);
    layout.times->read_early_hours_as_afternoon();
    layout.capture_days = CaptureDays{.data_set = "CIC-IDS2017",
                                      .days = "Monday 3 to Friday 7 July 2017",
                                      .first = absl::CivilDay(2017, 7, 3),
                                      .last = absl::CivilDay(2017, 7, 7)};
  }
  return layout;
}

}  // namespace

RowLayout resolve_layout(const std::vector<std::string_view>& first, const GroundTruthOptions& options,
                         const std::string& file) {
  RowLayout layout;
  switch (options.format) {
    case GroundTruthFormat::kCustom:
      layout = custom_layout(first, options, file);
      break;
    case GroundTruthFormat::kUnswNb15:
      layout = unsw_layout(first, options, file);
      break;
    case GroundTruthFormat::kCicIds:
      layout = cic_layout(first, options, file);
      break;
  }
  if (layout.times) layout.description += ", times in " + layout.times->zone_name();
  return layout;
}

}  // namespace flowfeat::enrich_detail
