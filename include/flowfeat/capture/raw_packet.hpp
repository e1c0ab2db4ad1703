#pragma once

#include <cstdint>
#include <type_traits>

namespace flowfeat {

// One captured frame as the capture layer hands it over. data is valid until the next read.
struct RawPacket {
  std::int64_t ts_sec = 0;
  std::uint32_t ts_nsec = 0;        // nanoseconds within the second
  std::uint32_t captured_length = 0;
  std::uint32_t wire_length = 0;
  int link_type = 0;                // pcap DLT_* value of the file or interface
  const std::uint8_t* data = nullptr;

  // Packet time in ms, floored, as the flow logic uses it.
  std::uint64_t time_ms() const noexcept {
    return static_cast<std::uint64_t>(ts_sec) * 1000u + ts_nsec / 1'000'000u;
  }
};
static_assert(std::is_trivially_copyable_v<RawPacket>);

}  // namespace flowfeat
