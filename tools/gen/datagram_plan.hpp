#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "endpoints.hpp"

namespace flowfeat::gen {

// A UDP or ICMP conversation: a list of datagrams, each with its direction and its delay after
// the previous one.
struct DatagramPlan {
  struct Datagram {
    Side side = Side::kClient;
    std::int64_t delay_us = 0;
    std::uint8_t icmp_type = 0;  // ICMP only: 8 echo request, 0 echo reply
    std::uint16_t icmp_id = 0;
    std::uint16_t icmp_seq = 0;
    std::string payload;
  };

  Endpoints endpoints;
  std::string_view attack_category;  // empty for normal traffic
  std::vector<Datagram> datagrams;
};

}  // namespace flowfeat::gen
