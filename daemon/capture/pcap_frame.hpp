#pragma once

#include <pcap/pcap.h>

#include "flowfeat/capture/packet_source.hpp"
#include "flowfeat/capture/raw_packet.hpp"

namespace flowfeat::capture_detail {

// Hands out a frame libpcap returned and counts it; shared by the file and live sources.
inline void take_frame(const pcap_pkthdr& header, const u_char* data, int link_type, RawPacket& packet,
                       SourceStats& stats) noexcept {
  packet.ts_sec = header.ts.tv_sec;
  packet.ts_usec = header.ts.tv_usec;  // microseconds, given the precision the sources open with
  packet.captured_length = header.caplen;
  packet.wire_length = header.len;
  packet.link_type = link_type;
  packet.data = data;
  ++stats.packets;
  stats.bytes += header.len;
}

}  // namespace flowfeat::capture_detail
