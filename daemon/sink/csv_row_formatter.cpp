#include "flowfeat/sink/csv_row_formatter.hpp"

#include "csv_fields.hpp"
#include "field_text.hpp"
#include "flowfeat/sink/schema.hpp"
#include "record_fields.hpp"

namespace flowfeat {

CsvRowFormatter::CsvRowFormatter(const OutputLayout& layout) : layout_(layout) {
  const Schema schema = layout_.schema();
  header_ = schema.csv_header() + '\n';
  for (const Column& column : schema.columns()) {
    const std::size_t raw = detail::max_raw_value_chars(column);
    max_record_bytes_ += (column.type == ColumnType::kString ? detail::csv_text_bound(raw) : raw) + 1;  // and ','
  }
}

char* CsvRowFormatter::format(const FeatureRecord& record, char* out) const noexcept {
  detail::CsvFields fields(out);
  detail::put_feature_fields(fields, record, detail::LayoutShape(layout_));
  return fields.end_line();
}

}  // namespace flowfeat
