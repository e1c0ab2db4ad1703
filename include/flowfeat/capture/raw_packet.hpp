#pragma once

#include <cstdint>
#include <type_traits>

namespace flowfeat {

// One captured frame as the capture layer hands it over. data is valid until the next read.
struct RawPacket {
  std::int64_t ts_sec = 0;
  // Microseconds within the second as the file stores them: normally 0..999999, but damaged files
  // hold any 32-bit signed value, which the reference takes as is.
  std::int64_t ts_usec = 0;
  std::uint32_t captured_length = 0;
  std::uint32_t wire_length = 0;
  int link_type = 0;                // pcap DLT_* value of the file or interface
  const std::uint8_t* data = nullptr;

  // Packet time in ms as the flow logic uses it: whole ms of the timestamp, computed as the
  // reference does (C division, so an out-of-range fraction moves the time as it would there).
  std::uint64_t time_ms() const noexcept {
    return static_cast<std::uint64_t>(ts_sec) * 1000u + static_cast<std::uint64_t>(ts_usec / 1000);
  }
};
static_assert(std::is_trivially_copyable_v<RawPacket>);

}  // namespace flowfeat
