#pragma once

#include <cstdint>

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
};

// A stream of frames: files replayed in order, or a live interface. Owned by one capture thread.
class PacketSource {
 public:
  virtual ~PacketSource() = default;

  // Fills packet with the next frame and returns true; returns false at end of input. Never throws:
  // unreadable inputs are logged, counted in stats() and skipped.
  virtual bool next(RawPacket& packet) = 0;

  virtual const SourceStats& stats() const = 0;
};

}  // namespace flowfeat
