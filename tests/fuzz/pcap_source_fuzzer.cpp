// libFuzzer target for the capture file reading path (input.files): a pcap or pcapng file of any
// bytes, read through PcapFileSource to its end. A file libpcap refuses is reported unreadable; every
// packet handed out lies within its frame.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "flowfeat/capture/pcap_file_source.hpp"
#include "fuzz_input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FuzzInputFile file("capture.pcap");
  flowfeat::PcapFileSource source({file.write(data, size)});
  flowfeat::RawPacket packet;
  std::uint64_t packets = 0;
  while (source.next(packet)) {
    if (packet.captured_length != 0 && packet.data == nullptr) __builtin_trap();
    volatile std::uint8_t sum = 0;  // every captured byte must be readable
    for (std::uint32_t i = 0; i < packet.captured_length; ++i) sum = static_cast<std::uint8_t>(sum + packet.data[i]);
    if (++packets > 10'000'000) __builtin_trap();
  }
  if (source.stats().packets != packets) __builtin_trap();
  return 0;
}
