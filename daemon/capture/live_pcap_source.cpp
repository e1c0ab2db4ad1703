#include "flowfeat/capture/live_pcap_source.hpp"

#include <linux/if_packet.h>
#include <poll.h>
#include <pcap/pcap.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "flowfeat/capture/wrapping_count.hpp"
#include "flowfeat/core/clock_now.hpp"
#include "pcap_frame.hpp"

namespace flowfeat {
namespace {

struct PcapCloser {
  void operator()(pcap_t* handle) const noexcept { pcap_close(handle); }
};

}  // namespace

// Bytes a frame takes in a TPACKET_V3 block beyond its captured bytes, as the kernel lays it out
// (tpacket_rcv): the frame header and link-layer address (TPACKET3_HDRLEN), room for a 16-byte MAC
// header, libpcap's 4-byte reserve for a VLAN tag, less the Ethernet header that is part of the
// captured bytes; then the next frame starts aligned (half of TPACKET_ALIGNMENT on average). About
// 94 bytes. The estimate leaves out the read part of the block being read, which the kernel gets
// back only once the whole block is read.
constexpr double kRingFrameOverhead =
    static_cast<double>(TPACKET_ALIGN(TPACKET_ALIGN(sizeof(tpacket3_hdr)) + sizeof(sockaddr_ll) + 16) + 4 - 14) +
    TPACKET_ALIGNMENT / 2.0;

struct LivePcapSource::Impl {
  LiveCaptureOptions options;
  std::unique_ptr<pcap_t, PcapCloser> handle;
  int link_type = 0;
  SourceStats stats;
  WrappingCount kernel_queued;  // ps_recv: frames that passed the filter, dropped ones included
  WrappingCount kernel_dropped;
  WrappingCount interface_dropped;
  std::uint64_t captured_bytes = 0;  // captured bytes of the frames read, for their mean size
  bool failed = false;

  [[noreturn]] void fail(const std::string& what) const {
    throw CaptureOpenError("interface " + options.interface + ": " + what);
  }
  void open();
  void apply_filter();
  void join_fanout();
  void sample_drops() noexcept;
};

void LivePcapSource::Impl::open() {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  handle.reset(pcap_create(options.interface.c_str(), errbuf));
  if (!handle) fail(errbuf);
  pcap_t* h = handle.get();
  pcap_set_snaplen(h, static_cast<int>(options.snaplen));
  pcap_set_promisc(h, options.promiscuous ? 1 : 0);
  pcap_set_timeout(h, static_cast<int>(options.timeout_ms));
  pcap_set_buffer_size(h, static_cast<int>(std::min<std::uint64_t>(options.buffer_bytes, 0x7fffffff)));
  pcap_set_immediate_mode(h, options.immediate ? 1 : 0);
  const int status = pcap_activate(h);
  if (status < 0) {
    // PCAP_ERROR_PERM_DENIED, PCAP_ERROR_NO_SUCH_DEVICE, ...: pcap_geterr adds the detail.
    std::string reason = pcap_statustostr(status);
    const std::string detail = pcap_geterr(h);
    if (!detail.empty() && detail != reason) reason += " (" + detail + ")";
    if (status == PCAP_ERROR_PERM_DENIED) reason += "; capturing needs root or CAP_NET_RAW";
    fail(reason);
  }
  if (status > 0) spdlog::warn("interface {}: {} ({})", options.interface, pcap_statustostr(status), pcap_geterr(h));
  link_type = pcap_datalink(h);
  // With TPACKET_V3 libpcap waits without a timeout when nothing arrives (the kernel retires only
  // blocks that hold frames), so a quiet link would block forever: read without blocking and wait
  // in poll() with the timeout instead.
  if (pcap_setnonblock(h, 1, errbuf) != 0) fail(std::string("cannot read without blocking: ") + errbuf);
  apply_filter();
  join_fanout();
}

void LivePcapSource::Impl::apply_filter() {
  if (options.filter.empty()) return;
  bpf_program program{};
  if (pcap_compile(handle.get(), &program, options.filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    fail("capture.filter \"" + options.filter + "\" does not compile: " + pcap_geterr(handle.get()));
  }
  const int status = pcap_setfilter(handle.get(), &program);
  pcap_freecode(&program);
  if (status != 0) fail(std::string("cannot set capture.filter: ") + pcap_geterr(handle.get()));
}

// libpcap has no fanout API: the option is set on its socket, which activation has bound already.
void LivePcapSource::Impl::join_fanout() {
  if (options.fanout_group == 0) return;
  std::uint32_t mode = PACKET_FANOUT_HASH;
  if (options.fanout_defrag) mode |= PACKET_FANOUT_FLAG_DEFRAG;
  const std::uint32_t value = options.fanout_group | (mode << 16);
  if (::setsockopt(pcap_fileno(handle.get()), SOL_PACKET, PACKET_FANOUT, &value, sizeof value) != 0) {
    fail("cannot join fanout group " + std::to_string(options.fanout_group) + ": " + std::strerror(errno));
  }
}

void LivePcapSource::Impl::sample_drops() noexcept {
  pcap_stat counters{};
  if (pcap_stats(handle.get(), &counters) != 0) return;
  // libpcap keeps these as running totals of the socket's life (32-bit, as the kernel's).
  const std::uint64_t queued = kernel_queued.update(counters.ps_recv);
  stats.kernel_drops = kernel_dropped.update(counters.ps_drop);
  stats.interface_drops = interface_dropped.update(counters.ps_ifdrop);
  // Frames the kernel put in the ring that this thread has not read yet. The kernel's counts are
  // fetched after the reads counted so far, so the difference is never too small.
  const std::uint64_t taken = stats.kernel_drops + stats.packets;
  const double waiting = queued > taken ? static_cast<double>(queued - taken) : 0.0;
  const double frame_bytes =
      (stats.packets != 0 ? static_cast<double>(captured_bytes) / static_cast<double>(stats.packets) : 0.0) +
      kRingFrameOverhead;
  const double ring_bytes = static_cast<double>(std::max<std::uint64_t>(options.buffer_bytes, 1));
  stats.ring_fill = std::min(1.0, waiting * frame_bytes / ring_bytes);
}

LivePcapSource::LivePcapSource(const LiveCaptureOptions& options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->open();
}

LivePcapSource::~LivePcapSource() = default;

ReadResult LivePcapSource::read(RawPacket& packet) noexcept {
  Impl& s = *impl_;
  if (s.failed) return ReadResult::kEnd;
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  int status = pcap_next_ex(s.handle.get(), &header, &data);
  if (status == 0) {
    pollfd ready{.fd = pcap_get_selectable_fd(s.handle.get()), .events = POLLIN, .revents = 0};
    ::poll(&ready, 1, static_cast<int>(s.options.timeout_ms));
    status = pcap_next_ex(s.handle.get(), &header, &data);
  }
  if (status == 1) [[likely]] {
    capture_detail::take_frame(*header, data, s.link_type, packet, s.stats);
    s.captured_bytes += header->caplen;
    return ReadResult::kPacket;
  }
  if (status == 0) return ReadResult::kQuiet;
  spdlog::error("interface {}: capture stopped: {}", s.options.interface,
                status == PCAP_ERROR ? pcap_geterr(s.handle.get()) : pcap_statustostr(status));
  s.failed = true;
  return ReadResult::kEnd;
}

// The owner reads the stats once per batch; the drop counters are fetched then (one system call).
const SourceStats& LivePcapSource::stats() const {
  impl_->sample_drops();
  return impl_->stats;
}

std::uint64_t LivePcapSource::quiet_time_ms() const { return wall_clock_ms(); }

// Packet times are the wall-clock times the kernel received them.
std::optional<std::uint64_t> LivePcapSource::due_wall_ms(std::uint64_t stream_ms) const { return stream_ms; }

std::uint64_t LivePcapSource::max_batch_delay_ms() const { return impl_->options.timeout_ms; }

std::optional<std::string> LivePcapSource::filter_problem(const std::string& filter) {
  if (filter.empty()) return std::nullopt;
  const std::unique_ptr<pcap_t, PcapCloser> dead(pcap_open_dead(DLT_EN10MB, 65535));
  bpf_program program{};
  if (pcap_compile(dead.get(), &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0) {
    return "capture.filter \"" + filter + "\" does not compile: " + pcap_geterr(dead.get());
  }
  pcap_freecode(&program);
  return std::nullopt;
}

int LivePcapSource::link_type() const noexcept { return impl_->link_type; }

const std::string& LivePcapSource::interface() const noexcept { return impl_->options.interface; }

}  // namespace flowfeat
