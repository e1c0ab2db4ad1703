#include "capture_stage.hpp"

#include <string>

namespace flowfeat::pipeline_detail {

CaptureStage::CaptureStage(const DecoderOptions& decoder_options, bool keep_bytes, std::string_view source_name,
                           Metrics& metrics)
    : decoder_(decoder_options),
      keep_bytes_(keep_bytes),
      packets_received_(metrics.packets_received(source_name)),
      bytes_received_(metrics.bytes_received(source_name)),
      packets_dropped_(metrics.packets_dropped("queue")),
      packets_ignored_(kDecodeStatusCount, nullptr) {
  for (std::size_t i = 1; i < kDecodeStatusCount; ++i) {
    packets_ignored_[i] = &metrics.packets_ignored(to_string(static_cast<DecodeStatus>(i)));
  }
}

bool CaptureStage::fill(PacketSource& source, Slot& slot) {
  PacketBatch& batch = slot.packets;
  bool more = true;
  while (!batch.full() && (more = source.next(raw_))) {
    ++stats_.packets_read;
    stats_.bytes_read += raw_.wire_length;
    DecodedPacket& packet = batch.next_slot();
    const DecodeStatus status =
        decoder_.decode(raw_.link_type, raw_.data, raw_.captured_length, raw_.wire_length, raw_.time_ms(), packet);
    if (status != DecodeStatus::kOk) {
      ++stats_.packets_ignored[static_cast<std::size_t>(status)];
      continue;
    }
    packet.time_ms = clock_.observe(packet.time_ms);
    packet.index = stats_.packets_decoded++;
    batch.add(keep_bytes_);
  }
  batch.seal();
  slot.watermark_ms = clock_.now_ms();
  return more;
}

bool CaptureStage::drop_one(PacketSource& source) {
  if (!source.next(raw_)) return false;
  ++stats_.packets_read;
  stats_.bytes_read += raw_.wire_length;
  ++stats_.packets_dropped;
  return true;
}

void CaptureStage::publish() {
  const auto delta = [](std::uint64_t current, std::uint64_t before) { return static_cast<double>(current - before); };
  packets_received_.increment(delta(stats_.packets_read, published_.packets_read));
  bytes_received_.increment(delta(stats_.bytes_read, published_.bytes_read));
  packets_dropped_.increment(delta(stats_.packets_dropped, published_.packets_dropped));
  for (std::size_t i = 1; i < kDecodeStatusCount; ++i) {
    packets_ignored_[i]->increment(delta(stats_.packets_ignored[i], published_.packets_ignored[i]));
  }
  published_ = stats_;
}

}  // namespace flowfeat::pipeline_detail
