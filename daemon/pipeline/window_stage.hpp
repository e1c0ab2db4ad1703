#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <vector>

#include "flowfeat/metrics/metrics.hpp"
#include "flowfeat/window/host_window.hpp"
#include "slot.hpp"
#include "stage_errors.hpp"

namespace flowfeat::pipeline_detail {

// Joins the shards' outputs of each slot and feeds the host window in capture order: a slot is
// processed once every shard is done with it and every earlier slot has been. Flow starts are
// merged by flow_id (capture order), so the window sees the same sequence whatever the number of
// shards. Without fan metrics (output.columns: flow) the window is skipped: the flows that ended
// go on at once, in flow_id order.
//
// Released records wait in a queue and leave at most kRecordsPerSlot with each slot, in release
// order, so a burst (a table full of flows ending at the end of input, or all at once after a
// jump in time) never makes one slot carry a whole table's records, rows and text at once: the
// end of input is then followed by further end slots until the queue is empty, the last of them
// marked end_of_stream. Owned by one serial graph node; not thread-safe.
class WindowStage {
 public:
  // As many as a slot has packets: more flows cannot end per slot for long, so only bursts wait.
  static constexpr std::size_t kRecordsPerSlot = PacketBatch::kCapacity;

  WindowStage(const HostWindowOptions& options, bool fans, std::size_t shards, StageErrors& errors, Metrics& metrics);

  // One shard is done with slot. Appends to ready the slots that can go on, in sequence order, each
  // with the records the window released (none once an error was reported to errors).
  void arrive(Slot* slot, std::vector<Slot*>& ready);

  const HostWindowStats& stats() const noexcept { return window_.stats(); }
  std::uint64_t peak_active_flows() const noexcept { return peak_active_flows_; }
  std::uint64_t active_flows() const noexcept { return active_flows_; }  // after the last slot processed
  // Records released and not yet handed on with a slot.
  std::size_t queued_records() const noexcept { return queue_.size(); }

 private:
  void process(Slot& slot);
  void publish();

  void pass_ends(Slot& slot);
  void hand_on(Slot& slot);

  struct Released {
    FlowRecord flow;
    FanMetrics fans;
  };

  HostWindow window_;
  bool fans_;
  std::size_t shards_;
  StageErrors& errors_;
  std::map<std::uint64_t, Slot*> complete_;  // slots every shard is done with, waiting for earlier ones
  std::uint64_t next_sequence_ = 0;
  std::vector<FlowStart> starts_;
  std::vector<FlowRecord> ends_;  // pass_ends scratch
  std::deque<Released> queue_;
  std::uint64_t peak_active_flows_ = 0;
  std::uint64_t active_flows_ = 0;
  std::uint64_t published_overflows_ = 0;
  Gauge& window_flows_;
  Gauge& window_hosts_;
  Gauge& held_records_;
  Counter& overflows_;
};

}  // namespace flowfeat::pipeline_detail
