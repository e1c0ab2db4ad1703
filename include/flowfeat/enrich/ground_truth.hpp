#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/core/flow_record.hpp"
#include "flowfeat/core/time_span.hpp"

namespace flowfeat {

// Header names of the ground-truth columns (or, in a file without a header row, 1-based column
// numbers). The five tuple columns are required; label, attack_cat and the times are optional (an
// empty name means "do not look for it").
struct GroundTruthColumns {
  std::string src_ip = "srcip";
  std::string src_port = "sport";
  std::string dst_ip = "dstip";
  std::string dst_port = "dsport";
  std::string protocol = "proto";
  std::string label = "Label";
  std::string attack_cat = "attack_cat";
  std::string start_time;  // when the row's traffic started; with it, matching is by time too
  std::string end_time;    // when it ended; empty with a start_time: the interval is that instant
  // A label that is not a number is benign when it is one of these (exactly), an attack otherwise;
  // its text is then the attack category unless an attack_cat column gives one.
  std::vector<std::string> benign_values = {"BENIGN", "Benign", "normal", "0"};
};

// The layouts of the public data sets' ground truth, or the columns given.
enum class GroundTruthFormat : std::uint8_t {
  kCustom,    // GroundTruthColumns, with or without a header row
  kUnswNb15,  // UNSW-NB15_1..4.csv (no header, 49 columns) or its table NUSW-NB15_GT.csv
  kCicIds,    // CICFlowMeter CSVs of CIC-IDS2017 and CSE-CIC-IDS2018
};

// How to read a ground-truth file.
struct GroundTruthOptions {
  GroundTruthFormat format = GroundTruthFormat::kCustom;
  bool header = true;  // kCustom: false = the columns are 1-based numbers
  GroundTruthColumns columns;  // kCustom; the presets use their own, and columns.benign_values
  std::string time_format = "unix";  // kCustom: unix, unix_ms or a strptime pattern
  std::string time_zone;             // of local times; empty: the format's own (kCicIds: its lab's), else UTC
  std::uint64_t time_tolerance_ms = 5'000;  // slack on each side of a row's interval
};

// The file cannot be used at all: unreadable, no header, or a required column missing.
class GroundTruthError : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

// What loading found, for the startup log.
struct GroundTruthReport {
  std::uint64_t rows = 0;              // data rows (blank lines aside)
  std::uint64_t loaded = 0;            // rows kept
  std::uint64_t malformed = 0;         // rows skipped as unreadable
  std::uint64_t unknown_protocol = 0;  // rows skipped: a protocol name flowfeat does not know
  std::vector<std::string> problems;   // "path:line: reason" for the first kMaxProblems skipped rows
  std::vector<std::string> notes;      // what the reader made of the file ("CIC-IDS2017 layout, times in UTC-3")
  // What looks wrong with the file as a whole: rows dated outside the days its data set was captured on.
  std::vector<std::string> warnings;
};

// The ground truth of FEATURES.md section 4: which 5-tuples are attacks. A flow matches a row when
// its (src_ip, src_port, dst_ip, dst_port, protocol) equals the row's tuple in either direction and,
// when the file gives times, the row's interval widened by the time tolerance overlaps the flow's
// first to last packet. Immutable after load; safe to share read-only between threads.
class GroundTruth {
 public:
  static constexpr std::size_t kMaxProblems = 20;

  // Reads a CSV (RFC 4180 quoting, CRLF line ends, a UTF-8 byte order mark and whitespace around
  // fields accepted) laid out as options say. Header names match exactly or else case-insensitively.
  // Addresses are IPv4 or IPv6; ports decimal or 0x-hex ("-" is 0, as UNSW-NB15 writes it for
  // protocols without ports); protocols a number 0-255 or an IANA keyword (tcp, udp, icmp, ...).
  // A row that cannot be read is counted, described in report() and skipped. Throws
  // GroundTruthError naming the file when it cannot be read, lacks a required column, or most of
  // its rows cannot be read (saying what they hold instead).
  static GroundTruth load(const std::filesystem::path& path, const GroundTruthOptions& options);

  // A file with a header row and these columns (GroundTruthFormat::kCustom).
  static GroundTruth load(const std::filesystem::path& path, const GroundTruthColumns& columns);

  ~GroundTruth();
  GroundTruth(GroundTruth&&) noexcept;
  GroundTruth& operator=(GroundTruth&&) noexcept;

  // label 1 when a matching row is an attack: every row when the file has no label column, else a
  // row whose label is a number other than 0 or a text not among the benign values (CICFlowMeter's
  // "DDoS", "Bot", ... against "BENIGN"). A tuple whose rows are all labelled 0 is benign, as is no match.
  // attack_category: the attack_cat of the first matching attack row (the earliest, with times), cut
  // to 31 bytes (at a UTF-8 character boundary); empty when benign or without that column.
  // matched_rows: how many rows matched, 2 standing for two or more.
  LabelVerdict verdict(const FlowRecord& flow) const noexcept;

  // The file has rows of the flow's 5-tuple (in either direction), whatever their times.
  bool has_tuple(const FlowRecord& flow) const noexcept;

  // The rows have times: matching is by 5-tuple and time.
  bool has_times() const noexcept;

  // The earliest start and the latest end of the rows' intervals; nullopt without times or rows.
  std::optional<TimeSpan> time_span() const noexcept;

  // The slack on each side of a row's interval when matching by time.
  std::uint64_t time_tolerance_ms() const noexcept;

  bool has_label_column() const noexcept;
  // An attack_cat column, or attack labels given as text (which name the category).
  bool has_attack_cat() const noexcept;
  const GroundTruthReport& report() const noexcept;

  // Distinct tuples held (a tuple and its reverse count once).
  std::size_t size() const noexcept;

 private:
  struct Table;
  explicit GroundTruth(std::unique_ptr<Table> table) noexcept;
  std::unique_ptr<Table> table_;
};

}  // namespace flowfeat
