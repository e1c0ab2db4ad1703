#include "enrich_stage.hpp"

#include "flowfeat/enrich/derived_features.hpp"

namespace flowfeat::pipeline_detail {

EnrichStage::EnrichStage(const GroundTruth* truth, const OneHotEncoder& encoder, Metrics& metrics)
    : truth_(truth),
      encoder_(encoder),
      labeled_benign_(metrics.records_labeled("0")),
      labeled_attack_(metrics.records_labeled("1")) {}

void EnrichStage::process(Slot& slot) const {
  std::uint64_t attacks = 0;
  for (FeatureRecord& record : slot.records) {
    if (truth_ != nullptr) {
      record.verdict = truth_->verdict(record.flow);
      attacks += record.verdict.label;
    }
    record.one_hot = encoder_.encode(record.flow);
    compute_derived(record);
  }
  if (truth_ != nullptr) {
    labeled_attack_.increment(static_cast<double>(attacks));
    labeled_benign_.increment(static_cast<double>(slot.records.size() - attacks));
  }
}

}  // namespace flowfeat::pipeline_detail
