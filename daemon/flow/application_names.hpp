#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace flowfeat {

// Application names as the reference reports them. The reference (NFStream 6.5.4) links nDPI
// 4.7.0-dev (commit 4bb8513); flowfeat links Debian's nDPI 4.2. These tables hold what changed in
// between for names and for guesses; each entry names the nDPI change it comes from. The rules
// that need nDPI's flow state (classification by address, when a guess applies) are in
// application_classifier.cpp. See docs/FIDELITY.md.
class ReferenceApplicationNames {
 public:
  // The reference's name for the protocol Debian's nDPI calls `name`: the same name, the new one,
  // or empty when the reference's nDPI no longer has the protocol. Empty in, empty out.
  static std::string_view protocol(std::string_view name) noexcept;

  // The reference's default protocol of a TCP or UDP port, given Debian's (empty for none).
  static std::string_view port_default(std::uint8_t ip_protocol, std::uint16_t port,
                                       std::string_view debian_default) noexcept;

  // The reference's guess for a transport without ports (ESP, PIM, ...), given Debian's.
  static std::string_view ip_protocol_guess(std::uint8_t ip_protocol, std::string_view debian_guess) noexcept;

  // Whether the sender of a flow's first packet is the client, as the reference's nDPI decides it
  // for its guess by port (server port first): a SYN says so, else the side on a port below 1024
  // is the server, else the sender is the client.
  static bool first_sender_is_client(bool tcp_syn, bool tcp_ack, std::uint16_t src_port,
                                     std::uint16_t dst_port) noexcept;

  // nDPI's "Master.App": both when they differ, else the one present, else "Unknown".
  // NUL-terminated into buffer, cut to fit.
  static void compose(std::string_view master, std::string_view app, char* buffer, std::size_t size) noexcept;
};

}  // namespace flowfeat
