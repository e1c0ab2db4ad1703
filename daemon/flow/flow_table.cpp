#include "flowfeat/flow/flow_table.hpp"

#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <vector>

#include "flowfeat/core/flow_key.hpp"
#include "flowfeat/flow/application_classifier.hpp"
#include "flowfeat/flow/welford_moments.hpp"

namespace flowfeat {
namespace {

constexpr std::uint32_t kNoSlot = std::numeric_limits<std::uint32_t>::max();

// Everything the table keeps about one open flow, and nothing it can work out when the flow ends:
// the endpoints, protocol, VLAN and tunnel are read back from the key, the bidirectional counters
// and last-seen time from the directional ones, and the record itself (summaries, application
// name) is only built in end().
struct FlowSlot {
  FlowKey key;
  std::uint64_t flow_id = 0;
  std::uint64_t first_seen_ms = 0;
  std::uint64_t src2dst_last_seen_ms = 0;
  std::uint64_t dst2src_last_seen_ms = 0;  // 0 until the destination's first packet
  std::uint64_t src2dst_packets = 0;
  std::uint64_t src2dst_bytes = 0;
  std::uint64_t dst2src_packets = 0;
  std::uint64_t dst2src_bytes = 0;
  WelfordMoments bidirectional_ps;
  WelfordMoments src2dst_ps;
  WelfordMoments dst2src_ps;
  WelfordMoments bidirectional_piat;
  WelfordMoments src2dst_piat;
  WelfordMoments dst2src_piat;
  ClassificationState classification;
  std::uint32_t older = kNoSlot;  // neighbours in the least-recently-seen list
  std::uint32_t newer = kNoSlot;
  std::uint8_t ip_version = 0;
  bool source_is_low = true;  // the first packet's sender is the key's low endpoint

  // Packet times never go backwards, so the later of the two directions' last packets is the flow's.
  std::uint64_t last_seen_ms() const noexcept { return std::max(src2dst_last_seen_ms, dst2src_last_seen_ms); }
  std::uint64_t packets() const noexcept { return src2dst_packets + dst2src_packets; }
  IpAddress src_ip() const noexcept { return source_is_low ? key.low_ip() : key.high_ip(); }
  IpAddress dst_ip() const noexcept { return source_is_low ? key.high_ip() : key.low_ip(); }
  std::uint16_t src_port() const noexcept { return source_is_low ? key.low_port() : key.high_port(); }
  std::uint16_t dst_port() const noexcept { return source_is_low ? key.high_port() : key.low_port(); }
};
static_assert(sizeof(FlowSlot) <= 272, "a million open flows should not cost more than 272 MB of slots");

MeanStddev summarize(const WelfordMoments& m, std::uint64_t count) noexcept { return {m.mean, m.stddev(count)}; }

// Slots in fixed-size chunks: growing never moves a slot, so a million-flow table grows without
// copying hundreds of megabytes, and memory is only taken as flows appear.
class SlotStore {
 public:
  FlowSlot& operator[](std::uint32_t id) noexcept { return chunks_[id >> kChunkBits][id & kChunkMask]; }
  const FlowSlot& operator[](std::uint32_t id) const noexcept { return chunks_[id >> kChunkBits][id & kChunkMask]; }
  std::uint32_t size() const noexcept { return size_; }

  std::uint32_t grow() {
    if ((size_ & kChunkMask) == 0) chunks_.push_back(std::make_unique<FlowSlot[]>(kChunkSlots));
    return size_++;
  }

 private:
  static constexpr std::uint32_t kChunkBits = 10;
  static constexpr std::uint32_t kChunkSlots = 1u << kChunkBits;
  static constexpr std::uint32_t kChunkMask = kChunkSlots - 1;
  std::vector<std::unique_ptr<FlowSlot[]>> chunks_;
  std::uint32_t size_ = 0;
};

// The index holds slot ids alone and reads keys from the slots, so each key is kept once: 4 bytes
// an entry instead of 56. Looked up by FlowKey, entries compared by the key of their slot.
class SlotKeyHash {
 public:
  using is_transparent = void;
  explicit SlotKeyHash(const SlotStore& slots) noexcept : slots_(&slots) {}
  std::size_t operator()(const FlowKey& key) const noexcept { return absl::Hash<FlowKey>{}(key); }
  std::size_t operator()(std::uint32_t id) const noexcept { return (*this)((*slots_)[id].key); }

 private:
  const SlotStore* slots_;
};

class SlotKeyEqual {
 public:
  using is_transparent = void;
  explicit SlotKeyEqual(const SlotStore& slots) noexcept : slots_(&slots) {}
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const noexcept { return key_of(a) == key_of(b); }

 private:
  const FlowKey& key_of(const FlowKey& key) const noexcept { return key; }
  const FlowKey& key_of(std::uint32_t id) const noexcept { return (*slots_)[id].key; }
  const SlotStore* slots_;
};

}  // namespace

class FlowTable::Impl {
 public:
  Impl(FlowTableOptions options, RecordHandler on_flow_end, StartHandler on_flow_start)
      : options_(options), on_flow_end_(std::move(on_flow_end)), on_flow_start_(std::move(on_flow_start)) {
    if (options_.dpi_enabled) classifier_.emplace(options_.dpi_packets);
  }

  ~Impl() {
    if (!classifier_) return;
    for (std::uint32_t id = 0; id < slots_.size(); ++id) classifier_->release(slots_[id].classification);
  }

  void add(const DecodedPacket& packet, const FlowKey& key) {
    ++stats_.packets;
    expire_idle(packet.time_ms);
    if (auto it = index_.find(key); it != index_.end()) {
      const std::uint32_t id = *it;
      FlowSlot& slot = slots_[id];
      const std::optional<ExpirationReason> expired = expiry_of(slot, packet.time_ms);
      if (!expired) {
        update(slot, packet);
        touch(id);
        return;
      }
      end(id, *expired);
    }
    create(key, packet);
  }

  void expire_idle(std::uint64_t now_ms) {
    while (oldest_ != kNoSlot && now_ms - slots_[oldest_].last_seen_ms() >= options_.idle_timeout_ms) {
      end(oldest_, ExpirationReason::kIdle);
    }
  }

  void flush() {
    while (oldest_ != kNoSlot) end(oldest_, ExpirationReason::kIdle);
  }

  std::uint64_t active_flows() const noexcept { return index_.size(); }
  const FlowTableStats& stats() const noexcept { return stats_; }

 private:
  // Idle is checked before active, on the packet that hits the flow.
  std::optional<ExpirationReason> expiry_of(const FlowSlot& slot, std::uint64_t time_ms) const noexcept {
    if (time_ms - slot.last_seen_ms() >= options_.idle_timeout_ms) return ExpirationReason::kIdle;
    if (time_ms - slot.first_seen_ms >= options_.active_timeout_ms) return ExpirationReason::kActive;
    return std::nullopt;
  }

  void create(const FlowKey& key, const DecodedPacket& packet) {
    if (index_.size() >= options_.max_flows && oldest_ != kNoSlot) end(oldest_, ExpirationReason::kEvicted);
    const std::uint32_t id = allocate_slot();
    FlowSlot& slot = slots_[id];
    slot = FlowSlot{};
    slot.key = key;
    slot.source_is_low = packet.src_ip == key.low_ip() && packet.src_port == key.low_port();
    slot.ip_version = packet.ip_version;
    slot.flow_id = packet.index;
    slot.first_seen_ms = packet.time_ms;
    slot.src2dst_packets = 1;
    slot.src2dst_bytes = packet.wire_length;
    slot.src2dst_last_seen_ms = packet.time_ms;
    const double size = packet.wire_length;
    slot.bidirectional_ps.add(size, 1);
    slot.src2dst_ps.add(size, 1);
    if (classifier_ && !classifier_->start(slot.classification, packet, packet.time_ms)) {
      ++stats_.dpi_allocation_failures;
      slot.classification.completed = true;
    }
    index_.insert(id);
    link_newest(id);
    ++stats_.flows_created;
    if (on_flow_start_) on_flow_start_(FlowStart{packet.index, packet.time_ms, packet.src_ip, packet.dst_ip});
    stats_.peak_active_flows = std::max<std::uint64_t>(stats_.peak_active_flows, index_.size());
  }

  void update(FlowSlot& slot, const DecodedPacket& packet) {
    const double size = packet.wire_length;
    const bool from_src = packet.src_port == slot.src_port() && packet.dst_port == slot.dst_port() &&
                          packet.src_ip == slot.src_ip() && packet.dst_ip == slot.dst_ip();

    const std::uint64_t bidirectional_piat = packet.time_ms - slot.last_seen_ms();
    const std::uint64_t packets = slot.packets() + 1;  // this one included
    if (classifier_) classifier_->update(slot.classification, packet, packet.time_ms, packets);
    slot.bidirectional_ps.add(size, packets);
    slot.bidirectional_piat.add(static_cast<double>(bidirectional_piat), packets - 1);

    if (from_src) {
      ++slot.src2dst_packets;
      const std::uint64_t piat = packet.time_ms - slot.src2dst_last_seen_ms;
      slot.src2dst_last_seen_ms = packet.time_ms;
      slot.src2dst_bytes += packet.wire_length;
      slot.src2dst_ps.add(size, slot.src2dst_packets);
      slot.src2dst_piat.add(static_cast<double>(piat), slot.src2dst_packets - 1);
    } else {
      ++slot.dst2src_packets;
      slot.dst2src_bytes += packet.wire_length;
      slot.dst2src_ps.add(size, slot.dst2src_packets);
      if (slot.dst2src_packets > 1) {
        slot.dst2src_piat.add(static_cast<double>(packet.time_ms - slot.dst2src_last_seen_ms), slot.dst2src_packets - 1);
      }
      slot.dst2src_last_seen_ms = packet.time_ms;
    }
  }

  void end(std::uint32_t id, ExpirationReason reason) {
    FlowSlot& slot = slots_[id];
    FlowRecord r{};
    r.flow_id = slot.flow_id;
    r.src_ip = slot.src_ip();
    r.dst_ip = slot.dst_ip();
    r.src_port = slot.src_port();
    r.dst_port = slot.dst_port();
    r.protocol = slot.key.protocol();
    r.ip_version = slot.ip_version;
    r.vlan_id = slot.key.vlan_id();
    r.tunnel = slot.key.tunnel();
    r.bidirectional_first_seen_ms = slot.first_seen_ms;
    r.bidirectional_last_seen_ms = slot.last_seen_ms();
    r.bidirectional_packets = slot.packets();
    r.bidirectional_bytes = slot.src2dst_bytes + slot.dst2src_bytes;
    r.src2dst_packets = slot.src2dst_packets;
    r.src2dst_bytes = slot.src2dst_bytes;
    r.dst2src_packets = slot.dst2src_packets;
    r.dst2src_bytes = slot.dst2src_bytes;
    r.expiration = reason;
    r.bidirectional_ps = summarize(slot.bidirectional_ps, r.bidirectional_packets);
    r.src2dst_ps = summarize(slot.src2dst_ps, r.src2dst_packets);
    r.dst2src_ps = summarize(slot.dst2src_ps, r.dst2src_packets);
    r.bidirectional_piat_ms = summarize(slot.bidirectional_piat, r.bidirectional_packets - 1);
    r.src2dst_piat_ms = summarize(slot.src2dst_piat, r.src2dst_packets - 1);
    r.dst2src_piat_ms =
        summarize(slot.dst2src_piat, r.dst2src_packets > 0 ? r.dst2src_packets - 1 : 0);
    if (classifier_) {
      classifier_->finish(slot.classification);
      classifier_->name(slot.classification, r.application_name.data(), r.application_name.size());
    }
    switch (reason) {
      case ExpirationReason::kIdle: ++stats_.flows_ended_idle; break;
      case ExpirationReason::kActive: ++stats_.flows_ended_active; break;
      case ExpirationReason::kEvicted: ++stats_.flows_evicted; break;
    }
    unlink(id);
    index_.erase(id);
    free_slots_.push_back(id);
    on_flow_end_(r);
  }

  std::uint32_t allocate_slot() {
    if (!free_slots_.empty()) {
      const std::uint32_t id = free_slots_.back();
      free_slots_.pop_back();
      return id;
    }
    return slots_.grow();
  }

  // The list is ordered by last-seen time because packet times never go backwards.
  void link_newest(std::uint32_t id) {
    FlowSlot& slot = slots_[id];
    slot.older = newest_;
    slot.newer = kNoSlot;
    if (newest_ != kNoSlot) slots_[newest_].newer = id;
    newest_ = id;
    if (oldest_ == kNoSlot) oldest_ = id;
  }

  void unlink(std::uint32_t id) {
    FlowSlot& slot = slots_[id];
    if (slot.older != kNoSlot) slots_[slot.older].newer = slot.newer; else oldest_ = slot.newer;
    if (slot.newer != kNoSlot) slots_[slot.newer].older = slot.older; else newest_ = slot.older;
    slot.older = slot.newer = kNoSlot;
  }

  void touch(std::uint32_t id) {
    if (id == newest_) return;
    unlink(id);
    link_newest(id);
  }

  FlowTableOptions options_;
  RecordHandler on_flow_end_;
  StartHandler on_flow_start_;
  std::optional<ApplicationClassifier> classifier_;
  SlotStore slots_;
  absl::flat_hash_set<std::uint32_t, SlotKeyHash, SlotKeyEqual> index_{0, SlotKeyHash(slots_), SlotKeyEqual(slots_)};
  std::vector<std::uint32_t> free_slots_;
  std::uint32_t oldest_ = kNoSlot;
  std::uint32_t newest_ = kNoSlot;
  FlowTableStats stats_;
};

FlowTable::FlowTable(FlowTableOptions options, RecordHandler on_flow_end, StartHandler on_flow_start)
    : impl_(std::make_unique<Impl>(options, std::move(on_flow_end), std::move(on_flow_start))) {}
FlowTable::~FlowTable() = default;
void FlowTable::add(const DecodedPacket& packet) { impl_->add(packet, FlowKey::of(packet)); }
void FlowTable::add(const DecodedPacket& packet, const FlowKey& key) { impl_->add(packet, key); }
void FlowTable::expire_idle(std::uint64_t now_ms) { impl_->expire_idle(now_ms); }
void FlowTable::flush() { impl_->flush(); }
std::uint64_t FlowTable::active_flows() const noexcept { return impl_->active_flows(); }
const FlowTableStats& FlowTable::stats() const noexcept { return impl_->stats(); }

}  // namespace flowfeat
