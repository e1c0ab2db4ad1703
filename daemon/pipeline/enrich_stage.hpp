#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>

#include "flowfeat/enrich/ground_truth.hpp"
#include "flowfeat/enrich/label_match_stats.hpp"
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

  // How the records matched the ground truth so far, with the time spans of the file in use and
  // of the flows labelled.
  LabelMatchStats label_stats() const;

 private:
  std::atomic<std::shared_ptr<const GroundTruth>> truth_;
  const OneHotEncoder* encoder_;
  Counter& labeled_benign_;
  Counter& labeled_attack_;
  static constexpr std::int64_t kNoFlowYet = std::numeric_limits<std::int64_t>::max();
  static constexpr std::int64_t kNoFlowEnded = std::numeric_limits<std::int64_t>::min();
  mutable std::array<std::atomic<std::uint64_t>, 3> matches_{};  // by rows matched: none, one, several
  mutable std::atomic<std::uint64_t> unmatched_by_time_{0};
  mutable std::atomic<std::int64_t> first_ms_{kNoFlowYet};  // the first packet of the flows labelled
  mutable std::atomic<std::int64_t> last_ms_{kNoFlowEnded};  // and their last
};

}  // namespace flowfeat::pipeline_detail
