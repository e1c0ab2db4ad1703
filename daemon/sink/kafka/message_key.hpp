#pragma once

#include <cstddef>
#include <string_view>

#include "../field_text.hpp"
#include "flowfeat/core/flow_record.hpp"
#include "flowfeat/sink/kafka/kafka_options.hpp"

namespace flowfeat::kafka_detail {

// Room for the longest key: the flow key, two IPv6 addresses, two ports, a protocol.
inline constexpr std::size_t kMaxKeyChars = 2 * detail::kMaxIpChars + 3 * detail::kMaxUintChars + 4;

// Writes the message key of a record into out (kMaxKeyChars) and returns it; empty for kNone.
//   src_ip / dst_ip: the address as the record's column has it;
//   flow: "src_ip,src_port,dst_ip,dst_port,protocol", the record's columns in their order.
inline std::string_view message_key(const FlowRecord& flow, KafkaKey key, char* out) noexcept {
  char* end = out;
  switch (key) {
    case KafkaKey::kSrcIp: end = detail::put_ip(out, flow.src_ip); break;
    case KafkaKey::kDstIp: end = detail::put_ip(out, flow.dst_ip); break;
    case KafkaKey::kFlow:
      end = detail::put_ip(end, flow.src_ip);
      *end++ = ',';
      end = detail::put_uint(end, flow.src_port);
      *end++ = ',';
      end = detail::put_ip(end, flow.dst_ip);
      *end++ = ',';
      end = detail::put_uint(end, flow.dst_port);
      *end++ = ',';
      end = detail::put_uint(end, flow.protocol);
      break;
    case KafkaKey::kNone: break;
  }
  return {out, static_cast<std::size_t>(end - out)};
}

}  // namespace flowfeat::kafka_detail
