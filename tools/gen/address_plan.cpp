#include "address_plan.hpp"

#include <array>
#include <string_view>

namespace flowfeat::gen {
namespace {

constexpr std::uint32_t ipv4(std::uint32_t a, std::uint32_t b, std::uint32_t c, std::uint32_t d) {
  return a << 24 | b << 16 | c << 8 | d;
}

constexpr std::array<std::string_view, 16> kPublicPrefixes{"www",    "api",    "cdn",       "static", "img",  "login",
                                                           "mail",   "news",   "shop",      "video",  "docs", "app",
                                                           "assets", "update", "telemetry", "auth"};
constexpr std::array<std::string_view, 8> kPublicDomains{"example.com",       "example.org",      "example.net",
                                                         "example.edu",       "shop-example.com", "news-example.org",
                                                         "cloud-example.net", "media-example.com"};
constexpr std::array<std::string_view, 12> kInternalNames{"intranet", "git", "wiki", "jira",    "files",    "backup",
                                                          "ci",       "hr",  "crm",  "grafana", "registry", "portal"};

constexpr std::size_t kPublicServers = 160;
constexpr std::size_t kInternalServers = 36;

}  // namespace

AddressPlan::AddressPlan(Random& random, std::size_t client_count) {
  clients_.reserve(client_count);
  for (std::size_t i = 0; i < client_count; ++i) clients_.push_back(fresh_client(random));

  public_.push_back(make_server(random, ipv4(93, 184, 216, 34), "www.example.com", false));
  while (public_.size() < kPublicServers) {
    std::uint32_t ip = 0;
    const auto r = random.below(10);
    if (r < 6) {
      ip = ipv4(93, 184, static_cast<std::uint32_t>(random.below(256)),
                static_cast<std::uint32_t>(random.between(1, 254)));
    } else if (r < 8) {
      ip = ipv4(198, 51, 100, static_cast<std::uint32_t>(random.between(1, 254)));
    } else {
      ip = ipv4(203, 0, 113, static_cast<std::uint32_t>(random.between(1, 254)));
    }
    if (!used_.insert(ip).second) continue;
    std::string name(random.pick(kPublicPrefixes));
    name.append(".").append(random.pick(kPublicDomains));
    public_.push_back(make_server(random, ip, std::move(name), false));
  }
  while (internal_.size() < kInternalServers) {
    const std::uint32_t ip =
        ipv4(172, static_cast<std::uint32_t>(random.between(16, 31)), static_cast<std::uint32_t>(random.below(256)),
             static_cast<std::uint32_t>(random.between(1, 254)));
    if (!used_.insert(ip).second) continue;
    std::string name(kInternalNames[internal_.size() % kInternalNames.size()]);
    if (internal_.size() >= kInternalNames.size())
      name.append(std::to_string(internal_.size() / kInternalNames.size() + 1));
    name.append(".corp.example.com");
    internal_.push_back(make_server(random, ip, std::move(name), true));
  }
  resolvers_.push_back(make_server(random, ipv4(172, 16, 0, 53), "ns1.corp.example.com", true));
  resolvers_.push_back(make_server(random, ipv4(172, 16, 0, 54), "ns2.corp.example.com", true));
  resolvers_.push_back(make_server(random, ipv4(198, 51, 100, 53), "resolver.example.net", false));
  time_servers_.push_back(make_server(random, ipv4(172, 16, 0, 123), "ntp.corp.example.com", true));
  time_servers_.push_back(make_server(random, ipv4(203, 0, 113, 123), "time.example.net", false));
}

AddressPlan::Server AddressPlan::make_server(Random& random, std::uint32_t ip, std::string name, bool internal) {
  used_.insert(ip);
  Server s;
  s.ip = ip;
  s.name = std::move(name);
  s.internal = internal;
  s.rtt_us = internal ? random.between(150, 1500) : random.log_uniform(6'000, 160'000);
  const std::uint8_t initial_ttl = random.percent(80) ? 64 : 128;
  const auto hops = internal ? 1 : random.between(8, 22);
  s.ttl = static_cast<std::uint8_t>(initial_ttl - hops);
  return s;
}

std::uint32_t AddressPlan::unused_client_ip(Random& random) {
  for (;;) {
    std::uint32_t ip = 0;
    if (random.percent(60)) {
      ip = ipv4(10, static_cast<std::uint32_t>(random.below(256)), static_cast<std::uint32_t>(random.below(256)),
                static_cast<std::uint32_t>(random.between(2, 254)));
    } else {
      ip = ipv4(192, 168, static_cast<std::uint32_t>(random.below(256)),
                static_cast<std::uint32_t>(random.between(2, 254)));
    }
    if (used_.insert(ip).second) return ip;
  }
}

AddressPlan::Client AddressPlan::fresh_client(Random& random) {
  Client c;
  c.ip = unused_client_ip(random);
  c.ttl = random.percent(70) ? 64 : 128;
  c.next_port = c.ttl == 128 ? static_cast<std::uint16_t>(random.between(49152, 65535))
                             : static_cast<std::uint16_t>(random.between(32768, 60999));
  return c;
}

std::uint16_t AddressPlan::take_port(Client& client) {
  const std::uint16_t port = client.next_port;
  if (client.ttl == 128) {
    client.next_port = port == 65535 ? 49152 : static_cast<std::uint16_t>(port + 1);
  } else {
    client.next_port = port == 60999 ? 32768 : static_cast<std::uint16_t>(port + 1);
  }
  return port;
}

std::uint32_t AddressPlan::random_public(Random& random) {
  for (;;) {
    const auto a = static_cast<std::uint32_t>(random.between(1, 223));
    const auto b = static_cast<std::uint32_t>(random.below(256));
    if (a == 10 || a == 127 || a == 100 || a == 169 || (a == 172 && b >= 16 && b < 32) || (a == 192 && b == 168) ||
        (a == 93 && b == 184) || a == 198 || a == 203)
      continue;
    return ipv4(a, b, static_cast<std::uint32_t>(random.below(256)),
                static_cast<std::uint32_t>(random.between(1, 254)));
  }
}

}  // namespace flowfeat::gen
