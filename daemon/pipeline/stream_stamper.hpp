#pragma once

#include <cstdint>

#include "flowfeat/core/stream_clock.hpp"
#include "slot.hpp"

namespace flowfeat::pipeline_detail {

// Where the slots of every capture thread meet, in the order they enter the graph: numbers the
// slots (the order of the serial stages) and the packets (flow ids come from these numbers), and keeps
// stream time monotonic across threads, clamping as the reference does. Used under the pipeline's
// submit lock; not thread-safe itself.
class StreamStamper {
 public:
  // quiet_time_ms: the stream time a quiet source reports (0 = none), which moves time on without
  // packets so idle flows end.
  void stamp(Slot& slot, std::uint64_t quiet_time_ms) noexcept {
    slot.sequence = next_sequence_++;
    for (DecodedPacket& packet : slot.packets.packets()) {
      packet.time_ms = clock_.observe(packet.time_ms);
      packet.index = next_index_++;
    }
    if (quiet_time_ms != 0) clock_.observe(quiet_time_ms);
    slot.watermark_ms = clock_.now_ms();
  }

  // A slot after the last packet: no packets, the stream time reached.
  void stamp_end(Slot& slot) noexcept {
    slot.sequence = next_sequence_++;
    slot.end_of_input = true;
    slot.watermark_ms = clock_.now_ms();
  }

  std::uint64_t slots() const noexcept { return next_sequence_; }

 private:
  StreamClock clock_;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t next_index_ = 0;
};

}  // namespace flowfeat::pipeline_detail
