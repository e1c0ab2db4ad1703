#pragma once

#include <functional>

#include "flowfeat/capture/packet_source.hpp"
#include "flowfeat/config/config.hpp"
#include "flowfeat/core/flow_record.hpp"
#include "flowfeat/decode/decoder.hpp"
#include "flowfeat/pipeline/pipeline.hpp"

namespace flowfeat {

using ReplaySummary = PipelineSummary;
using FlowRecordHandler = std::function<void(const FlowRecord&)>;

// Replays a packet source through the pipeline with one flow shard, without writing files (no record
// files, no state file, no standardization, metrics not served) and hands each record's flow part to
// on_flow_end, in output order, on the sink thread. For tests and tools that look at flows.
ReplaySummary replay(const Config& config, PacketSource& source, const FlowRecordHandler& on_flow_end,
                     const PipelineProgress& progress = {});

// Same with explicit decoder options (for comparisons that reproduce single reference quirks).
ReplaySummary replay(const Config& config, const DecoderOptions& decoder_options, PacketSource& source,
                     const FlowRecordHandler& on_flow_end, const PipelineProgress& progress = {});

}  // namespace flowfeat
