#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "flowfeat/core/decoded_packet.hpp"
#include "flowfeat/core/flow_key.hpp"
#include "flowfeat/core/flow_record.hpp"

namespace flowfeat {

struct FlowTableOptions {
  std::uint64_t idle_timeout_ms = 60'000;
  std::uint64_t active_timeout_ms = 120'000;
  std::uint64_t max_flows = 1'000'000;
  bool dpi_enabled = true;
  std::uint32_t dpi_packets = 20;
};

struct FlowTableStats {
  std::uint64_t packets = 0;
  std::uint64_t flows_created = 0;
  std::uint64_t flows_ended_idle = 0;    // idle timeout, and flows still open at end of input
  std::uint64_t flows_ended_active = 0;
  std::uint64_t flows_evicted = 0;       // ended early because the table was full
  std::uint64_t peak_active_flows = 0;   // most flows open at once
  std::uint64_t dpi_allocation_failures = 0;
};

// Tracks flows: key lookup, direction, idle/active expiry, per-scope statistics and application
// detection, with the reference's exact semantics (docs/FIDELITY.md). Ended flows are handed to the
// record handler in a deterministic order for a given packet sequence. Memory is bounded by
// max_flows; when full, the least recently seen flow is ended (kEvicted).
// Owned by one thread (one flow shard); not thread-safe.
class FlowTable {
 public:
  using RecordHandler = std::function<void(const FlowRecord&)>;
  using StartHandler = std::function<void(const FlowStart&)>;

  // on_flow_start, when given, hears of every flow at its creation (before any of its ends).
  FlowTable(FlowTableOptions options, RecordHandler on_flow_end, StartHandler on_flow_start = {});
  ~FlowTable();
  FlowTable(const FlowTable&) = delete;
  FlowTable& operator=(const FlowTable&) = delete;

  // Accounts one decoded packet. packet.time_ms must already be clamped (StreamClock): never lower
  // than the previous packet's.
  void add(const DecodedPacket& packet);

  // Same, with the packet's key already computed (FlowKey::of(packet)).
  void add(const DecodedPacket& packet, const FlowKey& key);

  // Ends every flow idle for at least the idle timeout at now_ms (packet or wall-clock time).
  void expire_idle(std::uint64_t now_ms);

  // Ends every flow (end of input or shutdown), in least-recently-seen order.
  void flush();

  std::uint64_t active_flows() const noexcept;
  const FlowTableStats& stats() const noexcept;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowfeat
