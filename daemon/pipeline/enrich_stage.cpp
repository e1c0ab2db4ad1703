#include "enrich_stage.hpp"

#include <algorithm>
#include <utility>

#include "flowfeat/enrich/derived_features.hpp"

namespace flowfeat::pipeline_detail {
namespace {

// Stores value unless the atomic holds a lower one (slots of several threads meet here).
void lower_to(std::atomic<std::int64_t>& atomic, std::int64_t value) noexcept {
  std::int64_t seen = atomic.load(std::memory_order_relaxed);
  while (value < seen && !atomic.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

// Stores value unless the atomic holds a higher one.
void raise_to(std::atomic<std::int64_t>& atomic, std::int64_t value) noexcept {
  std::int64_t seen = atomic.load(std::memory_order_relaxed);
  while (value > seen && !atomic.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
  }
}

}  // namespace

EnrichStage::EnrichStage(std::shared_ptr<const GroundTruth> truth, const OneHotEncoder* encoder, Metrics& metrics)
    : truth_(std::move(truth)),
      encoder_(encoder),
      labeled_benign_(metrics.records_labeled("0")),
      labeled_attack_(metrics.records_labeled("1")) {}

void EnrichStage::process(Slot& slot) const {
  const std::shared_ptr<const GroundTruth> truth = truth_.load(std::memory_order_acquire);
  std::uint64_t attacks = 0;
  std::array<std::uint64_t, 3> matches{};
  std::uint64_t unmatched_by_time = 0;
  const bool timed = truth && truth->has_times();
  std::int64_t first_ms = kNoFlowYet;
  std::int64_t last_ms = kNoFlowEnded;
  for (FeatureRecord& record : slot.records) {
    if (truth) {
      record.verdict = truth->verdict(record.flow);
      attacks += record.verdict.label;
      ++matches[record.verdict.matched_rows];
      unmatched_by_time += record.verdict.matched_rows == 0 && timed && truth->has_tuple(record.flow);
      first_ms = std::min(first_ms, static_cast<std::int64_t>(record.flow.bidirectional_first_seen_ms));
      last_ms = std::max(last_ms, static_cast<std::int64_t>(record.flow.bidirectional_last_seen_ms));
    }
    if (encoder_ != nullptr) {
      record.one_hot = encoder_->encode(record.flow);
      compute_derived(record);
    }
  }
  if (truth) {
    for (std::size_t i = 0; i < matches.size(); ++i) matches_[i].fetch_add(matches[i], std::memory_order_relaxed);
    unmatched_by_time_.fetch_add(unmatched_by_time, std::memory_order_relaxed);
    lower_to(first_ms_, first_ms);
    raise_to(last_ms_, last_ms);
    labeled_attack_.increment(static_cast<double>(attacks));
    labeled_benign_.increment(static_cast<double>(slot.records.size() - attacks));
  }
}

LabelMatchStats EnrichStage::label_stats() const {
  LabelMatchStats stats;
  stats.unmatched = matches_[0].load();
  stats.one_row = matches_[1].load();
  stats.several_rows = matches_[2].load();
  stats.unmatched_by_time = unmatched_by_time_.load();
  if (const std::shared_ptr<const GroundTruth> truth = truth_.load(std::memory_order_acquire)) {
    stats.by_time = truth->has_times();
    stats.file_span = truth->time_span();
    stats.time_tolerance_ms = truth->time_tolerance_ms();
  }
  if (first_ms_.load() <= last_ms_.load()) stats.flow_span = TimeSpan{first_ms_.load(), last_ms_.load()};
  return stats;
}

void EnrichStage::replace_truth(std::shared_ptr<const GroundTruth> truth) noexcept {
  truth_.store(std::move(truth), std::memory_order_release);
}

}  // namespace flowfeat::pipeline_detail
