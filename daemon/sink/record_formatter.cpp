#include "flowfeat/sink/record_formatter.hpp"

#include "flowfeat/sink/csv_row_formatter.hpp"
#include "flowfeat/sink/json_lines_formatter.hpp"

namespace flowfeat {

std::string_view file_extension(OutputFormat format) noexcept {
  switch (format) {
    case OutputFormat::kCsv:
      return "csv";
    case OutputFormat::kJsonLines:
      return "jsonl";
  }
  return "out";
}

std::unique_ptr<RecordFormatter> make_record_formatter(OutputFormat format, const OutputLayout& layout) {
  if (format == OutputFormat::kJsonLines) {
    return std::make_unique<JsonLinesFormatter>(layout);
  }
  return std::make_unique<CsvRowFormatter>(layout);
}

}  // namespace flowfeat
