// flowfeat-bare-read FILE: the speed of libpcap alone reading a capture, the ceiling that
// run_bench.sh compares flowfeatd against. It does nothing with a packet but add up its length.
#include <pcap/pcap.h>

#include <chrono>
#include <cstdint>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s FILE\n", argc > 0 ? argv[0] : "flowfeat-bare-read");
    return 2;
  }
  char error[PCAP_ERRBUF_SIZE] = {};
  const auto start = std::chrono::steady_clock::now();
  pcap_t* pcap = pcap_open_offline(argv[1], error);
  if (pcap == nullptr) {
    std::fprintf(stderr, "%s: %s\n", argv[1], error);
    return 1;
  }
  std::uint64_t packets = 0;
  std::uint64_t bytes = 0;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int rc = 0;
  while ((rc = pcap_next_ex(pcap, &header, &data)) == 1) {
    ++packets;
    bytes += header->caplen;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (rc == PCAP_ERROR) {
    std::fprintf(stderr, "%s: %s\n", argv[1], pcap_geterr(pcap));
    pcap_close(pcap);
    return 1;
  }
  pcap_close(pcap);
  // The byte sum goes out so the read loop has an observable result.
  std::printf("packets=%llu seconds=%.6f pps=%.0f caplen_bytes=%llu\n",
              static_cast<unsigned long long>(packets), seconds,
              seconds > 0 ? static_cast<double>(packets) / seconds : 0.0,
              static_cast<unsigned long long>(bytes));
  return 0;
}
