#pragma once

namespace flowfeat::link_type {

// pcap DLT_* values as libpcap reports them on Linux (LINKTYPE_RAW 101 is read back as kRaw).
inline constexpr int kNull = 0;
inline constexpr int kEthernet = 1;
inline constexpr int kPpp = 9;
inline constexpr int kRaw = 12;
inline constexpr int kPppSerial = 50;
inline constexpr int kCiscoHdlc = 104;
inline constexpr int kLinuxSll = 113;
inline constexpr int kRadiotap = 127;
inline constexpr int kIpv4 = 228;
inline constexpr int kIpv6 = 229;
inline constexpr int kLinuxSll2 = 276;

}  // namespace flowfeat::link_type
