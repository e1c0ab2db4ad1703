#include "packet_writer.hpp"

#include <pcap/pcap.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "scheduler.hpp"

namespace flowfeat::gen {
namespace {

constexpr int kSnapLength = 65535;
constexpr std::uint64_t kFileHeaderBytes = 24;
constexpr std::uint64_t kRecordHeaderBytes = 16;

}  // namespace

PacketWriter::PacketWriter(const std::string& path, std::int64_t start_epoch_s, const Scheduler& clock)
    : clock_(clock), start_epoch_s_(start_epoch_s), scratch_(FrameBuilder::kMaxL4Length) {
  pcap_ = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, kSnapLength, PCAP_TSTAMP_PRECISION_MICRO);
  if (pcap_ == nullptr) throw std::runtime_error("pcap_open_dead failed");
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    pcap_close(pcap_);
    throw std::runtime_error("cannot create " + path + ": " + std::strerror(errno));
  }
  // Millions of small records: a large stdio buffer keeps the write calls few.
  std::setvbuf(file_, nullptr, _IOFBF, std::size_t{1} << 20);
  dumper_ = pcap_dump_fopen(pcap_, file_);
  if (dumper_ == nullptr) {
    const std::string error = pcap_geterr(pcap_);
    std::fclose(file_);
    pcap_close(pcap_);
    throw std::runtime_error("cannot write " + path + ": " + error);
  }
  bytes_ = kFileHeaderBytes;
}

PacketWriter::~PacketWriter() {
  if (dumper_ != nullptr) pcap_dump_close(dumper_);  // also closes file_
  if (pcap_ != nullptr) pcap_close(pcap_);
}

void PacketWriter::close() {
  if (dumper_ == nullptr) return;
  const bool failed = pcap_dump_flush(dumper_) != 0 || std::ferror(file_) != 0;
  pcap_dump_close(dumper_);
  dumper_ = nullptr;
  file_ = nullptr;
  if (failed) throw std::runtime_error("writing the capture failed");
}

FrameBuilder::Ipv4 PacketWriter::ip_of(Endpoints& e, Side from, bool dont_fragment) {
  FrameBuilder::Ipv4 ip;
  const bool client = from == Side::kClient;
  ip.src = client ? e.client_ip : e.server_ip;
  ip.dst = client ? e.server_ip : e.client_ip;
  ip.ttl = client ? e.client_ttl : e.server_ttl;
  ip.id = client ? e.client_ip_id++ : e.server_ip_id++;
  ip.dont_fragment = dont_fragment;
  return ip;
}

void PacketWriter::tcp(Endpoints& e, Side from, const FrameBuilder::Tcp& fields,
                       std::span<const std::uint8_t> payload) {
  write(frames_.tcp(ip_of(e, from, true), fields, payload));
}

void PacketWriter::udp(Endpoints& e, Side from, std::span<const std::uint8_t> payload) {
  const bool client = from == Side::kClient;
  write(frames_.udp(ip_of(e, from, false), client ? e.client_port : e.server_port,
                    client ? e.server_port : e.client_port, payload));
}

void PacketWriter::icmp(Endpoints& e, Side from, std::uint8_t type, std::uint16_t id, std::uint16_t seq,
                        std::span<const std::uint8_t> payload) {
  write(frames_.icmp(ip_of(e, from, true), type, 0, id, seq, payload));
}

void PacketWriter::write(std::span<const std::uint8_t> frame) {
  const std::int64_t t = clock_.now();
  pcap_pkthdr header{};
  header.ts.tv_sec = static_cast<decltype(header.ts.tv_sec)>(start_epoch_s_ + t / 1'000'000);
  header.ts.tv_usec = static_cast<decltype(header.ts.tv_usec)>(t % 1'000'000);
  header.caplen = static_cast<bpf_u_int32>(frame.size());
  header.len = header.caplen;
  pcap_dump(reinterpret_cast<u_char*>(dumper_), &header, frame.data());
  ++packets_;
  bytes_ += kRecordHeaderBytes + frame.size();
}

}  // namespace flowfeat::gen
