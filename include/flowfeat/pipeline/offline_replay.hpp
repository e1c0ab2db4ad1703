#pragma once

#include <array>
#include <cstdint>
#include <functional>

#include "flowfeat/capture/packet_source.hpp"
#include "flowfeat/config/config.hpp"
#include "flowfeat/core/flow_record.hpp"
#include "flowfeat/decode/decode_status.hpp"
#include "flowfeat/decode/decoder.hpp"
#include "flowfeat/flow/flow_table.hpp"

namespace flowfeat {

// What one replay saw and produced.
struct ReplaySummary {
  std::uint64_t packets_read = 0;
  std::uint64_t packets_decoded = 0;
  std::array<std::uint64_t, kDecodeStatusCount> packets_ignored{};  // by DecodeStatus
  FlowTableStats flows;
  double seconds = 0.0;

  std::uint64_t packets_ignored_total() const noexcept;
};

// Called now and then during a replay (about every 64 k packets), e.g. for a progress bar.
using ReplayProgress = std::function<void(const SourceStats&, std::uint64_t packets, std::uint64_t active_flows)>;

// Reads a packet source to its end through the decoder and the flow table, then flushes every flow.
// Reading and decoding run on one thread, the flow table on another, joined by a bounded queue of
// packet batches. Records reach on_flow_end, on the flow thread, in a deterministic order.
ReplaySummary replay(const Config& config, PacketSource& source, const FlowTable::RecordHandler& on_flow_end,
                     const ReplayProgress& progress = {});

// Same with explicit decoder options (for comparisons that reproduce single reference quirks).
ReplaySummary replay(const Config& config, const DecoderOptions& decoder_options, PacketSource& source,
                     const FlowTable::RecordHandler& on_flow_end, const ReplayProgress& progress = {});

// The decoder options a configuration asks for.
DecoderOptions decoder_options(const FlowConfig& flows);

// The flow table options a configuration asks for.
FlowTableOptions flow_table_options(const FlowConfig& flows);

}  // namespace flowfeat
