// Application names in the reference's way: one test per rule of ReferenceApplicationNames and of
// the classifier's use of it (docs/FIDELITY.md, "Application names").
#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "../../daemon/flow/application_names.hpp"
#include "flowfeat/flow/application_classifier.hpp"

namespace flowfeat {
namespace {

using Names = ReferenceApplicationNames;

constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kUdp = 17;

// --- The tables ---

TEST(ReferenceApplicationNames, RenamedProtocolsTakeTheReferenceName) {
  EXPECT_EQ(Names::protocol("DCE_RPC"), "RPC");
  EXPECT_EQ(Names::protocol("Hotmail"), "Outlook");
  EXPECT_EQ(Names::protocol("SkypeCall"), "Skype_TeamsCall");
  EXPECT_EQ(Names::protocol("IPsec"), "IPSec");
  EXPECT_EQ(Names::protocol("Collectd"), "collectd");
  EXPECT_EQ(Names::protocol("Z39.50"), "Z3950");
}

TEST(ReferenceApplicationNames, RemovedProtocolsHaveNoName) {
  for (const char* removed : {"QQLive", "RemoteScan", "Direct_Download_Link", "AppleJuice", "DirectConnect",
                              "OpenFT", "FastTrack", "ShoutCast", "Thunder", "Ayiya", "Stealthnet", "Fiesta",
                              "Florensia", "Aimini", "Sopcast"}) {
    EXPECT_EQ(Names::protocol(removed), "") << removed;
  }
}

TEST(ReferenceApplicationNames, OtherNamesAreKept) {
  EXPECT_EQ(Names::protocol("TLS"), "TLS");
  EXPECT_EQ(Names::protocol("Skype_Teams"), "Skype_Teams");
  EXPECT_EQ(Names::protocol(""), "");
}

TEST(ReferenceApplicationNames, NewDefaultPorts) {
  const std::array<std::tuple<std::uint8_t, std::uint16_t, const char*>, 17> kNew = {{
      {kTcp, 587, "SMTP"},        {kTcp, 601, "Syslog"},      {kTcp, 6514, "Syslog"},
      {kTcp, 2190, "TiVoConnect"}, {kUdp, 2190, "TiVoConnect"}, {kTcp, 4949, "Munin"},
      {kTcp, 8013, "FortiClient"}, {kTcp, 8014, "FortiClient"}, {kTcp, 9999, "TPLINK_SHP"},
      {kUdp, 9999, "TPLINK_SHP"},  {kUdp, 853, "DoH_DoT"},      {kUdp, 1985, "HSRP"},
      {kUdp, 4789, "VXLAN"},       {kUdp, 5055, "TocaBoca"},    {kUdp, 5351, "NAT-PMP"},
      {kUdp, 6667, "TuyaLP"},      {kUdp, 41641, "Tailscale"},
  }};
  for (const auto& [protocol, port, name] : kNew) {
    EXPECT_EQ(Names::port_default(protocol, port, ""), name) << int(protocol) << "/" << port;
  }
  EXPECT_EQ(Names::port_default(kTcp, 587, "SMTPS"), "SMTP");  // moved from SMTPS
}

TEST(ReferenceApplicationNames, OtherDefaultPortsFollowTheRenames) {
  EXPECT_EQ(Names::port_default(kTcp, 443, "TLS"), "TLS");
  EXPECT_EQ(Names::port_default(kTcp, 135, "DCE_RPC"), "RPC");
  EXPECT_EQ(Names::port_default(kUdp, 5072, "Ayiya"), "");
  EXPECT_EQ(Names::port_default(kUdp, 6667, ""), "TuyaLP");
  EXPECT_EQ(Names::port_default(kTcp, 6667, "IRC"), "IRC");  // the new default is UDP only
}

TEST(ReferenceApplicationNames, GuessesByIpProtocol) {
  EXPECT_EQ(Names::ip_protocol_guess(103, ""), "IP_PIM");
  EXPECT_EQ(Names::ip_protocol_guess(113, ""), "PGM");
  EXPECT_EQ(Names::ip_protocol_guess(50, "IPsec"), "IPSec");
  EXPECT_EQ(Names::ip_protocol_guess(1, "ICMP"), "ICMP");
  EXPECT_EQ(Names::ip_protocol_guess(200, ""), "");
}

TEST(ReferenceApplicationNames, ClientAndServerForTheGuessByPort) {
  EXPECT_TRUE(Names::first_sender_is_client(true, false, 80, 50000));    // SYN
  EXPECT_FALSE(Names::first_sender_is_client(true, true, 50000, 80));    // SYN+ACK
  EXPECT_TRUE(Names::first_sender_is_client(false, false, 50000, 80));   // to a port below 1024
  EXPECT_FALSE(Names::first_sender_is_client(false, true, 80, 50000));   // from a port below 1024
  EXPECT_TRUE(Names::first_sender_is_client(false, false, 1080, 20000));  // otherwise the sender
  EXPECT_TRUE(Names::first_sender_is_client(false, false, 53, 53));
}

std::string composed(std::string_view master, std::string_view app, std::size_t size = 48) {
  std::vector<char> buffer(size, 'x');
  Names::compose(master, app, buffer.data(), buffer.size());
  return buffer.data();
}

TEST(ReferenceApplicationNames, ComposesLikeNdpi) {
  EXPECT_EQ(composed("TLS", "Google"), "TLS.Google");
  EXPECT_EQ(composed("TLS", ""), "TLS");
  EXPECT_EQ(composed("", "DNS"), "DNS");
  EXPECT_EQ(composed("DNS", "DNS"), "DNS");
  EXPECT_EQ(composed("", ""), "Unknown");
  EXPECT_EQ(composed("TLS", "Google", 6), "TLS.G");
  EXPECT_EQ(composed("HTTP", "Google", 5), "HTTP");
}

// --- The classifier: nDPI 4.2's answers reported under the reference's names ---

struct Endpoints {
  std::array<std::uint8_t, 4> src;
  std::array<std::uint8_t, 4> dst;
};

// An IPv4 packet: UDP, TCP (with `tcp_flags`) or another protocol carrying `payload` as is.
std::vector<std::uint8_t> ipv4(std::uint8_t protocol, Endpoints e, std::uint16_t src_port, std::uint16_t dst_port,
                               const std::vector<std::uint8_t>& payload, std::uint8_t tcp_flags = 0x18) {
  std::vector<std::uint8_t> l4;
  auto put16 = [&](std::uint16_t v) {
    l4.push_back(static_cast<std::uint8_t>(v >> 8));
    l4.push_back(static_cast<std::uint8_t>(v));
  };
  if (protocol == kUdp) {
    put16(src_port);
    put16(dst_port);
    put16(static_cast<std::uint16_t>(8 + payload.size()));
    put16(0);
  } else if (protocol == kTcp) {
    put16(src_port);
    put16(dst_port);
    l4.insert(l4.end(), {0, 0, 0, 1, 0, 0, 0, 1, 0x50, tcp_flags, 0xff, 0xff, 0, 0, 0, 0});
  }
  l4.insert(l4.end(), payload.begin(), payload.end());
  const std::size_t total = 20 + l4.size();
  std::vector<std::uint8_t> ip = {0x45, 0, static_cast<std::uint8_t>(total >> 8), static_cast<std::uint8_t>(total),
                                  0, 0, 0x40, 0, 64, protocol, 0, 0};
  ip.insert(ip.end(), e.src.begin(), e.src.end());
  ip.insert(ip.end(), e.dst.begin(), e.dst.end());
  ip.insert(ip.end(), l4.begin(), l4.end());
  return ip;
}

DecodedPacket view(const std::vector<std::uint8_t>& ip, std::uint8_t protocol, std::uint16_t src_port,
                   std::uint16_t dst_port) {
  DecodedPacket p;
  p.ip_header = ip.data();
  p.ip_captured_length = static_cast<std::uint16_t>(ip.size());
  p.ip_version = 4;
  p.protocol = protocol;
  if (protocol == kTcp || protocol == kUdp) {
    p.src_port = src_port;
    p.dst_port = dst_port;
  }
  return p;
}

// Classifies a flow of `packets` copies of one packet, gives up, and returns its name.
std::string classify(std::uint8_t protocol, Endpoints e, std::uint16_t src_port, std::uint16_t dst_port,
                     const std::vector<std::uint8_t>& payload, int packets = 1, std::uint8_t tcp_flags = 0x18) {
  ApplicationClassifier classifier(20);
  ClassificationState state;
  const auto ip = ipv4(protocol, e, src_port, dst_port, payload, tcp_flags);
  const DecodedPacket packet = view(ip, protocol, src_port, dst_port);
  EXPECT_TRUE(classifier.start(state, packet, 1000));
  for (int i = 2; i <= packets; ++i) classifier.update(state, packet, 1000 + i, i);
  classifier.finish(state);
  char buffer[48];
  classifier.name(state, buffer, sizeof(buffer));
  return buffer;
}

std::vector<std::uint8_t> dns_query(const std::vector<std::string>& labels) {
  std::vector<std::uint8_t> dns = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
  for (const std::string& label : labels) {
    dns.push_back(static_cast<std::uint8_t>(label.size()));
    dns.insert(dns.end(), label.begin(), label.end());
  }
  dns.insert(dns.end(), {0, 0x00, 0x01, 0x00, 0x01});
  return dns;
}

const std::vector<std::uint8_t> kJunk = {0x5a, 0x17, 0xc3, 0x99, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06,
                                         0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};
constexpr Endpoints kPrivate = {{10, 0, 0, 1}, {10, 0, 0, 2}};
constexpr Endpoints kToGoogleDns = {{10, 0, 0, 1}, {8, 8, 8, 8}};  // Google in nDPI's address list

TEST(ReferenceApplicationNamesInClassifier, AddressListNoLongerNamesTheApplication) {
  // nDPI 4.2: "DNS.Google" because of 8.8.8.8.
  EXPECT_EQ(classify(kUdp, kToGoogleDns, 40000, 53, dns_query({"example", "com"})), "DNS");
}

TEST(ReferenceApplicationNamesInClassifier, ServerNameStillNamesTheApplication) {
  EXPECT_EQ(classify(kUdp, kToGoogleDns, 40000, 53, dns_query({"www", "google", "com"})), "DNS.Google");
  EXPECT_EQ(classify(kUdp, kPrivate, 40000, 53, dns_query({"www", "google", "com"})), "DNS.Google");
}

TEST(ReferenceApplicationNamesInClassifier, GuessByAddressAloneIsUnknown) {
  // nDPI 4.2 gives up with "Google".
  EXPECT_EQ(classify(kUdp, kToGoogleDns, 40000, 40001, kJunk), "Unknown");
}

TEST(ReferenceApplicationNamesInClassifier, GuessByPortKeepsOnlyThePort) {
  // nDPI 4.2 gives up with "TLS.Google": the port's guess with the address's.
  EXPECT_EQ(classify(kTcp, kToGoogleDns, 40000, 443, kJunk, 3), "TLS");
}

TEST(ReferenceApplicationNamesInClassifier, GuessByPortLooksAtTheServerPortFirst) {
  // nDPI 4.2 took the lower port (SOCKS on 1080); the sender of a first packet that is not a SYN,
  // both ports above 1024, is the client, so 20000 (DNP3) is the server's.
  EXPECT_EQ(classify(kTcp, kPrivate, 1080, 20000, kJunk, 3), "DNP3");
  // A SYN+ACK comes from the server.
  EXPECT_EQ(classify(kTcp, kPrivate, 1080, 20000, {}, 1, 0x12), "SOCKS");
}

TEST(ReferenceApplicationNamesInClassifier, GuessByPortUsesTheReferenceDefaults) {
  EXPECT_EQ(classify(kUdp, kPrivate, 40000, 4789, kJunk), "VXLAN");    // new protocol
  EXPECT_EQ(classify(kTcp, kPrivate, 40000, 135, kJunk, 3), "RPC");    // renamed protocol
  EXPECT_EQ(classify(kUdp, kPrivate, 40000, 5072, kJunk), "Unknown");  // removed protocol (Ayiya)
}

TEST(ReferenceApplicationNamesInClassifier, RuledOutQuicIsStillGuessedByPort) {
  // nDPI 4.2 drops the guess once its QUIC dissector has ruled the flow out; the reference keeps it.
  EXPECT_EQ(classify(kUdp, kPrivate, 40000, 443, kJunk, 3), "QUIC");
}

TEST(ReferenceApplicationNamesInClassifier, RuledOutSnmpIsStillNotGuessed) {
  EXPECT_EQ(classify(kUdp, kPrivate, 40000, 161, kJunk, 3), "Unknown");
}

TEST(ReferenceApplicationNamesInClassifier, GuessByIpProtocol) {
  EXPECT_EQ(classify(103, kPrivate, 0, 0, kJunk), "IP_PIM");
  EXPECT_EQ(classify(113, kPrivate, 0, 0, kJunk), "PGM");
  EXPECT_EQ(classify(50, kPrivate, 0, 0, kJunk), "IPSec");  // renamed
}

}  // namespace
}  // namespace flowfeat
