#include "enrich_stage.hpp"

#include <utility>

#include "flowfeat/enrich/derived_features.hpp"

namespace flowfeat::pipeline_detail {

EnrichStage::EnrichStage(std::shared_ptr<const GroundTruth> truth, const OneHotEncoder* encoder, Metrics& metrics)
    : truth_(std::move(truth)),
      encoder_(encoder),
      labeled_benign_(metrics.records_labeled("0")),
      labeled_attack_(metrics.records_labeled("1")) {}

void EnrichStage::process(Slot& slot) const {
  const std::shared_ptr<const GroundTruth> truth = truth_.load(std::memory_order_acquire);
  std::uint64_t attacks = 0;
  std::array<std::uint64_t, 3> matches{};
  for (FeatureRecord& record : slot.records) {
    if (truth) {
      record.verdict = truth->verdict(record.flow);
      attacks += record.verdict.label;
      ++matches[record.verdict.matched_rows];
    }
    if (encoder_ != nullptr) {
      record.one_hot = encoder_->encode(record.flow);
      compute_derived(record);
    }
  }
  if (truth) {
    for (std::size_t i = 0; i < matches.size(); ++i) matches_[i].fetch_add(matches[i], std::memory_order_relaxed);
    labeled_attack_.increment(static_cast<double>(attacks));
    labeled_benign_.increment(static_cast<double>(slot.records.size() - attacks));
  }
}

std::array<std::uint64_t, 3> EnrichStage::matches() const noexcept {
  return {matches_[0].load(), matches_[1].load(), matches_[2].load()};
}

void EnrichStage::replace_truth(std::shared_ptr<const GroundTruth> truth) noexcept {
  truth_.store(std::move(truth), std::memory_order_release);
}

}  // namespace flowfeat::pipeline_detail
