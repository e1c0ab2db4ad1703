#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "endpoints.hpp"
#include "frame_builder.hpp"

struct pcap;
struct pcap_dumper;

namespace flowfeat::gen {

class Scheduler;

// Builds the frames of all conversations and appends them to a pcap file (DLT_EN10MB,
// microsecond timestamps), stamped with the scheduler's current time.
class PacketWriter {
 public:
  PacketWriter(const std::string& path, std::int64_t start_epoch_s, const Scheduler& clock);
  PacketWriter(const PacketWriter&) = delete;
  PacketWriter& operator=(const PacketWriter&) = delete;
  ~PacketWriter();

  void tcp(Endpoints& e, Side from, const FrameBuilder::Tcp& fields, std::span<const std::uint8_t> payload);
  void udp(Endpoints& e, Side from, std::span<const std::uint8_t> payload);
  void icmp(Endpoints& e, Side from, std::uint8_t type, std::uint16_t id, std::uint16_t seq,
            std::span<const std::uint8_t> payload);

  // A buffer for assembling one payload; valid until the next call.
  std::span<std::uint8_t> scratch() noexcept { return scratch_; }

  // Flushes and closes the file; throws if anything failed to reach it.
  void close();

  std::uint64_t packets() const noexcept { return packets_; }
  std::uint64_t bytes() const noexcept { return bytes_; }  // file size, headers included

 private:
  FrameBuilder::Ipv4 ip_of(Endpoints& e, Side from, bool dont_fragment);
  void write(std::span<const std::uint8_t> frame);

  const Scheduler& clock_;
  std::int64_t start_epoch_s_;
  pcap* pcap_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
  std::FILE* file_ = nullptr;
  FrameBuilder frames_;
  std::vector<std::uint8_t> scratch_;
  std::uint64_t packets_ = 0;
  std::uint64_t bytes_ = 0;
};

}  // namespace flowfeat::gen
