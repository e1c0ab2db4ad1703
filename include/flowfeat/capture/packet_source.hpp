#pragma once

#include <cstdint>
#include <optional>

#include "flowfeat/capture/raw_packet.hpp"

namespace flowfeat {

// Counters every source keeps; read by the owner of the source.
struct SourceStats {
  std::uint64_t packets = 0;          // frames handed out
  std::uint64_t bytes = 0;            // wire bytes of those frames
  std::uint64_t input_bytes_read = 0; // bytes consumed from files (for progress)
  std::uint64_t input_bytes_total = 0;// total size of the input files, when known
  std::uint64_t files_opened = 0;
  std::uint64_t files_failed = 0;     // unreadable or not a capture
  std::uint64_t files_truncated = 0;  // ended mid-packet; complete packets were kept
  std::uint64_t files_corrupt = 0;    // a record could not be read; earlier packets were kept
  std::uint64_t kernel_drops = 0;     // live: frames the kernel could not queue (ring full)
  std::uint64_t interface_drops = 0;  // live: frames the interface or its driver dropped
  // live: the share of the kernel ring taken by frames not yet read (0..1), estimated from the
  // socket's counts (frames the kernel queued, minus dropped, minus read) and the frames' size in
  // the ring (their captured bytes plus the TPACKET_V3 frame header)
  double ring_fill = 0.0;
};

// What a read gave: a frame, nothing yet (a live source had no frame within its poll interval), the
// end of one file of several (the batch so far goes on by itself, so that one stream of captures is
// cut into batches as separate runs of them are, and gives the same records in the same order), or
// the end of the stream.
enum class ReadResult : std::uint8_t { kPacket, kQuiet, kFileEnded, kEnd };

// A stream of frames: files replayed in order, or a live interface. Owned by one capture thread.
class PacketSource {
 public:
  virtual ~PacketSource() = default;

  // Fills packet with the next frame. Never throws: unreadable inputs are logged, counted in
  // stats() and skipped; a live source that fails ends its stream. packet.data stays valid until
  // the next read.
  virtual ReadResult read(RawPacket& packet) = 0;

  // read() until a frame comes or the stream ends; true with a frame.
  bool next(RawPacket& packet) {
    ReadResult result = read(packet);
    while (result == ReadResult::kQuiet || result == ReadResult::kFileEnded) result = read(packet);
    return result == ReadResult::kPacket;
  }

  virtual const SourceStats& stats() const = 0;

  // Sources tied to the wall clock (interfaces, paced replays) answer the next three; a file read
  // as fast as possible keeps the defaults.

  // After read() returned kQuiet: the stream time reached (ms, the clock of the packet times), so
  // idle flows can end on a quiet link. 0 = unknown.
  virtual std::uint64_t quiet_time_ms() const { return 0; }

  // The wall-clock time (ms since the epoch) at which stream time stream_ms was due, for the lag
  // metric; nullopt when the stream is not paced by the wall clock.
  virtual std::optional<std::uint64_t> due_wall_ms(std::uint64_t stream_ms) const {
    (void)stream_ms;
    return std::nullopt;
  }

  // Longest a frame may wait in a partly filled batch before the batch goes on; 0 = until full.
  virtual std::uint64_t max_batch_delay_ms() const { return 0; }
};

}  // namespace flowfeat
