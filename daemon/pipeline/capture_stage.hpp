#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "flowfeat/capture/packet_source.hpp"
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
  std::uint64_t kernel_drops = 0;     // as the source reports them
  std::uint64_t interface_drops = 0;
  double ring_fill_peak = 0.0;         // live: the fullest the kernel ring was seen (SourceStats::ring_fill)
  std::uint64_t backlog_ms = 0;        // paced sources: age of the oldest frame not read, at the last batch
  std::uint64_t backlog_peak_ms = 0;
};

// The health of one live capture thread, labeled capture="<interface>/<thread>".
struct CaptureHealthMetrics {
  CaptureHealthMetrics(Metrics& metrics, std::string_view capture)
      : frames(metrics.capture_frames(capture)),
        lost(metrics.capture_lost(capture)),
        loss_ratio(metrics.capture_loss_ratio(capture)),
        ring_fill(metrics.capture_ring_fill(capture)),
        backlog(metrics.capture_backlog(capture)) {}

  Counter& frames;
  Counter& lost;
  Gauge& loss_ratio;
  Gauge& ring_fill;
  Gauge& backlog;
};

// Reads frames from one source and decodes them into a slot's batch. Packet times stay as read: the
// stream stamper numbers the packets and keeps time monotonic when the slot enters the graph, which
// is where the frames of several capture threads meet. Owned by one capture thread; not thread-safe.
class CaptureStage {
 public:
  // capture: the label of the thread's health metrics ("<interface>/<thread>"); empty for files.
  CaptureStage(const DecoderOptions& decoder_options, bool keep_bytes, std::string_view source_name,
               std::string_view capture, Metrics& metrics);

  // Decodes frames into slot until its batch is full, the source's batch delay has passed (kPacket),
  // the source is quiet (kQuiet) or at its end (kEnd); returns what the last read gave.
  ReadResult fill(PacketSource& source, Slot& slot);

  // Reads one frame and counts it as dropped (the graph is full and capture.on_full is drop).
  ReadResult drop_one(PacketSource& source);

  const CaptureStats& stats() const noexcept { return stats_; }

  // Publishes the counters gathered since the last call, with the source's own drop counters.
  void publish(const SourceStats& source);

 private:
  void note_backlog(const PacketSource& source);

  Decoder decoder_;
  bool keep_bytes_;
  RawPacket raw_;
  CaptureStats stats_;
  CaptureStats published_;
  Counter& packets_received_;
  Counter& bytes_received_;
  Counter& packets_dropped_;
  Counter& kernel_drops_;
  Counter& interface_drops_;
  std::vector<Counter*> packets_ignored_;  // by DecodeStatus; null for kOk
  std::optional<CaptureHealthMetrics> health_;  // live captures only
};

}  // namespace flowfeat::pipeline_detail
