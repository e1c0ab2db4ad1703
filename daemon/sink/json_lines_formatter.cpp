#include "flowfeat/sink/json_lines_formatter.hpp"

#include "field_text.hpp"
#include "flowfeat/sink/schema.hpp"
#include "json_fields.hpp"
#include "record_fields.hpp"

namespace flowfeat {

JsonLinesFormatter::JsonLinesFormatter(const OutputLayout& layout) : layout_(layout) {
  const Schema schema = layout_.schema();
  keys_.reserve(schema.size());
  std::string name;
  for (const Column& column : schema.columns()) {
    name.resize(detail::json_text_bound(column.name.size()));
    name.resize(static_cast<std::size_t>(detail::put_json_text(name.data(), column.name) - name.data()));
    keys_.push_back((keys_.empty() ? "{" : ",") + name + ':');
    const std::size_t raw = detail::max_raw_value_chars(column);
    const std::size_t value = column.type == ColumnType::kString ? detail::json_text_bound(raw) : raw;
    max_record_bytes_ += keys_.back().size() + value;
  }
  max_record_bytes_ += 2;  // "}\n"
}

char* JsonLinesFormatter::format(const FeatureRecord& record, char* out) const noexcept {
  detail::JsonFields fields(out, keys_.data());
  detail::put_feature_fields(fields, record, detail::LayoutShape(layout_));
  return fields.end_line();
}

}  // namespace flowfeat
