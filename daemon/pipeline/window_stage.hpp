#pragma once

#include <cstddef>
#include <cstdint>
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
// go on at once, in flow_id order. Owned by one serial graph node; not thread-safe.
class WindowStage {
 public:
  WindowStage(const HostWindowOptions& options, bool fans, std::size_t shards, StageErrors& errors, Metrics& metrics);

  // One shard is done with slot. Appends to ready the slots that can go on, in sequence order, each
  // with the records the window released (none once an error was reported to errors).
  void arrive(Slot* slot, std::vector<Slot*>& ready);

  const HostWindowStats& stats() const noexcept { return window_.stats(); }
  std::uint64_t peak_active_flows() const noexcept { return peak_active_flows_; }
  std::uint64_t active_flows() const noexcept { return active_flows_; }  // after the last slot processed

 private:
  void process(Slot& slot);
  void publish();

  void pass_ends(Slot& slot);

  HostWindow window_;
  bool fans_;
  std::size_t shards_;
  StageErrors& errors_;
  std::map<std::uint64_t, Slot*> complete_;  // slots every shard is done with, waiting for earlier ones
  std::uint64_t next_sequence_ = 0;
  std::vector<FlowStart> starts_;
  std::uint64_t peak_active_flows_ = 0;
  std::uint64_t active_flows_ = 0;
  std::uint64_t published_overflows_ = 0;
  Gauge& window_flows_;
  Gauge& window_hosts_;
  Gauge& held_records_;
  Counter& overflows_;
};

}  // namespace flowfeat::pipeline_detail
