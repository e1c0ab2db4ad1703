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
    return;
  }
  // Each shard's starts are already in flow_id order; sorting the concatenation merges them.
  std::sort(starts_.begin(), starts_.end(),
            [](const FlowStart& a, const FlowStart& b) { return a.flow_id < b.flow_id; });
  for (const FlowStart& start : starts_) window_.add_start(start);
  for (const ShardOutput& out : slot.shard_outputs) {
    for (const FlowRecord& record : out.ends) window_.add_end(record);
  }
  const auto emit = [&slot](const FeatureRecord& record) { slot.records.push_back(record); };
  if (slot.end_of_stream) {
    window_.finish(emit);
  } else {
    window_.advance(slot.watermark_ms, emit);
  }
  publish();
}

void WindowStage::pass_ends(Slot& slot) {
  const std::size_t first = slot.records.size();
  for (const ShardOutput& out : slot.shard_outputs) {
    for (const FlowRecord& record : out.ends) slot.records.emplace_back().flow = record;
  }
  // Each shard's ends are in its own order; flow_id (capture order) makes one order of them all.
  std::sort(slot.records.begin() + static_cast<std::ptrdiff_t>(first), slot.records.end(),
            [](const FeatureRecord& a, const FeatureRecord& b) { return a.flow.flow_id < b.flow.flow_id; });
}

void WindowStage::publish() {
  const HostWindowStats& s = window_.stats();
  window_flows_.set(static_cast<double>(s.window_flows));
  window_hosts_.set(static_cast<double>(s.hosts));
  held_records_.set(static_cast<double>(s.held_records));
  overflows_.increment(static_cast<double>(s.overflow_releases - published_overflows_));
  published_overflows_ = s.overflow_releases;
}

}  // namespace flowfeat::pipeline_detail
