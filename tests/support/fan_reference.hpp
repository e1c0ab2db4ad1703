#pragma once

#include <arpa/inet.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/core/flow_record.hpp"
#include "flowfeat/core/ip_address.hpp"

namespace flowfeat::testing {

// What the fan metrics of one flow depend on (FEATURES.md section 3).
struct FanInput {
  std::uint64_t first_seen_ms = 0;
  IpAddress src_ip;
  IpAddress dst_ip;
};

// "10.0.0.1" or "fe80::1"; throws std::invalid_argument for anything else.
inline IpAddress parse_ip(std::string_view text) {
  const std::string address(text);
  std::uint8_t bytes[16] = {};
  if (::inet_pton(AF_INET, address.c_str(), bytes) == 1) return IpAddress::v4(bytes);
  if (::inet_pton(AF_INET6, address.c_str(), bytes) == 1) return IpAddress::v6(bytes);
  throw std::invalid_argument("not an IP address: '" + address + "'");
}

inline FanInput fan_input(std::uint64_t first_seen_ms, std::string_view src_ip, std::string_view dst_ip) {
  return {first_seen_ms, parse_ip(src_ip), parse_ip(dst_ip)};
}

inline FanInput fan_input(const FlowRecord& record) {
  return {record.bidirectional_first_seen_ms, record.src_ip, record.dst_ip};
}

// The seed's definition taken literally: for every flow, scan every flow and collect the peers of
// both hosts among those starting within half_span_ms. O(n^2). Results in input order; any order in.
inline std::vector<FanMetrics> brute_force_fans(std::span<const FanInput> flows, std::uint64_t half_span_ms = 5000) {
  std::vector<FanMetrics> fans(flows.size());
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const FanInput& f = flows[i];
    std::set<IpAddress> out_src, in_dst, in_src, out_dst;
    for (const FanInput& g : flows) {
      const std::uint64_t distance =
          g.first_seen_ms > f.first_seen_ms ? g.first_seen_ms - f.first_seen_ms : f.first_seen_ms - g.first_seen_ms;
      if (distance > half_span_ms) continue;
      if (g.src_ip == f.src_ip) out_src.insert(g.dst_ip);
      if (g.dst_ip == f.dst_ip) in_dst.insert(g.src_ip);
      if (g.dst_ip == f.src_ip) in_src.insert(g.src_ip);
      if (g.src_ip == f.dst_ip) out_dst.insert(g.dst_ip);
    }
    fans[i] = {static_cast<std::uint32_t>(out_src.size()), static_cast<std::uint32_t>(in_dst.size()),
               static_cast<std::uint32_t>(in_src.size()), static_cast<std::uint32_t>(out_dst.size())};
  }
  return fans;
}

// A second exact computation, built differently from HostWindow: per host, the flows it sent and the
// flows it received as (time, peer) lists sorted by time; each flow binary-searches its window in the
// lists it needs and counts distinct peers by sorting. Fast when a window holds a few hundred flows.
inline std::vector<FanMetrics> sliding_fans(std::span<const FanInput> flows, std::uint64_t half_span_ms = 5000) {
  struct TimedPeer {
    std::uint64_t time_ms;
    IpAddress peer;
  };
  using Timeline = std::vector<TimedPeer>;
  std::map<IpAddress, Timeline> sent, received;
  for (const FanInput& f : flows) {
    sent[f.src_ip].push_back({f.first_seen_ms, f.dst_ip});
    received[f.dst_ip].push_back({f.first_seen_ms, f.src_ip});
  }
  const auto by_time = [](const TimedPeer& a, const TimedPeer& b) { return a.time_ms < b.time_ms; };
  for (auto* lists : {&sent, &received}) {
    for (auto& [host, timeline] : *lists) std::stable_sort(timeline.begin(), timeline.end(), by_time);
  }

  std::vector<IpAddress> peers;
  const auto distinct_peers = [&](const std::map<IpAddress, Timeline>& lists, const IpAddress& host,
                                  std::uint64_t time_ms) -> std::uint32_t {
    const auto found = lists.find(host);
    if (found == lists.end()) return 0;
    const Timeline& timeline = found->second;
    const std::uint64_t low = time_ms >= half_span_ms ? time_ms - half_span_ms : 0;
    const std::uint64_t high = time_ms <= std::numeric_limits<std::uint64_t>::max() - half_span_ms
                                   ? time_ms + half_span_ms
                                   : std::numeric_limits<std::uint64_t>::max();
    const auto first = std::lower_bound(timeline.begin(), timeline.end(), low,
                                        [](const TimedPeer& p, std::uint64_t t) { return p.time_ms < t; });
    const auto last = std::upper_bound(first, timeline.end(), high,
                                       [](std::uint64_t t, const TimedPeer& p) { return t < p.time_ms; });
    peers.clear();
    for (auto it = first; it != last; ++it) peers.push_back(it->peer);
    std::sort(peers.begin(), peers.end());
    return static_cast<std::uint32_t>(std::unique(peers.begin(), peers.end()) - peers.begin());
  };

  std::vector<FanMetrics> fans(flows.size());
  for (std::size_t i = 0; i < flows.size(); ++i) {
    const FanInput& f = flows[i];
    fans[i].fan_out_src = distinct_peers(sent, f.src_ip, f.first_seen_ms);
    fans[i].fan_in_dst = distinct_peers(received, f.dst_ip, f.first_seen_ms);
    fans[i].fan_in_src = distinct_peers(received, f.src_ip, f.first_seen_ms);
    fans[i].fan_out_dst = distinct_peers(sent, f.dst_ip, f.first_seen_ms);
  }
  return fans;
}

}  // namespace flowfeat::testing
