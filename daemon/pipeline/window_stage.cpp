#include "window_stage.hpp"

#include <algorithm>

namespace flowfeat::pipeline_detail {

WindowStage::WindowStage(const HostWindowOptions& options, bool fans, std::size_t shards, StageErrors& errors,
                         Metrics& metrics)
    : window_(options),
      fans_(fans),
      shards_(shards),
      errors_(errors),
      window_flows_(metrics.host_window_flows()),
      window_hosts_(metrics.host_window_hosts()),
      held_records_(metrics.host_window_held_records()),
      overflows_(metrics.host_window_overflows()) {}

void WindowStage::arrive(Slot* slot, std::vector<Slot*>& ready) {
  if (++slot->shards_done < shards_) return;
  complete_.emplace(slot->sequence, slot);
  for (auto it = complete_.begin(); it != complete_.end() && it->first == next_sequence_;
       it = complete_.erase(it), ++next_sequence_) {
    errors_.guard("window", [&] { process(*it->second); });
    ready.push_back(it->second);
  }
}

void WindowStage::process(Slot& slot) {
  starts_.clear();
  std::uint64_t active = 0;
  for (const ShardOutput& out : slot.shard_outputs) {
    starts_.insert(starts_.end(), out.starts.begin(), out.starts.end());
    active += out.active_flows;
  }
  active_flows_ = active;
  peak_active_flows_ = std::max(peak_active_flows_, active);
  if (!fans_) {
    pass_ends(slot);
    hand_on(slot);
    return;
  }
  // Each shard's starts are already in flow_id order; sorting the concatenation merges them.
  std::sort(starts_.begin(), starts_.end(),
            [](const FlowStart& a, const FlowStart& b) { return a.flow_id < b.flow_id; });
  for (const FlowStart& start : starts_) window_.add_start(start);
  for (ShardOutput& out : slot.shard_outputs) {
    for (const FlowRecord& record : out.ends) window_.add_end(record);
    // The window holds copies now. At the end of input this is a whole table's worth of records,
    // which would otherwise stay beside the window's copies and the queue's at the peak.
    out.release_burst();
  }
  const auto emit = [this](const FeatureRecord& record) { queue_.push_back({record.flow, record.fans}); };
  if (slot.end_of_input) {
    window_.finish(emit);
  } else {
    window_.advance(slot.watermark_ms, emit);
  }
  hand_on(slot);
  publish();
}

void WindowStage::pass_ends(Slot& slot) {
  ends_.clear();
  for (ShardOutput& out : slot.shard_outputs) {
    ends_.insert(ends_.end(), out.ends.begin(), out.ends.end());
    out.release_burst();  // copied: a burst of ends is not kept twice
  }
  // Each shard's ends are in its own order; flow_id (capture order) makes one order of them all.
  std::sort(ends_.begin(), ends_.end(), [](const FlowRecord& a, const FlowRecord& b) { return a.flow_id < b.flow_id; });
  for (const FlowRecord& record : ends_) queue_.push_back({record, FanMetrics{}});
  if (ends_.capacity() > kRecordsPerSlot) std::vector<FlowRecord>().swap(ends_);  // a burst's: give it back
}

// Only flow and fans are set; every other field of a record stays as a new record has it.
void WindowStage::hand_on(Slot& slot) {
  const std::size_t count = std::min(queue_.size(), kRecordsPerSlot);
  for (std::size_t i = 0; i < count; ++i) {
    FeatureRecord& record = slot.records.emplace_back();
    record.flow = queue_.front().flow;
    record.fans = queue_.front().fans;
    queue_.pop_front();
  }
  if (slot.end_of_input && queue_.empty()) slot.end_of_stream = true;
}

void WindowStage::publish() {
  const HostWindowStats& s = window_.stats();
  window_flows_.set(static_cast<double>(s.window_flows));
  window_hosts_.set(static_cast<double>(s.hosts));
  held_records_.set(static_cast<double>(s.held_records + queue_.size()));
  overflows_.increment(static_cast<double>(s.overflow_releases - published_overflows_));
  published_overflows_ = s.overflow_releases;
}

}  // namespace flowfeat::pipeline_detail
