#include "flowfeat/window/host_window.hpp"

#include <absl/container/flat_hash_map.h>
#include <absl/hash/hash.h>

#include <algorithm>
#include <cstddef>
#include <deque>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace flowfeat {
namespace {

// IpAddress carries no Abseil hash: core stays free of third-party headers.
struct IpAddressHash {
  std::size_t operator()(const IpAddress& a) const noexcept { return absl::HashOf(a.word(0), a.word(1), a.version); }
};

// A sender and a receiver of window flows.
struct HostPair {
  IpAddress src;
  IpAddress dst;
  friend bool operator==(const HostPair&, const HostPair&) = default;
};

struct HostPairHash {
  std::size_t operator()(const HostPair& p) const noexcept {
    return absl::HashOf(p.src.word(0), p.src.word(1), p.src.version, p.dst.word(0), p.dst.word(1), p.dst.version);
  }
};

// The distinct peers of one host among the admitted window flows: the fan values.
struct PeerCount {
  std::uint32_t out = 0;  // hosts it sent flows to
  std::uint32_t in = 0;   // hosts it received flows from
};

struct ReadyRecord {
  FlowRecord flow;
  FanMetrics fans;
};

}  // namespace

// Starts sit in a deque in flow_id order and are addressed by absolute index (base_ is the index of
// the front). Indices satisfy base_ <= center_ <= admitted_ <= end: starts before admitted_ are in the
// peer counts, starts before center_ have final fans, and the front is dropped once it falls out of
// the window of every start still to be finalized.
class HostWindow::Impl {
 public:
  explicit Impl(HostWindowOptions options) : options_(options) {
    if (options_.max_window_flows == 0 || options_.max_window_flows > std::numeric_limits<std::uint32_t>::max()) {
      throw std::invalid_argument("HostWindowOptions.max_window_flows must be between 1 and 4294967295, not " +
                                  std::to_string(options_.max_window_flows));
    }
  }

  void add_start(const FlowStart& start) {
    ++stats_.starts;
    if (starts_.size() >= options_.max_window_flows) drop_oldest();
    starts_.push_back(start);
    update_gauges();
  }

  void add_end(const FlowRecord& record) {
    ++stats_.records_in;
    if (const auto it = final_fans_.find(record.flow_id); it != final_fans_.end()) {
      ready_.push_back({record, it->second});
      final_fans_.erase(it);
    } else {
      held_.insert_or_assign(record.flow_id, record);
    }
    update_gauges();
  }

  void advance(std::uint64_t watermark_ms, const Emit& emit) {
    while (center_ < end_index() && beyond_half_span(at(center_).time_ms, watermark_ms)) finalize_center();
    // Starts out of reach of the next center (or, when none is known, of any start to come) leave now,
    // so a quiet stream does not keep its last window.
    const std::uint64_t next_center_ms = center_ < end_index() ? at(center_).time_ms : watermark_ms;
    retire_before(next_center_ms);
    emit_ready(emit);
    update_gauges();
  }

  void finish(const Emit& emit) {
    while (center_ < end_index()) finalize_center();
    base_ += starts_.size();
    admitted_ = center_ = base_;
    starts_.clear();
    pairs_.clear();
    hosts_.clear();
    for (const auto& [flow_id, record] : held_) ready_.push_back({record, FanMetrics{}});
    held_ = {};
    final_fans_ = {};  // flows that never ended
    emit_ready(emit);
    ready_ = {};  // a whole table's worth: give the memory back
    update_gauges();
  }

  const HostWindowStats& stats() const noexcept { return stats_; }

 private:
  // later - earlier > H, written so that neither side can wrap.
  bool beyond_half_span(std::uint64_t earlier_ms, std::uint64_t later_ms) const noexcept {
    return earlier_ms < later_ms && later_ms - earlier_ms > options_.half_span_ms;
  }

  std::size_t end_index() const noexcept { return base_ + starts_.size(); }
  const FlowStart& at(std::size_t index) const noexcept { return starts_[index - base_]; }

  void finalize_center() {
    const FlowStart center = at(center_);
    while (admitted_ < end_index() && !beyond_half_span(center.time_ms, at(admitted_).time_ms)) {
      admit(at(admitted_));
      ++admitted_;
    }
    retire_before(center.time_ms);

    FanMetrics fans;
    if (const auto it = hosts_.find(center.src_ip); it != hosts_.end()) {
      fans.fan_out_src = it->second.out;
      fans.fan_in_src = it->second.in;
    }
    if (const auto it = hosts_.find(center.dst_ip); it != hosts_.end()) {
      fans.fan_in_dst = it->second.in;
      fans.fan_out_dst = it->second.out;
    }
    ++center_;

    if (const auto it = held_.find(center.flow_id); it != held_.end()) {
      ready_.push_back({it->second, fans});
      held_.erase(it);
    } else {
      final_fans_.insert_or_assign(center.flow_id, fans);
    }
  }

  // Drops finalized starts older than time_ms - H from the front.
  void retire_before(std::uint64_t time_ms) {
    while (base_ < center_ && beyond_half_span(starts_.front().time_ms, time_ms)) pop_front();
  }

  // The window is full: the front leaves before its time, finalized first if it was not yet.
  void drop_oldest() {
    ++stats_.overflow_releases;
    if (center_ == base_) finalize_center();
    pop_front();
  }

  void pop_front() {
    retire(starts_.front());
    starts_.pop_front();
    ++base_;
  }

  // Flows are counted per (sender, receiver) pair; a host's fans change only when a pair appears
  // or disappears, so each host is one entry of counts, not a map of its peers.
  void admit(const FlowStart& start) {
    if (pairs_[HostPair{start.src_ip, start.dst_ip}]++ != 0) return;
    ++hosts_[start.src_ip].out;
    ++hosts_[start.dst_ip].in;
  }

  void retire(const FlowStart& start) {
    const auto pair = pairs_.find(HostPair{start.src_ip, start.dst_ip});
    if (--pair->second != 0) return;
    pairs_.erase(pair);
    // Two lookups, not one held reference: erasing the first host may move the second.
    const auto src = hosts_.find(start.src_ip);
    if (--src->second.out == 0 && src->second.in == 0) hosts_.erase(src);
    const auto dst = hosts_.find(start.dst_ip);
    if (--dst->second.in == 0 && dst->second.out == 0) hosts_.erase(dst);
  }

  void emit_ready(const Emit& emit) {
    std::sort(ready_.begin(), ready_.end(),
              [](const ReadyRecord& a, const ReadyRecord& b) { return a.flow.flow_id < b.flow.flow_id; });
    // Only flow and fans are ever written, so every other field of the scratch record stays zero.
    // Taken from the front, so a burst (a whole table ending at once) is not held twice while emit
    // copies it on.
    while (!ready_.empty()) {
      scratch_.flow = ready_.front().flow;
      scratch_.fans = ready_.front().fans;
      ready_.pop_front();
      emit(scratch_);
      ++stats_.records_out;
    }
  }

  void update_gauges() noexcept {
    stats_.window_flows = starts_.size();
    stats_.hosts = hosts_.size();
    stats_.held_records = held_.size() + ready_.size();
  }

  HostWindowOptions options_;
  HostWindowStats stats_;

  std::deque<FlowStart> starts_;
  std::size_t base_ = 0;
  std::size_t center_ = 0;
  std::size_t admitted_ = 0;
  // Window flows per (sender, receiver), below 2^32 as the starts held are (constructor).
  absl::flat_hash_map<HostPair, std::uint32_t, HostPairHash> pairs_;
  absl::flat_hash_map<IpAddress, PeerCount, IpAddressHash> hosts_;

  absl::flat_hash_map<std::uint64_t, FanMetrics> final_fans_;  // final, record still open
  absl::flat_hash_map<std::uint64_t, FlowRecord> held_;        // ended, fans not final yet
  std::deque<ReadyRecord> ready_;                              // both, waiting for the next emission
  FeatureRecord scratch_{};
};

HostWindow::HostWindow(HostWindowOptions options) : impl_(std::make_unique<Impl>(options)) {}
HostWindow::~HostWindow() = default;
HostWindow::HostWindow(HostWindow&&) noexcept = default;
HostWindow& HostWindow::operator=(HostWindow&&) noexcept = default;

void HostWindow::add_start(const FlowStart& start) { impl_->add_start(start); }
void HostWindow::add_end(const FlowRecord& record) { impl_->add_end(record); }
void HostWindow::advance(std::uint64_t watermark_ms, const Emit& emit) { impl_->advance(watermark_ms, emit); }
void HostWindow::finish(const Emit& emit) { impl_->finish(emit); }
const HostWindowStats& HostWindow::stats() const noexcept { return impl_->stats(); }

}  // namespace flowfeat
