#include "format_stage.hpp"

#include <algorithm>

namespace flowfeat::pipeline_detail {

void FormatStage::process(Slot& slot) const {
  slot.row_ends.clear();
  if (formatter_ == nullptr) return;
  const std::size_t most = formatter_->max_record_bytes();
  std::size_t used = 0;
  for (const FeatureRecord& record : slot.records) {
    // Grown in large steps and kept with the slot, so a batch rarely allocates.
    if (slot.text.size() < used + most) slot.text.resize(std::max(2 * slot.text.size(), used + most));
    used = static_cast<std::size_t>(formatter_->format(record, slot.text.data() + used) - slot.text.data());
    slot.row_ends.push_back(used);
  }
}

}  // namespace flowfeat::pipeline_detail
