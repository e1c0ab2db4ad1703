#pragma once

#include <cstdint>
#include <string>

namespace flowfeat {

// How one capture thread opens its interface (capture.* in the configuration).
struct LiveCaptureOptions {
  std::string interface;
  std::uint32_t snaplen = 65535;
  std::uint64_t buffer_bytes = std::uint64_t{64} << 20;  // the kernel ring of this thread
  bool promiscuous = true;
  bool immediate = false;      // deliver each frame at once (libpcap then uses TPACKET_V2)
  std::string filter;          // BPF expression; empty = every frame
  std::uint64_t timeout_ms = 100;  // poll interval: the longest a read waits, and the tick period
  // Threads of one interface that share the frames: every thread of the group opens its own socket
  // with the same fanout_group and the kernel hashes each flow to one of them. 0 = no group.
  std::uint16_t fanout_group = 0;
  bool fanout_defrag = true;   // reassemble IP fragments before hashing, so they reach one thread
};

}  // namespace flowfeat
