#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/sink/output_layout.hpp"

namespace flowfeat {

enum class OutputFormat : std::uint8_t { kCsv, kJsonLines };
inline constexpr std::size_t kOutputFormatCount = 2;

// "csv" or "jsonl": the file name extension of the format.
std::string_view file_extension(OutputFormat format) noexcept;

// Turns feature records into the lines of one output format, written into a caller buffer so a
// record costs no allocation. Built once from an OutputLayout; const and stateless afterwards, so
// one formatter may serve several threads.
class RecordFormatter {
 public:
  virtual ~RecordFormatter() = default;

  // Text every output file starts with, line end included (the CSV header); may be empty.
  virtual std::string_view file_header() const noexcept = 0;

  // Upper bound of one formatted record, line end included.
  virtual std::size_t max_record_bytes() const noexcept = 0;

  // Writes one record, ending with LF, at out (room for max_record_bytes()); returns its end.
  virtual char* format(const FeatureRecord& record, char* out) const noexcept = 0;
};

// The formatter of the format for the layout. Throws std::invalid_argument as
// OutputLayout::schema() does.
std::unique_ptr<RecordFormatter> make_record_formatter(OutputFormat format, const OutputLayout& layout);

}  // namespace flowfeat
