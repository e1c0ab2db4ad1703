#include "format_stage.hpp"

#include <algorithm>

namespace flowfeat::pipeline_detail {

FormatStage::FormatStage(const OutputLayout& layout, std::span<const OutputFormat> formats) {
  for (const OutputFormat format : formats) {
    auto& formatter = formatters_[static_cast<std::size_t>(format)];
    if (!formatter) formatter = make_record_formatter(format, layout);
  }
}

void FormatStage::process(Slot& slot) const {
  for (std::size_t f = 0; f < kOutputFormatCount; ++f) {
    const RecordFormatter* formatter = formatters_[f].get();
    FormattedRows& rows = slot.rows[f];
    rows.ends.clear();
    if (formatter == nullptr) continue;
    const std::size_t most = formatter->max_record_bytes();
    std::size_t used = 0;
    for (const FeatureRecord& record : slot.records) {
      // Grown in large steps and kept with the slot, so a batch rarely allocates.
      if (rows.text.size() < used + most) rows.text.resize(std::max(2 * rows.text.size(), used + most));
      used = static_cast<std::size_t>(formatter->format(record, rows.text.data() + used) - rows.text.data());
      rows.ends.push_back(used);
    }
  }
}

}  // namespace flowfeat::pipeline_detail
