#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flowfeat {

// The stages of the pipeline, in the order a packet's records pass them: capture (reading and
// decoding), the flow shards, the host window, enrichment, quantile flags and standardization,
// formatting the rows, and the sinks.
enum class PipelineStage : std::uint8_t { kCapture, kFlow, kWindow, kEnrich, kStandardize, kFormat, kSink };
inline constexpr std::size_t kPipelineStageCount = 7;

inline constexpr std::array<std::string_view, kPipelineStageCount> kPipelineStageNames{
    "capture", "flow", "window", "enrich", "standardize", "format", "sink"};

constexpr std::string_view to_string(PipelineStage stage) noexcept {
  return kPipelineStageNames[static_cast<std::size_t>(stage)];
}

}  // namespace flowfeat
