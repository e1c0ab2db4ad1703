#include "standardize_stage.hpp"

#include <spdlog/spdlog.h>

#include <exception>
#include <span>
#include <utility>

namespace flowfeat::pipeline_detail {

StandardizeStage::StandardizeStage(std::optional<QuantileFlags> flags, std::optional<Standardizer> standardizer,
                                   std::vector<NumericField> fields, Persistence persistence, WallClock clock,
                                   Metrics& metrics)
    : flags_(std::move(flags)),
      standardizer_(std::move(standardizer)),
      fields_(std::move(fields)),
      raw_(fields_.size()),
      persistence_(std::move(persistence)),
      clock_(std::move(clock)),
      last_save_ms_(clock_()),
      samples_(metrics.standardizer_samples()) {}

void StandardizeStage::process(Slot& slot) {
  for (FeatureRecord& record : slot.records) {
    if (flags_) flags_->apply(record);
    if (!standardizer_) continue;
    for (std::size_t i = 0; i < fields_.size(); ++i) raw_[i] = fields_[i].read(record);
    standardizer_->transform(raw_, std::span<double>(record.standardized.data(), fields_.size()));
  }
  if (!standardizer_) return;
  samples_.set(static_cast<double>(standardizer_->samples()));
  if (slot.end_of_stream) {
    save();
  } else if (!persistence_.state_file.empty() && clock_() - last_save_ms_ >= persistence_.save_interval_ms) {
    // A failed periodic save is retried at the next interval; only the final save is fatal.
    try {
      save();
    } catch (const std::exception& e) {
      spdlog::warn("saving the standardizer state failed, retrying in {} s: {}", persistence_.save_interval_ms / 1000,
                   e.what());
    }
  }
}

void StandardizeStage::save() {
  if (!standardizer_ || persistence_.state_file.empty() || standardizer_->mode() == StandardizeMode::kFrozen) return;
  last_save_ms_ = clock_();
  StandardizerState state = standardizer_->state();
  if (flags_) state.quantiles = flags_->state();
  state.write(persistence_.state_file);
}

}  // namespace flowfeat::pipeline_detail
