#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "random.hpp"

namespace flowfeat::gen {

// The hosts of the simulated network: client workstations in 10.0.0.0/8 and 192.168.0.0/16, an
// internal server farm in 172.16.0.0/12, public servers (93.184.0.0/16 and the documentation
// networks 198.51.100.0/24 and 203.0.113.0/24), resolvers and time servers.
class AddressPlan {
 public:
  struct Client {
    std::uint32_t ip = 0;
    std::uint8_t ttl = 64;  // 64 for Linux and macOS hosts, 128 for Windows
    std::uint16_t next_port = 0;
  };

  struct Server {
    std::uint32_t ip = 0;
    std::string name;
    std::int64_t rtt_us = 0;  // round trip from the capture point
    std::uint8_t ttl = 64;    // as it arrives at the capture point
    bool internal = false;
  };

  AddressPlan(Random& random, std::size_t client_count);

  Client& client(Random& random) { return clients_[random.below(clients_.size())]; }
  // A client address used by nothing else (attackers, special senders).
  Client fresh_client(Random& random);
  // Next ephemeral source port of the client, in its operating system's range.
  static std::uint16_t take_port(Client& client);

  const Server& public_server(Random& random) const { return public_[random.below(public_.size())]; }
  const Server& internal_server(Random& random) const { return internal_[random.below(internal_.size())]; }
  const Server& web_server(Random& random) const {
    return random.percent(75) ? public_server(random) : internal_server(random);
  }
  const Server& resolver(Random& random) const { return resolvers_[random.below(resolvers_.size())]; }
  const Server& time_server(Random& random) const { return time_servers_[random.below(time_servers_.size())]; }

  // An address on the public internet outside every range above (DDoS sources).
  static std::uint32_t random_public(Random& random);

 private:
  std::uint32_t unused_client_ip(Random& random);
  Server make_server(Random& random, std::uint32_t ip, std::string name, bool internal);

  std::unordered_set<std::uint32_t> used_;
  std::vector<Client> clients_;
  std::vector<Server> public_;
  std::vector<Server> internal_;
  std::vector<Server> resolvers_;
  std::vector<Server> time_servers_;
};

}  // namespace flowfeat::gen
