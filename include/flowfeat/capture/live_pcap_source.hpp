#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "flowfeat/capture/live_capture_options.hpp"
#include "flowfeat/capture/packet_source.hpp"

namespace flowfeat {

// The interface could not be opened as asked: missing, no permission (CAP_NET_RAW), a filter that
// does not compile, fanout refused. The message names the interface and the reason.
class CaptureOpenError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Frames from a network interface through libpcap's activation API (TPACKET_V3 memory-mapped ring on
// Linux), optionally one of several sockets in a PACKET_FANOUT group. Packet times are the kernel's
// receive times (wall clock, µs). stats() fetches the kernel and interface drops (pcap_stats). Owned by one capture thread; not thread-safe.
class LivePcapSource final : public PacketSource {
 public:
  // Opens, configures and activates the capture; throws CaptureOpenError.
  explicit LivePcapSource(const LiveCaptureOptions& options);
  ~LivePcapSource() override;

  LivePcapSource(const LivePcapSource&) = delete;
  LivePcapSource& operator=(const LivePcapSource&) = delete;

  // kQuiet when no frame arrived within timeout_ms; kEnd only when the capture fails (logged), e.g.
  // the interface went away.
  ReadResult read(RawPacket& packet) noexcept override;

  const SourceStats& stats() const override;

  std::uint64_t quiet_time_ms() const override;
  std::optional<std::uint64_t> due_wall_ms(std::uint64_t stream_ms) const override;
  std::uint64_t max_batch_delay_ms() const override;

  // Why a BPF expression does not compile (checked for Ethernet, before any interface is opened);
  // nullopt when it does or is empty.
  static std::optional<std::string> filter_problem(const std::string& filter);

  // The data link type of the interface (DLT_*).
  int link_type() const noexcept;

  const std::string& interface() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowfeat
