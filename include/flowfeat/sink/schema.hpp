#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flowfeat/sink/column.hpp"

namespace flowfeat {

// The version of the record specification the columns follow (the Kafka schema_version header);
// raised when a column's meaning changes. Schema::fingerprint() tells the layouts of one version apart.
inline constexpr std::string_view kRecordSchemaVersion = "1";

// The ordered list of columns of an output record. Starts from the flow record's columns (groups
// 1-4); the stages that add fan metrics, labels, encodings, derived and standardized columns
// append theirs in that order. A plain value; build it at startup, then share it read-only.
class Schema {
 public:
  Schema() = default;
  explicit Schema(std::vector<Column> columns);

  // Groups 1-4 of FEATURES.md section 2, the columns of FlowRecord, in output order.
  static Schema flow_record();

  // Appends a column. Throws std::invalid_argument if the name is empty, already present, or
  // contains a character that would need quoting in a CSV header (',', '"', CR, LF).
  void append(Column column);

  std::span<const Column> columns() const noexcept { return columns_; }
  std::size_t size() const noexcept { return columns_.size(); }
  const Column& operator[](std::size_t index) const noexcept { return columns_[index]; }

  // Position of the named column, if present.
  std::optional<std::size_t> index_of(std::string_view name) const noexcept;

  // The column names joined with ',' (the CSV header line, without line terminator).
  std::string csv_header() const;

  // One line per column, "name  type  description", names and types padded to a common width so
  // the first two whitespace-separated fields are the name and the type (--print-schema).
  std::string to_text() const;

  // 16 hex digits that change whenever a column's name, type or position does: tells record
  // layouts apart (the Kafka schema header).
  std::string fingerprint() const;

  // A markdown table (position, name, type, group, description) for the documentation.
  std::string to_markdown() const;

  friend bool operator==(const Schema&, const Schema&) = default;

 private:
  std::vector<Column> columns_;
};

}  // namespace flowfeat
