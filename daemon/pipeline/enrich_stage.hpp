#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>

#include "flowfeat/enrich/ground_truth.hpp"
#include "flowfeat/enrich/one_hot_encoder.hpp"
#include "flowfeat/metrics/metrics.hpp"
#include "slot.hpp"

namespace flowfeat::pipeline_detail {

// Adds what each record gets on its own, without state shared between records: the ground-truth
// verdict, the one-hot encodings and the derived features that need no quantile. Runs on many slots
// at once; safe for concurrent use. The ground truth can be replaced while it runs (SIGHUP): a slot
// takes the one current when it starts, so all its records are labelled by the same file.
class EnrichStage {
 public:
  // truth may be null (no ground truth configured); encoder null when the records carry no
  // encodings and derived features (output.columns: flow).
  EnrichStage(std::shared_ptr<const GroundTruth> truth, const OneHotEncoder* encoder, Metrics& metrics);

  void process(Slot& slot) const;

  // Slots started from now on use truth (not null).
  void replace_truth(std::shared_ptr<const GroundTruth> truth) noexcept;

  // Records by the number of ground-truth rows they matched: none, one, several.
  std::array<std::uint64_t, 3> matches() const noexcept;

 private:
  std::atomic<std::shared_ptr<const GroundTruth>> truth_;
  const OneHotEncoder* encoder_;
  Counter& labeled_benign_;
  Counter& labeled_attack_;
  mutable std::array<std::atomic<std::uint64_t>, 3> matches_{};
};

}  // namespace flowfeat::pipeline_detail
