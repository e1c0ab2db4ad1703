#pragma once

#include <cstddef>
#include <cstdint>

#include "flowfeat/flow/flow_table.hpp"
#include "flowfeat/metrics/metrics.hpp"
#include "slot.hpp"

namespace flowfeat::pipeline_detail {

// One share of the flow table: the flows whose key hashes to this shard. Every shard sees every
// slot and keeps only its own packets, so a flow always meets the same table and no table needs a
// lock. At the end of each slot it expires the flows idle at the slot's watermark, which makes the
// set of flows ended in a slot the same whatever the number of shards (the output's determinism
// rests on it). Owned by one serial graph node; not thread-safe.
class FlowShard {
 public:
  FlowShard(std::size_t index, std::size_t count, const FlowTableOptions& options, Metrics& metrics);

  // Packets of the slot that belong here, then idle expiry at the watermark; or, for the end of the
  // stream, every flow. Writes slot.shard_outputs[index] only.
  void process(Slot& slot);

  static std::size_t shard_of(const FlowKey& key, std::size_t count) noexcept {
    return static_cast<std::size_t>(key.stable_hash() % count);
  }

  const FlowTableStats& stats() const noexcept { return table_.stats(); }

 private:
  void publish();

  std::size_t index_;
  std::size_t count_;
  ShardOutput* output_ = nullptr;  // the slot being processed
  FlowTable table_;
  FlowTableStats published_;
  std::uint64_t published_active_ = 0;
  Gauge& flows_active_;
  Counter& flows_created_;
  Counter& ended_idle_;
  Counter& ended_active_;
  Counter& ended_evicted_;
};

}  // namespace flowfeat::pipeline_detail
