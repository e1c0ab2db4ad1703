#include "flowfeat/pipeline/offline_replay.hpp"

#include <tbb/concurrent_queue.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>
#include <numeric>
#include <vector>

#include "flowfeat/core/packet_batch.hpp"
#include "flowfeat/core/stream_clock.hpp"

namespace flowfeat {
namespace {

// Batches in flight between the capture stage and the flow stage; bounds memory and gives
// backpressure: the reader waits when the flow stage falls behind.
constexpr std::size_t kBatchesInFlight = 4;
constexpr std::uint64_t kProgressEvery = 1u << 16;

}  // namespace

std::uint64_t ReplaySummary::packets_ignored_total() const noexcept {
  return std::accumulate(packets_ignored.begin(), packets_ignored.end(), std::uint64_t{0});
}

DecoderOptions decoder_options(const FlowConfig& flows) {
  return {.decode_tunnels = flows.decode_tunnels,
          .reference_quirks = flows.reference_quirks ? std::uint8_t{kAllReferenceQuirks} : std::uint8_t{0}};
}

FlowTableOptions flow_table_options(const FlowConfig& flows) {
  return {.idle_timeout_ms = flows.idle_timeout_ms,
          .active_timeout_ms = flows.active_timeout_ms,
          .max_flows = flows.max_flows,
          .dpi_enabled = flows.dpi_enabled,
          .dpi_packets = flows.dpi_packets};
}

ReplaySummary replay(const Config& config, PacketSource& source, const FlowTable::RecordHandler& on_flow_end,
                     const ReplayProgress& progress) {
  return replay(config, decoder_options(config.flows), source, on_flow_end, progress);
}

// Two stages on two threads: the calling thread reads and decodes into batches, a flow thread
// runs the flow table. Batches go round between them through two bounded queues (filled, free),
// so memory is fixed and the reader waits when the flow thread falls behind. Packet order, and so
// the record order, is the capture's whatever the scheduling. Both threads block rather than spin
// when they wait: on a small machine a spinning worker takes the reader's core.
ReplaySummary replay(const Config& config, const DecoderOptions& decoder_options, PacketSource& source,
                     const FlowTable::RecordHandler& on_flow_end, const ReplayProgress& progress) {
  const auto started = std::chrono::steady_clock::now();
  const Decoder decoder(decoder_options);
  FlowTable table(flow_table_options(config.flows), on_flow_end);
  const bool keep_bytes = config.flows.dpi_enabled;
  StreamClock clock;
  ReplaySummary summary;

  std::vector<PacketBatch> batches(kBatchesInFlight);
  tbb::concurrent_bounded_queue<PacketBatch*> free_batches;
  tbb::concurrent_bounded_queue<PacketBatch*> filled_batches;  // nullptr marks the end of input
  for (PacketBatch& batch : batches) free_batches.push(&batch);
  std::atomic<std::uint64_t> active_flows_seen{0};  // for progress only
  std::atomic<bool> flow_thread_failed{false};
  std::exception_ptr flow_error;

  std::thread flow_thread([&] {
    PacketBatch* batch = nullptr;
    for (filled_batches.pop(batch); batch != nullptr; filled_batches.pop(batch)) {
      if (!flow_thread_failed.load(std::memory_order_relaxed)) {
        try {
          for (const DecodedPacket& packet : batch->packets()) table.add(packet);
          active_flows_seen.store(table.active_flows(), std::memory_order_relaxed);
        } catch (...) {
          // Keep taking batches so the reader never blocks; it stops at its next batch.
          flow_error = std::current_exception();
          flow_thread_failed.store(true, std::memory_order_relaxed);
        }
      }
      free_batches.push(batch);
    }
  });

  RawPacket raw;
  bool more = true;
  while (more && !flow_thread_failed.load(std::memory_order_relaxed)) {
    PacketBatch* batch = nullptr;
    free_batches.pop(batch);
    batch->clear();
    while (!batch->full() && (more = source.next(raw))) {
      ++summary.packets_read;
      if (progress && summary.packets_read % kProgressEvery == 0) {
        progress(source.stats(), summary.packets_read, active_flows_seen.load(std::memory_order_relaxed));
      }
      DecodedPacket& packet = batch->next_slot();
      const DecodeStatus status =
          decoder.decode(raw.link_type, raw.data, raw.captured_length, raw.wire_length, raw.time_ms(), packet);
      if (status != DecodeStatus::kOk) {
        ++summary.packets_ignored[static_cast<std::size_t>(status)];
        continue;
      }
      packet.time_ms = clock.observe(packet.time_ms);
      batch->add(keep_bytes);
    }
    summary.packets_decoded += batch->size();
    batch->seal();
    filled_batches.push(batch);
  }
  filled_batches.push(nullptr);
  flow_thread.join();
  if (flow_error) std::rethrow_exception(flow_error);

  table.flush();
  if (progress) progress(source.stats(), summary.packets_read, 0);
  summary.flows = table.stats();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace flowfeat
