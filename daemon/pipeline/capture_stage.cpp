#include "capture_stage.hpp"

#include <time.h>

#include <algorithm>
#include <string>

namespace flowfeat::pipeline_detail {
namespace {

// Read after every frame of a source with a batch delay: the coarse clock costs a few ns (no
// system call) and its resolution (a few ms) is far below the delay.
std::uint64_t coarse_steady_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000u + static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000u;
}

std::uint64_t coarse_wall_ms() {
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME_COARSE, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000u + static_cast<std::uint64_t>(now.tv_nsec) / 1'000'000u;
}

}  // namespace

CaptureStage::CaptureStage(const DecoderOptions& decoder_options, bool keep_bytes, std::string_view source_name,
                           std::string_view capture, Metrics& metrics)
    : decoder_(decoder_options),
      keep_bytes_(keep_bytes),
      packets_received_(metrics.packets_received(source_name)),
      bytes_received_(metrics.bytes_received(source_name)),
      packets_dropped_(metrics.packets_dropped("queue")),
      kernel_drops_(metrics.packets_dropped("kernel")),
      interface_drops_(metrics.packets_dropped("interface")),
      packets_ignored_(kDecodeStatusCount, nullptr) {
  for (std::size_t i = 1; i < kDecodeStatusCount; ++i) {
    packets_ignored_[i] = &metrics.packets_ignored(to_string(static_cast<DecodeStatus>(i)));
  }
  if (!capture.empty()) health_.emplace(metrics, capture);
}

ReadResult CaptureStage::fill(PacketSource& source, Slot& slot) {
  PacketBatch& batch = slot.packets;
  const std::uint64_t delay_ms = source.max_batch_delay_ms();
  const std::uint64_t started_ms = delay_ms != 0 ? coarse_steady_ms() : 0;
  ReadResult result = ReadResult::kPacket;
  while (!batch.full()) {
    result = source.read(raw_);
    if (result != ReadResult::kPacket) break;
    if (batch.size() == 0) note_backlog(source);
    ++stats_.packets_read;
    stats_.bytes_read += raw_.wire_length;
    DecodedPacket& packet = batch.next_slot();
    const DecodeStatus status =
        decoder_.decode(raw_.link_type, raw_.data, raw_.captured_length, raw_.wire_length, raw_.time_ms(), packet);
    if (status != DecodeStatus::kOk) {
      ++stats_.packets_ignored[static_cast<std::size_t>(status)];
    } else {
      ++stats_.packets_decoded;
      batch.add(keep_bytes_);
    }
    if (delay_ms != 0 && coarse_steady_ms() - started_ms >= delay_ms) break;
  }
  if (result == ReadResult::kQuiet) stats_.backlog_ms = 0;  // nothing waits
  batch.seal();
  return result;
}

// The first frame of a batch is the oldest one the source still held: how late it is read is how
// far the capture is behind (a wave of work in the graph, a stall of the sink).
void CaptureStage::note_backlog(const PacketSource& source) {
  const std::optional<std::uint64_t> due = source.due_wall_ms(raw_.time_ms());
  if (!due) return;
  const std::uint64_t now = coarse_wall_ms();
  stats_.backlog_ms = now > *due ? now - *due : 0;
  stats_.backlog_peak_ms = std::max(stats_.backlog_peak_ms, stats_.backlog_ms);
}

ReadResult CaptureStage::drop_one(PacketSource& source) {
  const ReadResult result = source.read(raw_);
  if (result == ReadResult::kPacket) {
    ++stats_.packets_read;
    stats_.bytes_read += raw_.wire_length;
    ++stats_.packets_dropped;
  }
  return result;
}

void CaptureStage::publish(const SourceStats& source) {
  stats_.kernel_drops = source.kernel_drops;
  stats_.interface_drops = source.interface_drops;
  const auto delta = [](std::uint64_t current, std::uint64_t before) {
    return current > before ? static_cast<double>(current - before) : 0.0;
  };
  packets_received_.increment(delta(stats_.packets_read, published_.packets_read));
  bytes_received_.increment(delta(stats_.bytes_read, published_.bytes_read));
  packets_dropped_.increment(delta(stats_.packets_dropped, published_.packets_dropped));
  kernel_drops_.increment(delta(stats_.kernel_drops, published_.kernel_drops));
  interface_drops_.increment(delta(stats_.interface_drops, published_.interface_drops));
  for (std::size_t i = 1; i < kDecodeStatusCount; ++i) {
    packets_ignored_[i]->increment(delta(stats_.packets_ignored[i], published_.packets_ignored[i]));
  }
  stats_.ring_fill_peak = std::max(stats_.ring_fill_peak, source.ring_fill);
  if (health_) {
    const std::uint64_t lost = stats_.kernel_drops + stats_.packets_dropped;
    const std::uint64_t lost_before = published_.kernel_drops + published_.packets_dropped;
    health_->frames.increment(delta(stats_.packets_read, published_.packets_read));
    health_->lost.increment(delta(lost, lost_before));
    const std::uint64_t offered = stats_.packets_read + stats_.kernel_drops;
    health_->loss_ratio.set(offered != 0 ? static_cast<double>(lost) / static_cast<double>(offered) : 0.0);
    health_->ring_fill.set(source.ring_fill);
    health_->backlog.set(static_cast<double>(stats_.backlog_ms) / 1000.0);
  }
  published_ = stats_;
}

}  // namespace flowfeat::pipeline_detail
