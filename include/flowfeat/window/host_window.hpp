#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/core/flow_record.hpp"

namespace flowfeat {

struct HostWindowOptions {
  std::uint64_t half_span_ms = 5000;           // H: the window of a flow starting at t is [t - H, t + H]
  std::uint64_t max_window_flows = 4'000'000;  // bound on starts held; 1 to 2^32 - 1
};

// Plain counters and gauges, read by the owner thread.
struct HostWindowStats {
  std::uint64_t starts = 0;
  std::uint64_t records_in = 0;
  std::uint64_t records_out = 0;
  std::uint64_t window_flows = 0;       // starts currently held
  std::uint64_t hosts = 0;              // distinct hosts currently in the per-host peer maps
  std::uint64_t held_records = 0;       // ended records not emitted yet (fans not final, or final since the
                                        // last advance)
  std::uint64_t overflow_releases = 0;  // starts dropped early because max_window_flows was reached
};

// Fan-in / fan-out of FEATURES.md section 3, exact, in O(1) amortized time per flow: a sliding window
// over flow starts (ordered by flow_id, which is also time order) with per-host distinct-peer counts.
// A flow's fans are final once the stream's watermark has passed its start + H; ended records wait
// until then and are emitted in flow_id order.
// Owned by one thread (the pipeline's serial window stage); not thread-safe.
class HostWindow {
 public:
  using Emit = std::function<void(const FeatureRecord&)>;

  // Throws std::invalid_argument when max_window_flows is out of range.
  explicit HostWindow(HostWindowOptions options);
  ~HostWindow();
  HostWindow(HostWindow&&) noexcept;
  HostWindow& operator=(HostWindow&&) noexcept;
  HostWindow(const HostWindow&) = delete;
  HostWindow& operator=(const HostWindow&) = delete;

  // flow_id strictly increasing and time_ms non-decreasing over calls. When max_window_flows starts
  // are already held, the oldest leaves first: its fans (if not final) are finalized with what is
  // known, and flows whose window it belonged to miss it. Counted in overflow_releases.
  void add_start(const FlowStart& start);

  // The record's start (same flow_id) was added before. Records ending with final fans are emitted by
  // the next advance() or finish().
  void add_end(const FlowRecord& record);

  // Promise from the caller: every start added later has time_ms >= watermark_ms. Finalizes the fans
  // of every start with time_ms + H < watermark_ms and emits every record that has ended and whose fans
  // are final, in increasing flow_id order (FeatureRecord: flow copied, fans set, rest zero).
  // emit must not call back into this window.
  void advance(std::uint64_t watermark_ms, const Emit& emit);

  // End of stream, after the last add_end: finalizes every fan and emits every record left, in flow_id
  // order. A record whose start was never added is emitted with zero fans. The window is empty after.
  void finish(const Emit& emit);

  const HostWindowStats& stats() const noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowfeat
