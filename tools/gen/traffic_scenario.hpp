#pragma once

#include <cstdint>
#include <unordered_set>

#include "address_plan.hpp"
#include "context.hpp"
#include "datagram_plan.hpp"
#include "gen_options.hpp"
#include "script.hpp"
#include "tcp_plan.hpp"

namespace flowfeat::gen {

// The contents of a generated capture: a steady stream of normal conversations (DNS, HTTPS,
// HTTP, SSH, SMTP, NTP, ping, refused connections), a few long-lived and idle conversations when
// the duration allows them, SSDP multicast senders, and three attacks: a SYN port scan, a DDoS
// burst from hundreds of sources and a 20 MiB upload. Each conversation is planned only when it
// starts, so memory follows the number of conversations open at once.
class TrafficScenario {
 public:
  TrafficScenario(const GenOptions& options, Context& cx, AddressPlan& addresses);

  // Queues every script on the scheduler; run the scheduler up to end_us() afterwards.
  void schedule();

  std::int64_t end_us() const noexcept { return end_us_; }

  static constexpr std::uint64_t kScanPorts = 600;
  static constexpr std::uint64_t kDdosSources = 350;
  static constexpr std::uint64_t kUploadBytes = 20u << 20;

 private:
  Script normal_traffic();
  Script port_scan(std::int64_t start_us);
  Script ddos(std::int64_t start_us);
  void spawn_normal();

  TcpPlan tcp_base(AddressPlan::Client& client, const AddressPlan::Server& server, std::uint16_t port);
  TcpPlan http_plan();
  TcpPlan https_plan(AddressPlan::Client& client, const AddressPlan::Server& server, int exchanges,
                     std::int64_t idle_gap_us);
  TcpPlan ssh_plan(std::int64_t interactive_us);
  TcpPlan smtp_plan();
  TcpPlan refused_plan();
  TcpPlan upload_plan();
  DatagramPlan dns_plan();
  DatagramPlan ping_plan();
  DatagramPlan ntp_plan(bool poller, std::int64_t start_us, std::int64_t polls);
  DatagramPlan ssdp_notify_plan(std::int64_t start_us);
  DatagramPlan ssdp_search_plan();

  std::size_t response_size();
  std::int64_t unix_us(std::int64_t t) const noexcept { return options_.start_epoch_s * 1'000'000 + t; }

  GenOptions options_;
  std::unordered_set<std::uint64_t> ping_pairs_;  // (client, target) of every ping session
  Context& cx_;
  AddressPlan& addresses_;
  std::int64_t end_us_;
};

}  // namespace flowfeat::gen
