#include "application_names.hpp"

#include <algorithm>
#include <cstring>
#include <netinet/in.h>

namespace flowfeat {
namespace {

struct Rename {
  std::string_view debian;     // nDPI 4.2's name
  std::string_view reference;  // nDPI 4bb8513's name; empty: the protocol is gone
};

// Protocols renamed or removed between nDPI 4.2 and 4bb8513 (commits of ntop/nDPI).
constexpr Rename kRenames[] = {
    {"DCE_RPC", "RPC"},                 // 0dd5ac89f: DCERPC becomes the more generic RPC
    {"Hotmail", "Outlook"},             // a6ff0dd0e (#1436): HOTMAIL becomes MS_OUTLOOK
    {"SkypeCall", "Skype_TeamsCall"},   // cedbd3203: SkypeCall -> Skype_TeamsCall
    {"IPsec", "IPSec"},                 // 20a29c393 (#1600): IPSec/ISAKMP rework
    {"Collectd", "collectd"},           // 7aee856aa removed it, 432de5eb5 (#1601) re-added it
    {"Z39.50", "Z3950"},                // d393fb969: the '.' broke the naming convention
    {"QQLive", ""},                     // 7aee856aa (#1476): ids never used
    {"RemoteScan", ""},                 //   same
    {"Direct_Download_Link", ""},       // 3de76812d (#1832): old OpenDPI-era protocols removed
    {"AppleJuice", ""},
    {"DirectConnect", ""},
    {"OpenFT", ""},
    {"FastTrack", ""},
    {"ShoutCast", ""},
    {"Thunder", ""},
    {"Ayiya", ""},
    {"Stealthnet", ""},
    {"Fiesta", ""},
    {"Florensia", ""},
    {"Aimini", ""},
    {"Sopcast", ""},
};

struct PortDefault {
  std::uint8_t ip_protocol;
  std::uint16_t port;
  std::string_view reference;
};

// Default ports that changed between nDPI 4.2 and 4bb8513, beyond the renames above (a port of a
// removed protocol has no default any more through kRenames).
constexpr PortDefault kPortDefaults[] = {
    {IPPROTO_TCP, 587, "SMTP"},          // 008a1790e: 587 is submission, not SMTPS
    {IPPROTO_TCP, 601, "Syslog"},        // 4296ec969: syslog over TCP
    {IPPROTO_TCP, 6514, "Syslog"},       //   same
    {IPPROTO_TCP, 2190, "TiVoConnect"},  // 2e25c3639 (#1699): new protocol
    {IPPROTO_UDP, 2190, "TiVoConnect"},
    {IPPROTO_TCP, 4949, "Munin"},        // 29242cbcb: new protocol
    {IPPROTO_TCP, 8013, "FortiClient"},  // 9a34d870e: FortiClient default ports
    {IPPROTO_TCP, 8014, "FortiClient"},
    {IPPROTO_TCP, 9999, "TPLINK_SHP"},   // b8972d1b3 (#1841): new protocol
    {IPPROTO_UDP, 9999, "TPLINK_SHP"},
    {IPPROTO_UDP, 853, "DoH_DoT"},       // f822aad8b (#1548): DNS over QUIC
    {IPPROTO_UDP, 1985, "HSRP"},         // be5a29ba9: new protocol
    {IPPROTO_UDP, 4789, "VXLAN"},        // 4cf853548 (#1439): new protocol
    {IPPROTO_UDP, 5055, "TocaBoca"},     // dbf2fb8c9 (#1517): new protocol
    {IPPROTO_UDP, 5351, "NAT-PMP"},      // de020b174 (#1738): new protocol
    {IPPROTO_UDP, 6667, "TuyaLP"},       // 9854aed40 (#1838): new protocol
    {IPPROTO_UDP, 41641, "Tailscale"},   // ccc5a2071 (#1857): new protocol
};

struct IpProtocolGuess {
  std::uint8_t ip_protocol;
  std::string_view reference;
};

// Transports without ports that the reference's nDPI guesses and nDPI 4.2 does not.
constexpr IpProtocolGuess kIpProtocolGuesses[] = {
    {103, "IP_PIM"},  // e2cc08bfe (#1599): PIM
    {113, "PGM"},     // 11babc7ea: Pragmatic General Multicast
};

}  // namespace

std::string_view ReferenceApplicationNames::protocol(std::string_view name) noexcept {
  const auto* it = std::find_if(std::begin(kRenames), std::end(kRenames),
                                [&](const Rename& r) { return r.debian == name; });
  return it == std::end(kRenames) ? name : it->reference;
}

std::string_view ReferenceApplicationNames::port_default(std::uint8_t ip_protocol, std::uint16_t port,
                                                         std::string_view debian_default) noexcept {
  const auto* it = std::find_if(std::begin(kPortDefaults), std::end(kPortDefaults), [&](const PortDefault& d) {
    return d.ip_protocol == ip_protocol && d.port == port;
  });
  return it == std::end(kPortDefaults) ? protocol(debian_default) : it->reference;
}

std::string_view ReferenceApplicationNames::ip_protocol_guess(std::uint8_t ip_protocol,
                                                              std::string_view debian_guess) noexcept {
  const auto* it = std::find_if(std::begin(kIpProtocolGuesses), std::end(kIpProtocolGuesses),
                                [&](const IpProtocolGuess& g) { return g.ip_protocol == ip_protocol; });
  return it == std::end(kIpProtocolGuesses) ? protocol(debian_guess) : it->reference;
}

// e6b332aa4 (#1671) made the guess by port look at the server's port first (nDPI 4.2 looked at the
// lower port first), with this client/server heuristic; NFStream passes no direction hint.
bool ReferenceApplicationNames::first_sender_is_client(bool tcp_syn, bool tcp_ack, std::uint16_t src_port,
                                                       std::uint16_t dst_port) noexcept {
  if (tcp_syn) return !tcp_ack;
  if (src_port > 1024 && dst_port < 1024) return true;
  if (src_port < 1024 && dst_port > 1024) return false;
  return true;
}

void ReferenceApplicationNames::compose(std::string_view master, std::string_view app, char* buffer,
                                        std::size_t size) noexcept {
  if (size == 0) return;
  std::string_view first = app, second;
  if (!master.empty() && master != app) {
    first = master;
    second = app;
  }
  if (first.empty()) first = "Unknown";
  std::size_t n = std::min(first.size(), size - 1);
  std::memcpy(buffer, first.data(), n);
  if (!second.empty() && n + 1 < size) {
    buffer[n++] = '.';
    const std::size_t m = std::min(second.size(), size - 1 - n);
    std::memcpy(buffer + n, second.data(), m);
    n += m;
  }
  buffer[n] = '\0';
}

}  // namespace flowfeat
