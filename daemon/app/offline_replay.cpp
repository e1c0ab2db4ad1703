#include "flowfeat/app/offline_replay.hpp"

#include <chrono>
#include <numeric>

#include "flowfeat/core/stream_clock.hpp"
#include "flowfeat/decode/decoder.hpp"

namespace flowfeat {

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
  StreamClock clock;
  ReplaySummary summary;
  RawPacket raw;
  DecodedPacket packet;
  constexpr std::uint64_t kProgressEvery = 1u << 16;
  while (source.next(raw)) {
    ++summary.packets_read;
    const DecodeStatus status =
        decoder.decode(raw.link_type, raw.data, raw.captured_length, raw.wire_length, raw.time_ms(), packet);
    if (status != DecodeStatus::kOk) {
      ++summary.packets_ignored[static_cast<std::size_t>(status)];
      continue;
    }
    ++summary.packets_decoded;
    packet.time_ms = clock.observe(packet.time_ms);
    table.add(packet);
    if (progress && summary.packets_read % kProgressEvery == 0) {
      progress(source.stats(), summary.packets_read, table.active_flows());
    }
  }
  table.flush();
  if (progress) progress(source.stats(), summary.packets_read, 0);
  summary.flows = table.stats();
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return summary;
}

}  // namespace flowfeat
