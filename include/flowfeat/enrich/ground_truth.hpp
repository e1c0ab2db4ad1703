#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/core/flow_record.hpp"

namespace flowfeat {

// Header names of the ground-truth columns. The five tuple columns are required; label and
// attack_cat are optional (an empty name means "do not look for it").
struct GroundTruthColumns {
  std::string src_ip = "srcip";
  std::string src_port = "sport";
  std::string dst_ip = "dstip";
  std::string dst_port = "dsport";
  std::string protocol = "proto";
  std::string label = "Label";
  std::string attack_cat = "attack_cat";
  // A label that is not a number is benign when it is one of these (exactly), an attack otherwise;
  // its text is then the attack category unless an attack_cat column gives one.
  std::vector<std::string> benign_values = {"BENIGN", "Benign", "normal", "0"};
};

// The file cannot be used at all: unreadable, no header, or a required column missing.
class GroundTruthError : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

// What loading found, for the startup log.
struct GroundTruthReport {
  std::uint64_t rows = 0;             // data rows (blank lines aside)
  std::uint64_t loaded = 0;           // rows kept
  std::uint64_t malformed = 0;        // rows skipped
  std::vector<std::string> problems;  // "path:line: reason" for the first kMaxProblems malformed rows
};

// The ground truth of FEATURES.md section 4: which 5-tuples are attacks. A flow matches a row when
// its (src_ip, src_port, dst_ip, dst_port, protocol) equals the row's tuple in either direction.
// Immutable after load; safe to share read-only between threads.
class GroundTruth {
 public:
  static constexpr std::size_t kMaxProblems = 20;

  // Reads a CSV with a header row (UNSW-NB15 style). Accepts RFC 4180 quoting, CRLF line ends, a
  // UTF-8 byte order mark and whitespace around fields; header names match exactly or else
  // case-insensitively. Addresses are IPv4 or IPv6; ports decimal or 0x-hex; protocols a number
  // 0-255 or a common name (tcp, udp, icmp, ipv6-icmp, gre, esp, ah, ospf, sctp, ...). A malformed
  // row is counted, described in report() and skipped. Throws GroundTruthError naming the file
  // when it cannot be read, has no header or lacks a required column.
  static GroundTruth load(const std::filesystem::path& path, const GroundTruthColumns& columns);

  ~GroundTruth();
  GroundTruth(GroundTruth&&) noexcept;
  GroundTruth& operator=(GroundTruth&&) noexcept;

  // label 1 when a matching row is an attack: every row when the file has no label column, else a
  // row whose label is a number other than 0 or a text not among the benign values (CICFlowMeter's
  // "DDoS", "Bot", ... against "BENIGN"). A tuple whose rows are all labelled 0 is benign, as is no match.
  // attack_category: the attack_cat of the first matching attack row, cut to 31 bytes (at a UTF-8
  // character boundary); empty when benign or without that column.
  LabelVerdict verdict(const FlowRecord& flow) const noexcept;

  bool has_label_column() const noexcept;
  // An attack_cat column, or attack labels given as text (which name the category).
  bool has_attack_cat() const noexcept;
  const GroundTruthReport& report() const noexcept;

  // Distinct attack tuples held (a tuple and its reverse count once); benign-only tuples are not
  // kept, since they label exactly like no match.
  std::size_t size() const noexcept;

 private:
  struct Table;
  explicit GroundTruth(std::unique_ptr<Table> table) noexcept;
  std::unique_ptr<Table> table_;
};

}  // namespace flowfeat
