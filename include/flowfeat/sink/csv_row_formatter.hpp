#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/sink/record_formatter.hpp"

namespace flowfeat {

// CSV rows of feature records (RFC 4180): the columns of OutputLayout::schema() in order, the
// header line Schema::csv_header(). Integers in decimal; floats in shortest round-trip form
// (std::to_chars); counts and flags held in doubles as integers; text quoted only when it holds a
// comma, quote, CR or LF; lines end with LF. Immutable after construction; safe to share between
// threads.
class CsvRowFormatter final : public RecordFormatter {
 public:
  // Throws std::invalid_argument as OutputLayout::schema() does.
  explicit CsvRowFormatter(const OutputLayout& layout);

  std::string_view file_header() const noexcept override { return header_; }
  std::size_t max_record_bytes() const noexcept override { return max_record_bytes_; }
  char* format(const FeatureRecord& record, char* out) const noexcept override;

 private:
  OutputLayout layout_;
  std::string header_;
  std::size_t max_record_bytes_ = 0;
};

}  // namespace flowfeat
