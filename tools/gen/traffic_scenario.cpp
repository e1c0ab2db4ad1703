#include "traffic_scenario.hpp"

#include <algorithm>
#include <array>
#include <numeric>
#include <string_view>
#include <vector>

#include "conversations.hpp"
#include "payloads.hpp"
#include "scheduler.hpp"

namespace flowfeat::gen {
namespace {

using Turn = TcpPlan::Turn;

constexpr std::int64_t kSecond = 1'000'000;
constexpr std::uint32_t kSsdpGroup = 0xeffffffa;  // 239.255.255.250
constexpr std::string_view kReconnaissance = "Reconnaissance";
constexpr std::string_view kDos = "DoS";
constexpr std::string_view kExfiltration = "Exfiltration";

struct Resource {
  std::string_view path;
  std::string_view content_type;
};

constexpr std::array<Resource, 12> kResources{{
    {"/", "text/html; charset=utf-8"},
    {"/index.html", "text/html; charset=utf-8"},
    {"/news/2023/11/14/markets-close-higher.html", "text/html; charset=utf-8"},
    {"/static/js/app.3f9a1c.js", "application/javascript"},
    {"/static/css/main.8b2d.css", "text/css"},
    {"/images/logo.webp", "image/webp"},
    {"/images/hero-1280.avif", "image/avif"},
    {"/api/v1/items?page=2&limit=50", "application/json"},
    {"/api/v2/session/refresh", "application/json"},
    {"/favicon.ico", "image/x-icon"},
    {"/downloads/quarterly-report.pdf", "application/pdf"},
    {"/update/manifest.json", "application/json"},
}};

constexpr std::array<std::string_view, 4> kUserAgents{
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/119.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 "
    "Safari/605.1.15",
    "curl/7.88.1",
};

constexpr std::array<std::uint16_t, 10> kClosedServicePorts{23, 135, 445, 1433, 3389, 5432, 5900, 6379, 8443, 9200};

Turn turn(Side side, std::int64_t delay_us, Message message) {
  Turn t;
  t.side = side;
  t.delay_us = delay_us;
  t.message = std::move(message);
  return t;
}

// Delay of a program answering at once: well under the delayed-ACK timer.
std::int64_t quick(Random& random) { return random.between(80, 3'000); }

std::string uuid(Random& random) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s.push_back('-');
    s.push_back(kDigits[random.below(16)]);
  }
  return s;
}

Endpoints endpoints_for(const AddressPlan::Client& client, std::uint16_t client_port, std::uint32_t server_ip,
                        std::uint16_t server_port, std::uint8_t server_ttl, std::uint8_t protocol, Random& random) {
  Endpoints e;
  e.client_ip = client.ip;
  e.client_port = client_port;
  e.server_ip = server_ip;
  e.server_port = server_port;
  e.protocol = protocol;
  e.client_ttl = client.ttl;
  e.server_ttl = server_ttl;
  e.client_ip_id = static_cast<std::uint16_t>(random.bits());
  e.server_ip_id = static_cast<std::uint16_t>(random.bits());
  return e;
}

DatagramPlan::Datagram datagram(Side side, std::int64_t delay_us, std::string payload) {
  DatagramPlan::Datagram d;
  d.side = side;
  d.delay_us = delay_us;
  d.payload = std::move(payload);
  return d;
}

}  // namespace

TrafficScenario::TrafficScenario(const GenOptions& options, Context& cx, AddressPlan& addresses)
    : options_(options), cx_(cx), addresses_(addresses), end_us_(options.duration_s * kSecond - 1) {}

void TrafficScenario::schedule() {
  Scheduler& scheduler = cx_.scheduler;
  Random& random = cx_.random;
  const std::int64_t duration = options_.duration_s * kSecond;

  scheduler.spawn(normal_traffic(), 0);

  // A media renderer announcing itself over SSDP for the whole capture, and one discovery search.
  const std::int64_t notify_start = random.between(0, std::min<std::int64_t>(3 * kSecond, duration / 4));
  scheduler.spawn(datagram_session(cx_, ssdp_notify_plan(notify_start)), notify_start);
  const std::int64_t search_start = random.between(0, std::max<std::int64_t>(0, duration - 5 * kSecond));
  scheduler.spawn(datagram_session(cx_, ssdp_search_plan()), search_start);

  // Conversations that outlive the usual flow timeouts, only where the capture is long enough.
  if (duration >= 75 * kSecond) {
    for (int i = 0; i < 2; ++i) {
      const std::int64_t start = random.between(0, 10 * kSecond);
      const std::int64_t polls = (duration - start - kSecond) / (64 * kSecond) + 1;
      scheduler.spawn(datagram_session(cx_, ntp_plan(true, start, polls)), start);
    }
  }
  if (duration >= 90 * kSecond) {
    for (int i = 0; i < 3; ++i) {
      const std::int64_t gap = random.between(62 * kSecond, std::min(85 * kSecond, duration - 25 * kSecond));
      const std::int64_t start = random.between(0, duration - gap - 20 * kSecond);
      scheduler.spawn(tcp_session(cx_, https_plan(addresses_.client(random), addresses_.web_server(random), 3, gap)),
                      start);
    }
  }
  if (duration >= 150 * kSecond) {
    for (int i = 0; i < 2; ++i) {
      const std::int64_t length = random.between(125 * kSecond, std::min(400 * kSecond, duration - 20 * kSecond));
      const std::int64_t start = random.between(0, duration - length - 15 * kSecond);
      scheduler.spawn(tcp_session(cx_, ssh_plan(length)), start);
    }
  }

  const std::int64_t scan_start = duration / 4;
  scheduler.spawn(port_scan(scan_start), scan_start);
  const std::int64_t ddos_start = duration / 2;
  scheduler.spawn(ddos(ddos_start), ddos_start);
  const std::int64_t upload_start = std::max<std::int64_t>(0, std::min(duration * 13 / 20, duration - 20 * kSecond));
  scheduler.spawn(tcp_session(cx_, upload_plan()), upload_start);
}

Script TrafficScenario::normal_traffic() {
  // Start times are spread evenly, one per slot of duration / flows, at a random point within it.
  const std::uint64_t flows = options_.flows;
  const auto span = static_cast<std::uint64_t>(options_.duration_s * kSecond);
  const std::uint64_t base = flows == 0 ? 0 : span / flows;
  const std::uint64_t remainder = flows == 0 ? 0 : span % flows;
  for (std::uint64_t i = 0; i < flows; ++i) {
    const std::uint64_t begin = base * i + remainder * i / flows;
    const std::uint64_t end = base * (i + 1) + remainder * (i + 1) / flows;
    const auto t = static_cast<std::int64_t>(begin + cx_.random.below(std::max<std::uint64_t>(1, end - begin)));
    co_await Script::at(t);
    spawn_normal();
  }
}

void TrafficScenario::spawn_normal() {
  Scheduler& scheduler = cx_.scheduler;
  const std::int64_t now = scheduler.now();
  const auto kind = cx_.random.below(100);
  if (kind < 44) {
    scheduler.spawn(datagram_session(cx_, dns_plan()), now);
  } else if (kind < 69) {
    Random& random = cx_.random;
    const int exchanges = random.percent(75) ? 1 : static_cast<int>(random.between(2, 4));
    scheduler.spawn(
        tcp_session(cx_, https_plan(addresses_.client(random), addresses_.web_server(random), exchanges, 0)), now);
  } else if (kind < 82) {
    scheduler.spawn(tcp_session(cx_, http_plan()), now);
  } else if (kind < 85) {
    scheduler.spawn(tcp_session(cx_, ssh_plan(0)), now);
  } else if (kind < 90) {
    scheduler.spawn(datagram_session(cx_, ping_plan()), now);
  } else if (kind < 95) {
    scheduler.spawn(datagram_session(cx_, ntp_plan(false, now, 1)), now);
  } else if (kind < 97) {
    scheduler.spawn(tcp_session(cx_, smtp_plan()), now);
  } else {
    scheduler.spawn(tcp_session(cx_, refused_plan()), now);
  }
}

std::size_t TrafficScenario::response_size() {
  Random& random = cx_.random;
  // Mostly small objects with a heavy tail: two responses in a thousand are downloads.
  if (random.below(1000) < 2) return static_cast<std::size_t>(random.log_uniform(6'000, 400'000));
  return static_cast<std::size_t>(random.log_uniform(60, 6'000));
}

TcpPlan TrafficScenario::tcp_base(AddressPlan::Client& client, const AddressPlan::Server& server, std::uint16_t port) {
  Random& random = cx_.random;
  TcpPlan p;
  p.endpoints = endpoints_for(client, AddressPlan::take_port(client), server.ip, port, server.ttl, kTcp, random);
  p.rtt_us = server.rtt_us * random.between(90, 115) / 100;
  p.bandwidth_bps =
      server.internal ? random.log_uniform(20'000'000, 900'000'000) : random.log_uniform(2'000'000, 200'000'000);
  const auto closing = random.below(100);
  p.closing = closing < 65   ? TcpPlan::Closing::kClientFin
              : closing < 85 ? TcpPlan::Closing::kServerFin
              : closing < 95 ? TcpPlan::Closing::kClientRst
                             : TcpPlan::Closing::kServerRst;
  return p;
}

TcpPlan TrafficScenario::http_plan() {
  Random& random = cx_.random;
  const AddressPlan::Server& server = addresses_.web_server(random);
  const bool alternate_port = random.percent(10);
  TcpPlan p = tcp_base(addresses_.client(random), server, alternate_port ? 8080 : 80);
  const std::string host = alternate_port ? server.name + ":8080" : server.name;
  const std::string_view agent = random.pick(kUserAgents);
  const int requests = random.percent(75) ? 1 : static_cast<int>(random.between(2, 4));
  for (int i = 0; i < requests; ++i) {
    const Resource& resource = random.pick(kResources);
    const bool post = random.percent(8);
    const std::size_t body = post ? static_cast<std::size_t>(random.log_uniform(40, 20'000)) : 0;
    const std::int64_t think = i == 0 ? quick(random) : random.log_uniform(5'000, 3'000'000);
    p.turns.push_back(
        turn(Side::kClient, think, payloads::http_request(post ? "POST" : "GET", host, resource.path, agent, body)));
    Message response;
    const std::int64_t date = unix_us(cx_.scheduler.now()) / kSecond;
    const auto status = random.below(100);
    if (status < 4) {
      response = payloads::http_response("404 Not Found", "text/html; charset=utf-8",
                                         static_cast<std::size_t>(random.between(150, 600)), date);
    } else if (status < 9 && !post) {
      response = payloads::http_response("304 Not Modified", resource.content_type, 0, date);
    } else {
      response = payloads::http_response("200 OK", resource.content_type, response_size(), date);
    }
    p.turns.push_back(turn(Side::kServer, random.log_uniform(300, 150'000), std::move(response)));
  }
  return p;
}

TcpPlan TrafficScenario::https_plan(AddressPlan::Client& client, const AddressPlan::Server& server, int exchanges,
                                    std::int64_t idle_gap_us) {
  Random& random = cx_.random;
  TcpPlan p = tcp_base(client, server, 443);
  p.turns.push_back(turn(Side::kClient, quick(random), Message(payloads::tls_client_hello(random, server.name))));
  // A resumed session skips the certificate chain.
  const bool resumed = random.percent(50);
  const auto handshake = static_cast<std::size_t>(resumed ? random.between(80, 300) : random.log_uniform(1'800, 5'000));
  p.turns.push_back(
      turn(Side::kServer, random.log_uniform(300, 20'000), payloads::tls_server_flight(random, handshake)));
  p.turns.push_back(turn(Side::kClient, quick(random),
                         payloads::tls_client_finish(static_cast<std::size_t>(random.between(120, 900)))));
  for (int i = 0; i < exchanges; ++i) {
    if (i > 0) {
      const std::int64_t think =
          idle_gap_us > 0 && i == exchanges - 1 ? idle_gap_us : random.log_uniform(5'000, 3'000'000);
      p.turns.push_back(turn(Side::kClient, think,
                             payloads::tls_application_data(static_cast<std::size_t>(random.between(90, 1'200)))));
    }
    p.turns.push_back(
        turn(Side::kServer, random.log_uniform(300, 150'000), payloads::tls_application_data(response_size())));
  }
  if (random.percent(50))
    p.turns.push_back(turn(Side::kClient, random.log_uniform(1'000, 800'000), payloads::tls_close_notify()));
  return p;
}

TcpPlan TrafficScenario::ssh_plan(std::int64_t interactive_us) {
  Random& random = cx_.random;
  const AddressPlan::Server& server =
      random.percent(80) ? addresses_.internal_server(random) : addresses_.public_server(random);
  TcpPlan p = tcp_base(addresses_.client(random), server, 22);
  p.closing = TcpPlan::Closing::kClientFin;
  p.turns.push_back(turn(Side::kServer, random.between(500, 5'000), Message(payloads::ssh_banner(true, random))));
  p.turns.push_back(turn(Side::kClient, quick(random), Message(payloads::ssh_banner(false, random))));
  p.turns.push_back(turn(Side::kClient, quick(random), payloads::ssh_key_exchange_init(random, false)));
  p.turns.push_back(turn(Side::kServer, quick(random), payloads::ssh_key_exchange_init(random, true)));
  p.turns.push_back(turn(Side::kClient, quick(random), payloads::ssh_ecdh_init(random)));
  Message reply = payloads::ssh_ecdh_reply(random);
  reply.append(payloads::ssh_new_keys());
  p.turns.push_back(turn(Side::kServer, random.between(1'000, 8'000), std::move(reply)));
  Message service = payloads::ssh_new_keys();
  service.append(payloads::ssh_encrypted(1, 52));  // SERVICE_REQUEST, encrypted from here on
  p.turns.push_back(turn(Side::kClient, quick(random), std::move(service)));
  p.turns.push_back(turn(Side::kServer, quick(random), payloads::ssh_encrypted(1, 52)));
  // Public-key authentication, then the session channel.
  p.turns.push_back(turn(Side::kClient, random.between(2'000, 30'000), payloads::ssh_encrypted(1, 468)));
  p.turns.push_back(turn(Side::kServer, random.between(1'000, 20'000), payloads::ssh_encrypted(1, 36)));
  p.turns.push_back(turn(Side::kClient, quick(random), payloads::ssh_encrypted(1, 116)));
  p.turns.push_back(turn(Side::kServer, quick(random), payloads::ssh_encrypted(1, 756)));

  if (interactive_us == 0) {
    // A remote command or a small copy.
    p.turns.push_back(turn(Side::kClient, quick(random), payloads::ssh_encrypted(1, 148)));
    const auto output = static_cast<std::size_t>(random.log_uniform(100, 40'000) / 16 * 16 + 36);
    p.turns.push_back(turn(Side::kServer, random.log_uniform(2'000, 900'000), payloads::ssh_encrypted(1, output)));
    p.turns.push_back(turn(Side::kClient, quick(random), payloads::ssh_encrypted(1, 52)));
    return p;
  }
  // An interactive shell: keystrokes echoed one by one, with pauses while the user reads.
  std::int64_t elapsed = 0;
  while (elapsed < interactive_us) {
    const std::int64_t think =
        random.percent(5) ? random.log_uniform(2 * kSecond, 25 * kSecond) : random.log_uniform(60'000, 900'000);
    const std::int64_t echo = random.between(200, 2'000);
    p.turns.push_back(turn(Side::kClient, think, payloads::ssh_encrypted(1, 36)));
    const std::size_t lines = random.percent(10) ? static_cast<std::size_t>(random.between(2, 40)) : 1;
    p.turns.push_back(turn(Side::kServer, echo, payloads::ssh_encrypted(lines, lines == 1 ? 36 : 100)));
    elapsed += think + echo + p.rtt_us;
  }
  p.turns.push_back(turn(Side::kClient, random.log_uniform(200'000, 2 * kSecond), payloads::ssh_encrypted(1, 52)));
  return p;
}

TcpPlan TrafficScenario::smtp_plan() {
  Random& random = cx_.random;
  const AddressPlan::Server& server =
      random.percent(50) ? addresses_.internal_server(random) : addresses_.public_server(random);
  TcpPlan p = tcp_base(addresses_.client(random), server, 25);
  p.closing = TcpPlan::Closing::kServerFin;
  const std::string name = "mail" + server.name.substr(server.name.find('.'));
  const auto say = [&](Side side, std::int64_t delay, std::string text) {
    p.turns.push_back(turn(side, delay, Message(text)));
  };
  say(Side::kServer, random.between(1'000, 30'000), "220 " + name + " ESMTP Postfix (Debian/GNU)\r\n");
  say(Side::kClient, quick(random), "EHLO ws-" + std::to_string(random.between(100, 999)) + ".corp.example.com\r\n");
  say(Side::kServer, quick(random),
      "250-" + name +
          "\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 SMTPUTF8\r\n");
  say(Side::kClient, quick(random), "MAIL FROM:<alerts@corp.example.com>\r\n");
  say(Side::kServer, quick(random), "250 2.1.0 Ok\r\n");
  say(Side::kClient, quick(random), "RCPT TO:<ops@example.net>\r\n");
  say(Side::kServer, quick(random), "250 2.1.5 Ok\r\n");
  say(Side::kClient, quick(random), "DATA\r\n");
  say(Side::kServer, quick(random), "354 End data with <CR><LF>.<CR><LF>\r\n");
  Message mail(
      std::string_view("From: alerts@corp.example.com\r\nTo: ops@example.net\r\nSubject: nightly report\r\n"
                       "Content-Type: text/html; charset=utf-8\r\n\r\n"));
  mail.add_filler(static_cast<std::size_t>(random.log_uniform(300, 20'000)), Message::Filler::kText);
  mail.add("\r\n.\r\n");
  p.turns.push_back(turn(Side::kClient, quick(random), std::move(mail)));
  say(Side::kServer, random.between(1'000, 50'000), "250 2.0.0 Ok: queued as 4F2A91C03E\r\n");
  say(Side::kClient, quick(random), "QUIT\r\n");
  say(Side::kServer, quick(random), "221 2.0.0 Bye\r\n");
  return p;
}

TcpPlan TrafficScenario::refused_plan() {
  Random& random = cx_.random;
  TcpPlan p = tcp_base(addresses_.client(random), addresses_.internal_server(random), random.pick(kClosedServicePorts));
  p.opening = TcpPlan::Opening::kRefused;
  return p;
}

TcpPlan TrafficScenario::upload_plan() {
  Random& random = cx_.random;
  AddressPlan::Client client = addresses_.fresh_client(random);
  const AddressPlan::Server& server = addresses_.public_server(random);
  TcpPlan p = tcp_base(client, server, 443);
  p.attack_category = kExfiltration;
  p.bandwidth_bps = 80'000'000;
  p.closing = TcpPlan::Closing::kClientFin;
  p.turns.push_back(turn(Side::kClient, quick(random), Message(payloads::tls_client_hello(random, server.name))));
  p.turns.push_back(turn(Side::kServer, random.between(500, 5'000), payloads::tls_server_flight(random, 3'900)));
  p.turns.push_back(turn(Side::kClient, quick(random), payloads::tls_client_finish(620)));
  p.turns.push_back(turn(Side::kServer, random.between(500, 5'000), payloads::tls_application_data(210)));
  p.turns.push_back(turn(Side::kClient, quick(random), payloads::tls_application_data(kUploadBytes)));
  p.turns.push_back(turn(Side::kServer, random.between(5'000, 40'000), payloads::tls_application_data(320)));
  p.turns.push_back(turn(Side::kClient, quick(random), payloads::tls_close_notify()));
  return p;
}

DatagramPlan TrafficScenario::dns_plan() {
  Random& random = cx_.random;
  AddressPlan::Client& client = addresses_.client(random);
  const AddressPlan::Server& resolver = addresses_.resolver(random);
  DatagramPlan p;
  p.endpoints = endpoints_for(client, AddressPlan::take_port(client), resolver.ip, 53, resolver.ttl, kUdp, random);
  const auto id = static_cast<std::uint16_t>(random.bits());
  const bool ipv6 = random.percent(30);
  const std::uint16_t qtype = ipv6 ? 28 : 1;

  std::string name;
  std::string cname;
  std::vector<std::uint8_t> addresses;
  const auto draw = random.below(100);
  if (draw < 6) {
    // Typos, stale bookmarks, search-domain guesses: NXDOMAIN.
    name = "wpad" + std::to_string(random.below(100)) + ".corp.example.com";
  } else {
    const AddressPlan::Server& target = addresses_.web_server(random);
    name = target.name;
    if (!target.internal && random.percent(30)) cname = "edge-" + std::to_string(random.below(64)) + ".cdn-example.net";
    const auto count = random.percent(60) ? 1 : random.between(2, 4);
    for (std::int64_t i = 0; i < count; ++i) {
      if (ipv6) {
        const std::array<std::uint8_t, 16> v6{0x20,
                                              0x01,
                                              0x0d,
                                              0xb8,
                                              static_cast<std::uint8_t>(random.below(256)),
                                              static_cast<std::uint8_t>(random.below(256)),
                                              0,
                                              0,
                                              0,
                                              0,
                                              0,
                                              0,
                                              0,
                                              0,
                                              static_cast<std::uint8_t>(random.below(256)),
                                              static_cast<std::uint8_t>(random.between(1, 255))};
        addresses.insert(addresses.end(), v6.begin(), v6.end());
      } else {
        const std::uint32_t ip =
            i == 0 ? target.ip : (93u << 24 | 184u << 16 | static_cast<std::uint32_t>(random.below(65536)));
        for (int shift = 24; shift >= 0; shift -= 8) addresses.push_back(static_cast<std::uint8_t>(ip >> shift));
      }
    }
  }
  static constexpr std::array<std::uint32_t, 5> kTtls{30, 60, 300, 3600, 86400};
  const std::string query = payloads::dns_query(id, name, qtype);
  // A cache hit answers within a millisecond; a miss waits for the authoritative servers.
  const std::int64_t answer =
      resolver.rtt_us + (random.percent(70) ? random.between(40, 400) : random.log_uniform(4'000, 150'000));
  p.datagrams.push_back(datagram(Side::kClient, 0, query));
  if (random.percent(3)) p.datagrams.push_back(datagram(Side::kClient, kSecond, query));  // lost answer, retry
  p.datagrams.push_back(
      datagram(Side::kServer, answer, payloads::dns_response(id, name, qtype, cname, addresses, random.pick(kTtls))));
  return p;
}

DatagramPlan TrafficScenario::ping_plan() {
  Random& random = cx_.random;
  // Flow keys of ICMP carry no ports, so two ping sessions between the same pair of hosts would be
  // one flow to a meter: every session gets a pair of its own while one is left.
  AddressPlan::Client* client = &addresses_.client(random);
  const AddressPlan::Server* target = &addresses_.web_server(random);
  for (int attempt = 0; attempt < 16 && !ping_pairs_.insert(std::uint64_t{client->ip} << 32 | target->ip).second;
       ++attempt) {
    client = &addresses_.client(random);
    target = &addresses_.web_server(random);
  }
  DatagramPlan p;
  p.endpoints = endpoints_for(*client, 0, target->ip, 0, target->ttl, kIcmp, random);
  const auto id = static_cast<std::uint16_t>(random.bits());
  const std::int64_t count = random.percent(50) ? 4 : random.between(1, 6);
  const bool answered = !random.percent(5);
  const std::int64_t rtt = target->rtt_us;
  std::int64_t t = cx_.scheduler.now();
  for (std::int64_t seq = 1; seq <= count; ++seq) {
    const std::int64_t since_last = seq == 1 ? 0 : (answered ? kSecond - rtt : kSecond);
    t += since_last;
    DatagramPlan::Datagram request = datagram(Side::kClient, since_last, payloads::ping_data(unix_us(t)));
    request.icmp_type = 8;
    request.icmp_id = id;
    request.icmp_seq = static_cast<std::uint16_t>(seq);
    if (answered) {
      DatagramPlan::Datagram reply = request;
      reply.side = Side::kServer;
      reply.delay_us = rtt;
      reply.icmp_type = 0;
      p.datagrams.push_back(std::move(request));
      p.datagrams.push_back(std::move(reply));
      t += rtt;
    } else {
      p.datagrams.push_back(std::move(request));
    }
  }
  return p;
}

DatagramPlan TrafficScenario::ntp_plan(bool poller, std::int64_t start_us, std::int64_t polls) {
  Random& random = cx_.random;
  // ntpd-style pollers use port 123 on both ends, from a host of their own; one-shot clients
  // (sntp, systemd-timesyncd) an ephemeral port.
  AddressPlan::Client own_host;
  if (poller) own_host = addresses_.fresh_client(random);
  AddressPlan::Client& client = poller ? own_host : addresses_.client(random);
  const AddressPlan::Server& server = addresses_.time_server(random);
  DatagramPlan p;
  p.endpoints =
      endpoints_for(client, poller ? 123 : AddressPlan::take_port(client), server.ip, 123, server.ttl, kUdp, random);
  const std::uint32_t reference = 0xc0000200u | static_cast<std::uint32_t>(random.between(1, 254));  // 192.0.2.x
  std::int64_t request = start_us;
  std::int64_t previous_reply = start_us;
  for (std::int64_t i = 0; i < polls; ++i) {
    if (i > 0) request += 64 * kSecond + random.between(-300'000, 300'000);  // poll interval 2^6 s
    const std::int64_t rtt = server.rtt_us + random.between(20, 400);
    const std::int64_t received = unix_us(request) + rtt / 2;
    p.datagrams.push_back(datagram(Side::kClient, request - previous_reply, payloads::ntp_request(unix_us(request))));
    p.datagrams.push_back(
        datagram(Side::kServer, rtt, payloads::ntp_reply(unix_us(request), received, received + 35, reference)));
    previous_reply = request + rtt;
  }
  return p;
}

DatagramPlan TrafficScenario::ssdp_notify_plan(std::int64_t start_us) {
  Random& random = cx_.random;
  AddressPlan::Client device = addresses_.fresh_client(random);
  DatagramPlan p;
  p.endpoints = endpoints_for(device, 1900, kSsdpGroup, 1900, 0, kUdp, random);
  p.endpoints.client_ttl = 2;  // UPnP keeps announcements on the local network
  const std::string id = uuid(random);
  const std::array<std::string, 3> types{"upnp:rootdevice", "uuid:" + id,
                                         "urn:schemas-upnp-org:device:MediaRenderer:1"};
  const std::int64_t duration = options_.duration_s * kSecond;
  std::int64_t t = start_us;
  std::int64_t delay = 0;
  while (t < duration) {
    for (const std::string& type : types) {
      p.datagrams.push_back(datagram(Side::kClient, delay, payloads::ssdp_notify(device.ip, id, type)));
      delay = random.between(20'000, 120'000);
      t += delay;
    }
    delay = random.between(20 * kSecond, 40 * kSecond);
    t += delay;
  }
  return p;
}

DatagramPlan TrafficScenario::ssdp_search_plan() {
  Random& random = cx_.random;
  AddressPlan::Client& client = addresses_.client(random);
  DatagramPlan p;
  p.endpoints = endpoints_for(client, AddressPlan::take_port(client), kSsdpGroup, 1900, 0, kUdp, random);
  p.endpoints.client_ttl = 2;
  for (int i = 0; i < 4; ++i) {
    p.datagrams.push_back(datagram(Side::kClient, i == 0 ? 0 : random.between(900'000, 1'100'000),
                                   payloads::ssdp_search(i % 2 == 0 ? "ssdp:all" : "upnp:rootdevice")));
  }
  return p;
}

Script TrafficScenario::port_scan(std::int64_t start_us) {
  // A SYN scan of 600 of the first 1024 ports of one internal server, in random order, within
  // about three seconds (less in short captures); closed ports answer RST/ACK, open ones SYN/ACK
  // and get reset.
  Random& random = cx_.random;
  const std::int64_t spacing =
      std::min(3 * kSecond, options_.duration_s * kSecond / 5) / static_cast<std::int64_t>(kScanPorts);
  AddressPlan::Client attacker = addresses_.fresh_client(random);
  const AddressPlan::Server& target = addresses_.internal_server(random);
  const auto source_port = static_cast<std::uint16_t>(random.between(40'000, 65'000));
  std::vector<std::uint16_t> ports(1024);
  std::iota(ports.begin(), ports.end(), std::uint16_t{1});
  for (std::size_t i = ports.size() - 1; i > 0; --i) std::swap(ports[i], ports[random.below(i + 1)]);
  ports.resize(kScanPorts);

  std::int64_t t = start_us;
  for (const std::uint16_t port : ports) {
    co_await Script::at(t);
    TcpPlan p;
    p.endpoints = endpoints_for(attacker, source_port, target.ip, port, target.ttl, kTcp, random);
    p.attack_category = kReconnaissance;
    p.rtt_us = target.rtt_us;
    const bool open = port == 22 || port == 80 || port == 443;
    p.opening = open ? TcpPlan::Opening::kHalfOpen : TcpPlan::Opening::kRefused;
    cx_.scheduler.spawn(tcp_session(cx_, std::move(p)), t);
    t += random.between(spacing / 5, spacing * 9 / 5);
  }
}

Script TrafficScenario::ddos(std::int64_t start_us) {
  // Hundreds of spoofed public sources hitting one web server within two seconds (less in short
  // captures): lone SYNs and short bursts of small UDP datagrams.
  Random& random = cx_.random;
  const AddressPlan::Server& target = addresses_.internal_server(random);
  const std::int64_t window = std::min(2 * kSecond, options_.duration_s * kSecond / 5);
  const std::int64_t burst_gap = window / 32;
  for (std::uint64_t i = 0; i < kDdosSources; ++i) {
    const auto slot = static_cast<std::int64_t>(i) * window / static_cast<std::int64_t>(kDdosSources);
    const std::int64_t t = start_us + slot + random.between(0, window / static_cast<std::int64_t>(kDdosSources) - 1);
    co_await Script::at(t);
    AddressPlan::Client source;
    source.ip = AddressPlan::random_public(random);
    source.ttl = static_cast<std::uint8_t>(random.between(30, 120));
    const auto port = static_cast<std::uint16_t>(random.between(1'024, 65'535));
    if (random.percent(65)) {
      TcpPlan p;
      p.endpoints = endpoints_for(source, port, target.ip, 80, target.ttl, kTcp, random);
      p.attack_category = kDos;
      p.opening = TcpPlan::Opening::kUnanswered;
      cx_.scheduler.spawn(tcp_session(cx_, std::move(p)), t);
    } else {
      DatagramPlan p;
      p.endpoints = endpoints_for(source, port, target.ip, 80, target.ttl, kUdp, random);
      p.attack_category = kDos;
      const std::int64_t count = random.between(4, 16);
      for (std::int64_t k = 0; k < count; ++k) {
        // Flood tools send zero-filled padding; only the rate matters to them.
        std::string junk(static_cast<std::size_t>(random.between(8, 48)), '\0');
        p.datagrams.push_back(
            datagram(Side::kClient, k == 0 ? 0 : random.between(burst_gap / 30, burst_gap), std::move(junk)));
      }
      cx_.scheduler.spawn(datagram_session(cx_, std::move(p)), t);
    }
  }
}

}  // namespace flowfeat::gen
