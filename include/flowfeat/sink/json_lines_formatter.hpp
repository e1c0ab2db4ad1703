#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/sink/output_layout.hpp"
#include "flowfeat/sink/record_formatter.hpp"

namespace flowfeat {

// JSON Lines (one object per line, RFC 8259) of feature records: the keys are the column names of
// OutputLayout::schema() in order; numbers as numbers (floats in shortest round-trip form, counts
// and flags held in doubles as integers, non-finite values as null), text as strings with quotes,
// backslash and control characters escaped. No file header. Immutable after construction; safe to
// share between threads.
class JsonLinesFormatter final : public RecordFormatter {
 public:
  // Throws std::invalid_argument as OutputLayout::schema() does.
  explicit JsonLinesFormatter(const OutputLayout& layout);

  std::string_view file_header() const noexcept override { return {}; }
  std::size_t max_record_bytes() const noexcept override { return max_record_bytes_; }
  char* format(const FeatureRecord& record, char* out) const noexcept override;

 private:
  OutputLayout layout_;
  std::vector<std::string> keys_;  // per column: '{' or ',', the quoted escaped name, ':'
  std::size_t max_record_bytes_ = 0;
};

}  // namespace flowfeat
