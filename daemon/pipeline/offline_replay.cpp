#include "flowfeat/pipeline/offline_replay.hpp"

#include <tbb/parallel_pipeline.h>

#include <atomic>
#include <chrono>
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

ReplaySummary replay(const Config& config, PacketSource& source, const FlowTable::RecordHandler& on_flow_end,
                     const ReplayProgress& progress) {
  return replay(config, decoder_options(config.flows), source, on_flow_end, progress);
}

// Two stages on two threads: read and decode (serial, in order), then the flow table (serial, in
// order). Packet order, and therefore the record order, is the capture's whatever the scheduling.
ReplaySummary replay(const Config& config, const DecoderOptions& decoder_options, PacketSource& source,
                     const FlowTable::RecordHandler& on_flow_end, const ReplayProgress& progress) {
  const auto started = std::chrono::steady_clock::now();
  const Decoder decoder(decoder_options);
  FlowTable table({.idle_timeout_ms = config.flows.idle_timeout_ms,
                   .active_timeout_ms = config.flows.active_timeout_ms,
                   .max_flows = config.flows.max_flows,
                   .dpi_enabled = config.flows.dpi_enabled,
                   .dpi_packets = config.flows.dpi_packets},
                  on_flow_end);
  const bool keep_bytes = config.flows.dpi_enabled;
  StreamClock clock;
  ReplaySummary summary;
  std::vector<PacketBatch> batches(kBatchesInFlight);
  std::size_t next_batch = 0;
  std::atomic<std::uint64_t> active_flows_seen{0};  // written by the flow stage, read for progress

  auto read_and_decode = [&](tbb::flow_control& control) -> PacketBatch* {
    PacketBatch& batch = batches[next_batch];
    next_batch = (next_batch + 1) % batches.size();
    batch.clear();
    RawPacket raw;
    DecodedPacket packet;
    while (!batch.full() && source.next(raw)) {
      ++summary.packets_read;
      if (progress && summary.packets_read % kProgressEvery == 0) {
        progress(source.stats(), summary.packets_read, active_flows_seen.load(std::memory_order_relaxed));
      }
      const DecodeStatus status =
          decoder.decode(raw.link_type, raw.data, raw.captured_length, raw.wire_length, raw.time_ms(), packet);
      if (status != DecodeStatus::kOk) {
        ++summary.packets_ignored[static_cast<std::size_t>(status)];
        continue;
      }
      packet.time_ms = clock.observe(packet.time_ms);
      batch.add(packet, keep_bytes);
    }
    if (batch.empty()) {
      control.stop();
      return nullptr;
    }
    summary.packets_decoded += batch.size();
    batch.seal();
    return &batch;
  };
  auto track_flows = [&](PacketBatch* batch) {
    for (const DecodedPacket& packet : batch->packets()) table.add(packet);
    active_flows_seen.store(table.active_flows(), std::memory_order_relaxed);
  };

  tbb::parallel_pipeline(kBatchesInFlight - 1,
                         tbb::make_filter<void, PacketBatch*>(tbb::filter_mode::serial_in_order, read_and_decode) &
                             tbb::make_filter<PacketBatch*, void>(tbb::filter_mode::serial_in_order, track_flows));
  table.flush();
  if (progress) progress(source.stats(), summary.packets_read, 0);
  summary.flows = table.stats();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace flowfeat
