#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "flowfeat/core/ip_address.hpp"
#include "flowfeat/core/tunnel_type.hpp"

namespace flowfeat {

// Why a flow ended; the numeric values are the record's expiration_id.
enum class ExpirationReason : std::uint8_t { kIdle = 0, kActive = 1, kEvicted = 2 };

// Mean and standard deviation of one statistic of one direction scope.
struct MeanStddev {
  double mean = 0.0;
  double stddev = 0.0;
};

// One ended flow: the columns of record groups 1-4 (see the README). A plain value.
struct FlowRecord {
  // Position of the flow's first packet among the decoded packets of the run: identifies the flow
  // and orders flows by start whatever thread tracked them. Not an output column.
  std::uint64_t flow_id = 0;

  IpAddress src_ip;
  IpAddress dst_ip;
  std::uint16_t src_port = 0;
  std::uint16_t dst_port = 0;
  std::uint8_t protocol = 0;
  std::uint8_t ip_version = 0;
  std::uint16_t vlan_id = 0;
  TunnelType tunnel = TunnelType::kNone;
  std::array<char, 48> application_name{};  // NUL-terminated

  std::uint64_t bidirectional_packets = 0;
  std::uint64_t bidirectional_bytes = 0;
  std::uint64_t bidirectional_first_seen_ms = 0;
  std::uint64_t bidirectional_last_seen_ms = 0;
  std::uint64_t src2dst_packets = 0;
  std::uint64_t src2dst_bytes = 0;
  std::uint64_t dst2src_packets = 0;
  std::uint64_t dst2src_bytes = 0;

  MeanStddev bidirectional_ps;
  MeanStddev src2dst_ps;
  MeanStddev dst2src_ps;
  MeanStddev bidirectional_piat_ms;
  MeanStddev src2dst_piat_ms;
  MeanStddev dst2src_piat_ms;

  ExpirationReason expiration = ExpirationReason::kIdle;

  std::uint64_t bidirectional_duration_ms() const noexcept {
    return bidirectional_last_seen_ms - bidirectional_first_seen_ms;
  }
  std::string_view application() const noexcept { return std::string_view(application_name.data()); }
};
static_assert(std::is_trivially_copyable_v<FlowRecord>);

// Announced when a flow is created: what the fan-in/fan-out window needs, long before the flow ends.
struct FlowStart {
  std::uint64_t flow_id = 0;   // FlowRecord::flow_id of the flow
  std::uint64_t time_ms = 0;   // its bidirectional_first_seen_ms
  IpAddress src_ip;
  IpAddress dst_ip;
};
static_assert(std::is_trivially_copyable_v<FlowStart>);

}  // namespace flowfeat
