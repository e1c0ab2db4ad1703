#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "endpoints.hpp"
#include "message.hpp"

namespace flowfeat::gen {

// Everything a TCP conversation will do, decided when it is spawned: how it opens, the turns of
// its dialogue and how it closes. Times are as seen at the capture point, next to the clients.
struct TcpPlan {
  enum class Opening : std::uint8_t {
    kHandshake,   // SYN, SYN/ACK, ACK, then the dialogue
    kUnanswered,  // a lone SYN (flood traffic)
    kRefused,     // SYN answered by RST/ACK (closed port)
    kHalfOpen,    // SYN, SYN/ACK, RST from the client (SYN scan of an open port)
  };
  enum class Closing : std::uint8_t { kClientFin, kServerFin, kClientRst, kServerRst };

  struct Turn {
    Side side = Side::kClient;
    // Reaction time of the sender after the previous turn's last data (the server's copy of that
    // data arrives half a round trip after it passes the capture point, its answer another half
    // round trip later; that round trip is added on top).
    std::int64_t delay_us = 0;
    Message message;
  };

  Endpoints endpoints;
  std::string_view attack_category;  // empty for normal traffic
  Opening opening = Opening::kHandshake;
  Closing closing = Closing::kClientFin;
  std::int64_t rtt_us = 1000;
  std::int64_t bandwidth_bps = 50'000'000;  // sender pacing of bulk data, capped by window / RTT
  std::vector<Turn> turns;
};

}  // namespace flowfeat::gen
