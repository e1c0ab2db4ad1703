#pragma once

#include <cstdint>

namespace flowfeat {

// Tunnel a packet was decapsulated from; part of the flow key. Values are the reference's tunnel_id.
enum class TunnelType : std::uint8_t { kNone = 0, kGtpU = 1, kCapwap = 2, kTzsp = 3 };

}  // namespace flowfeat
