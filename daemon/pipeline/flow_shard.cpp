#include "flow_shard.hpp"

namespace flowfeat::pipeline_detail {

FlowShard::FlowShard(std::size_t index, std::size_t count, const FlowTableOptions& options, Metrics& metrics)
    : index_(index),
      count_(count),
      table_(
          options, [this](const FlowRecord& record) { output_->ends.push_back(record); },
          [this](const FlowStart& start) { output_->starts.push_back(start); }),
      flows_active_(metrics.flows_active()),
      flows_created_(metrics.flows_created()),
      ended_idle_(metrics.flows_ended("idle")),
      ended_active_(metrics.flows_ended("active")),
      ended_evicted_(metrics.flows_ended("evicted")) {}

void FlowShard::process(Slot& slot) {
  output_ = &slot.shard_outputs[index_];
  if (slot.end_of_input) {
    output_->ends.reserve(output_->ends.size() + table_.active_flows());  // one allocation, not a doubling series
    table_.flush();
  } else {
    for (const DecodedPacket& packet : slot.packets.packets()) {
      const FlowKey key = FlowKey::of(packet);
      if (count_ > 1 && shard_of(key, count_) != index_) continue;
      table_.add(packet, key);
    }
    table_.expire_idle(slot.watermark_ms);
  }
  output_->active_flows = table_.active_flows();
  output_ = nullptr;
  publish();
}

void FlowShard::publish() {
  const FlowTableStats& now = table_.stats();
  const auto delta = [](std::uint64_t current, std::uint64_t before) { return static_cast<double>(current - before); };
  flows_created_.increment(delta(now.flows_created, published_.flows_created));
  ended_idle_.increment(delta(now.flows_ended_idle, published_.flows_ended_idle));
  ended_active_.increment(delta(now.flows_ended_active, published_.flows_ended_active));
  ended_evicted_.increment(delta(now.flows_evicted, published_.flows_evicted));
  published_ = now;
  const std::uint64_t active = table_.active_flows();
  flows_active_.add(static_cast<double>(active) - static_cast<double>(published_active_));
  published_active_ = active;
}

}  // namespace flowfeat::pipeline_detail
