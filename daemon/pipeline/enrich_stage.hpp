#pragma once

#include "flowfeat/enrich/ground_truth.hpp"
#include "flowfeat/enrich/one_hot_encoder.hpp"
#include "flowfeat/metrics/metrics.hpp"
#include "slot.hpp"

namespace flowfeat::pipeline_detail {

// Adds what each record gets on its own, without state shared between records: the ground-truth
// verdict, the one-hot encodings and the derived features that need no quantile. Runs on many slots
// at once; read-only after construction, so safe for concurrent use.
class EnrichStage {
 public:
  // truth may be null (no ground truth configured); it must outlive the stage.
  EnrichStage(const GroundTruth* truth, const OneHotEncoder& encoder, Metrics& metrics);

  void process(Slot& slot) const;

 private:
  const GroundTruth* truth_;
  const OneHotEncoder& encoder_;
  Counter& labeled_benign_;
  Counter& labeled_attack_;
};

}  // namespace flowfeat::pipeline_detail
