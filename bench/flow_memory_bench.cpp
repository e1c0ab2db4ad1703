// flowfeat-flow-memory-bench [FLOWS]: memory per open flow of the flow table (default a million flows
// held open at once), each state measured in a process of its own so that one state's freed memory
// does not hide the next one's:
//   dpi-inspecting  1 packet per flow: nDPI still holds its flow state
//   dpi-finished    dpi_packets packets per flow (unknown UDP payload): nDPI has given up, state freed
//   dpi-off         1 packet per flow, no application detection
//   active-wave     flows kept busy past the active timeout: every flow ends (active) and reopens;
//                   RSS after the wave against before it
//   fan-window      the fan-in/fan-out window's bytes per start held (HostWindow, distinct senders)
// Bytes per flow are taken two ways: resident memory (RSS) and malloc's bytes in use (mallinfo2,
// glibc only), both as the difference from just before the first packet. "kept" is what is still
// resident after every flow has ended (flush), and after malloc_trim.
#include <malloc.h>
#include <netinet/in.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

#include "flowfeat/core/decoded_packet.hpp"
#include "flowfeat/core/flow_key.hpp"
#include "flowfeat/core/flow_record.hpp"
#include "flowfeat/flow/flow_table.hpp"
#include "flowfeat/window/host_window.hpp"

namespace {

using flowfeat::DecodedPacket;
using flowfeat::FlowTable;
using flowfeat::FlowTableOptions;

struct Memory {
  double rss = 0;     // bytes resident
  double malloc = 0;  // bytes malloc has handed out and not got back
};

Memory memory_now() {
  std::ifstream statm("/proc/self/statm");
  long size = 0;
  long resident = 0;
  statm >> size >> resident;
  const struct mallinfo2 info = mallinfo2();
  return {static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)),
          static_cast<double>(info.uordblks + info.hblkhd)};
}

// Flow i: UDP 10.a.b.c:(1024 + i % 60000) -> 172.16.0.(i % 250 + 1):40000, all distinct. The payload
// matches no protocol nDPI knows, so inspection runs to dpi_packets.
class PacketMaker {
 public:
  PacketMaker() {
    std::memset(frame_.data(), 0, frame_.size());
    for (std::size_t i = 28; i < frame_.size(); ++i) frame_[i] = static_cast<std::uint8_t>(i * 37 + 11);
  }

  const DecodedPacket& packet(std::uint32_t flow, std::uint64_t time_ms, bool reply, std::uint64_t index) {
    const std::uint32_t client = 0x0a000000u + flow;                 // 10.0.0.0 + flow
    const std::uint32_t server = 0xac100000u + (flow % 250u) + 1u;   // 172.16.0.x
    const std::uint16_t client_port = static_cast<std::uint16_t>(1024 + flow % 60000);
    const std::uint16_t server_port = 40000;
    const std::uint32_t src = reply ? server : client;
    const std::uint32_t dst = reply ? client : server;
    const std::uint16_t sport = reply ? server_port : client_port;
    const std::uint16_t dport = reply ? client_port : server_port;
    std::uint8_t* ip = frame_.data();
    ip[0] = 0x45;
    const std::uint16_t total = static_cast<std::uint16_t>(frame_.size());
    ip[2] = static_cast<std::uint8_t>(total >> 8);
    ip[3] = static_cast<std::uint8_t>(total);
    ip[8] = 64;
    ip[9] = IPPROTO_UDP;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 20, sport);
    put16(ip + 22, dport);
    put16(ip + 24, static_cast<std::uint16_t>(total - 20));
    ip[28] = static_cast<std::uint8_t>(index);  // payload varies a little from packet to packet

    packet_.time_ms = time_ms;
    packet_.index = index;
    packet_.wire_length = total + 14u;
    packet_.src_ip = flowfeat::IpAddress::v4(ip + 12);
    packet_.dst_ip = flowfeat::IpAddress::v4(ip + 16);
    packet_.src_port = sport;
    packet_.dst_port = dport;
    packet_.protocol = IPPROTO_UDP;
    packet_.ip_version = 4;
    packet_.ip_header = ip;
    packet_.ip_captured_length = total;
    return packet_;
  }

 private:
  static void put16(std::uint8_t* at, std::uint16_t v) {
    at[0] = static_cast<std::uint8_t>(v >> 8);
    at[1] = static_cast<std::uint8_t>(v);
  }
  static void put32(std::uint8_t* at, std::uint32_t v) {
    put16(at, static_cast<std::uint16_t>(v >> 16));
    put16(at + 2, static_cast<std::uint16_t>(v));
  }

  std::array<std::uint8_t, 28 + 72> frame_{};
  DecodedPacket packet_;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void print_header() {
  std::printf("%-15s %9s %9s %12s %12s %12s %12s %8s\n", "state", "flows", "packets", "RSS B/flow", "malloc B/flow",
              "kept RSS MB", "after trim MB", "seconds");
}

// One round of packets for every flow at round_ms + flow / 1000 ms (time never goes backwards).
void send_round(FlowTable& table, PacketMaker& maker, std::uint32_t flows, std::uint64_t round_ms, bool reply,
                std::uint64_t& index) {
  for (std::uint32_t flow = 0; flow < flows; ++flow) {
    table.add(maker.packet(flow, round_ms + flow / 1000, reply, index));
    ++index;
  }
}

// A flow-table state: `packets_per_flow` packets for every flow (alternating directions), then all
// flows ended.
void table_state(const char* name, std::uint32_t flows, bool dpi, std::uint32_t packets_per_flow) {
  FlowTableOptions options;
  options.dpi_enabled = dpi;
  std::uint64_t records = 0;
  FlowTable table(options, [&](const flowfeat::FlowRecord&) { ++records; });
  PacketMaker maker;
  const Memory before = memory_now();
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t index = 0;
  for (std::uint32_t round = 0; round < packets_per_flow; ++round) {
    send_round(table, maker, flows, 1'700'000'000'000ull + round * 1000ull, round % 2 == 1, index);
  }
  const Memory open = memory_now();
  const double seconds = seconds_since(start);
  if (table.active_flows() != flows) {
    std::fprintf(stderr, "%s: %llu flows open, expected %u\n", name, static_cast<unsigned long long>(table.active_flows()), flows);
    std::exit(1);
  }
  table.flush();
  const Memory ended = memory_now();
  malloc_trim(0);
  const Memory trimmed = memory_now();
  std::printf("%-15s %9u %9llu %12.0f %12.0f %12.1f %12.1f %8.1f\n", name, flows, static_cast<unsigned long long>(index),
              (open.rss - before.rss) / flows, (open.malloc - before.malloc) / flows, (ended.rss - before.rss) / 1e6,
              (trimmed.rss - before.rss) / 1e6, seconds);
  if (records != flows) std::exit(1);
}

// Flows busy every 50 s (idle timeout 60 s, active 120 s): at 150 s every flow ends by the active
// timeout and a new one takes its key.
void active_wave(std::uint32_t flows) {
  FlowTableOptions options;
  std::uint64_t active_ends = 0;
  FlowTable table(options, [&](const flowfeat::FlowRecord& r) {
    active_ends += r.expiration == flowfeat::ExpirationReason::kActive;
  });
  PacketMaker maker;
  const Memory start = memory_now();
  std::uint64_t index = 0;
  const std::uint64_t t0 = 1'700'000'000'000ull;
  for (const std::uint64_t offset : {0ull, 50'000ull, 100'000ull}) send_round(table, maker, flows, t0 + offset, false, index);
  const Memory before = memory_now();
  send_round(table, maker, flows, t0 + 150'000ull, false, index);
  const Memory after = memory_now();
  std::printf("active-wave: %llu flows ended by the active timeout and reopened; RSS above start %.1f MB before the "
              "wave, %.1f MB after (%+.1f %%); malloc in use %.1f MB before, %.1f MB after\n",
              static_cast<unsigned long long>(active_ends), (before.rss - start.rss) / 1e6, (after.rss - start.rss) / 1e6,
              100.0 * (after.rss - before.rss) / (before.rss - start.rss), (before.malloc - start.malloc) / 1e6,
              (after.malloc - start.malloc) / 1e6);
  if (active_ends != flows) std::exit(1);
}

// The fan window with `flows` starts over 10 s and the watermark at 10 s: every start held and
// admitted (default half span 5 s), the first half final, each start a pair of its own.
void fan_window(std::uint32_t flows) {
  flowfeat::HostWindow window(flowfeat::HostWindowOptions{});
  PacketMaker maker;
  const Memory before = memory_now();
  const std::uint64_t t0 = 1'700'000'000'000ull;
  for (std::uint32_t flow = 0; flow < flows; ++flow) {
    const DecodedPacket& p = maker.packet(flow, t0 + 10'000ull * flow / flows, false, flow);
    window.add_start(flowfeat::FlowStart{flow, p.time_ms, p.src_ip, p.dst_ip});
  }
  window.advance(t0 + 10'000, [](const flowfeat::FeatureRecord&) {});
  const Memory held = memory_now();
  const double starts = static_cast<double>(window.stats().window_flows);
  std::printf("fan-window: %.0f starts held, %llu hosts: %.0f B RSS, %.0f B malloc per held start\n", starts,
              static_cast<unsigned long long>(window.stats().hosts), (held.rss - before.rss) / starts,
              (held.malloc - before.malloc) / starts);
}

// Runs one state in a child process so that its memory starts from a fresh heap.
void in_child(void (*run)(std::uint32_t), std::uint32_t flows) {
  std::fflush(stdout);
  const pid_t child = fork();
  if (child == 0) {
    run(flows);
    std::fflush(stdout);
    std::_Exit(0);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "a measurement failed\n");
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::uint32_t flows = argc > 1 ? static_cast<std::uint32_t>(std::strtoul(argv[1], nullptr, 10)) : 1'000'000;
  if (flows == 0 || flows > 16'000'000) {
    std::fprintf(stderr, "usage: flowfeat-flow-memory-bench [FLOWS (1 to 16000000, default 1000000)]\n");
    return 2;
  }
  print_header();
  in_child([](std::uint32_t n) { table_state("dpi-inspecting", n, true, 1); }, flows);
  in_child([](std::uint32_t n) { table_state("dpi-finished", n, true, FlowTableOptions{}.dpi_packets); }, flows);
  in_child([](std::uint32_t n) { table_state("dpi-off", n, false, 1); }, flows);
  in_child(active_wave, flows);
  in_child(fan_window, flows);
  return 0;
}
