#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "flowfeat/capture/packet_source.hpp"
#include "flowfeat/core/stream_clock.hpp"
#include "flowfeat/decode/decode_status.hpp"
#include "flowfeat/decode/decoder.hpp"
#include "flowfeat/metrics/metrics.hpp"
#include "slot.hpp"

namespace flowfeat::pipeline_detail {

struct CaptureStats {
  std::uint64_t packets_read = 0;
  std::uint64_t bytes_read = 0;
  std::uint64_t packets_decoded = 0;
  std::array<std::uint64_t, kDecodeStatusCount> packets_ignored{};  // by DecodeStatus
  std::uint64_t packets_dropped = 0;  // read while the graph was full (live sources only)
};

// Reads frames from a source, decodes them into a slot's batch, numbers them (flow ids come from
// these numbers) and keeps stream time monotonic. Owned by the capture thread; not thread-safe.
class CaptureStage {
 public:
  CaptureStage(const DecoderOptions& decoder_options, bool keep_bytes, std::string_view source_name, Metrics& metrics);

  // Decodes frames into slot until its batch is full or the source has none left; returns false at
  // the end of input. Sets the slot's watermark.
  bool fill(PacketSource& source, Slot& slot);

  // Reads one frame and counts it as dropped (the graph is full and a live source must not wait).
  // Returns false at the end of input.
  bool drop_one(PacketSource& source);

  // Stream time reached so far (the watermark of an end-of-stream or tick slot).
  std::uint64_t stream_time_ms() const noexcept { return clock_.now_ms(); }

  const CaptureStats& stats() const noexcept { return stats_; }

  // Publishes the counters gathered since the last call.
  void publish();

 private:
  Decoder decoder_;
  bool keep_bytes_;
  StreamClock clock_;
  RawPacket raw_;
  CaptureStats stats_;
  CaptureStats published_;
  Counter& packets_received_;
  Counter& bytes_received_;
  Counter& packets_dropped_;
  std::vector<Counter*> packets_ignored_;  // by DecodeStatus; null for kOk
};

}  // namespace flowfeat::pipeline_detail
