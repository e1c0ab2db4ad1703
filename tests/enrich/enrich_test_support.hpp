#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "flowfeat/core/feature_record.hpp"
#include "flowfeat/core/flow_record.hpp"
#include "flowfeat/core/ip_address.hpp"

namespace flowfeat::testing {

// An IPv4 or IPv6 address from its text form; a test failure when the text is neither.
inline IpAddress ip(const std::string& text) {
  std::uint8_t bytes[16] = {};
  if (::inet_pton(AF_INET, text.c_str(), bytes) == 1) return IpAddress::v4(bytes);
  if (::inet_pton(AF_INET6, text.c_str(), bytes) == 1) return IpAddress::v6(bytes);
  ADD_FAILURE() << "not an address: " << text;
  return {};
}

inline FlowRecord flow(const std::string& src, std::uint16_t src_port, const std::string& dst, std::uint16_t dst_port,
                       std::uint8_t protocol) {
  FlowRecord f;
  f.src_ip = ip(src);
  f.dst_ip = ip(dst);
  f.src_port = src_port;
  f.dst_port = dst_port;
  f.protocol = protocol;
  f.ip_version = f.src_ip.version;
  return f;
}

}  // namespace flowfeat::testing
