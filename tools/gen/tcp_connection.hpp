#pragma once

#include <cstdint>

#include "endpoints.hpp"
#include "message.hpp"
#include "packet_writer.hpp"

namespace flowfeat::gen {

// Sequence-number bookkeeping of one TCP connection; every call emits one segment at the current
// time. Segments are always in order and never lost, so a TCP analyser finds nothing to flag.
class TcpConnection {
 public:
  static constexpr std::size_t kMss = 1460;

  TcpConnection(PacketWriter& writer, const Endpoints& endpoints, std::uint32_t client_isn, std::uint32_t server_isn,
                std::uint16_t client_window, std::uint16_t server_window);

  void syn();
  void syn_ack();
  // Pure ACK from `from` acknowledging the peer's bytes up to ack (defaults to everything sent).
  void ack(Side from);
  void ack(Side from, std::uint32_t ack);
  // Sends the next segment of message (at most one MSS); PSH marks the end of the message.
  std::size_t send(Side from, Message& message);
  void fin(Side from);
  void rst(Side from, bool with_ack);
  // Answer of a closed port to a SYN.
  void refuse();

  std::uint32_t next_seq(Side s) const noexcept { return next_seq_[index(s)]; }
  const Endpoints& endpoints() const noexcept { return endpoints_; }

 private:
  static std::size_t index(Side s) noexcept { return s == Side::kClient ? 0 : 1; }
  void emit(Side from, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack, std::uint16_t window,
            std::span<const std::uint8_t> options, std::span<const std::uint8_t> payload);

  PacketWriter& writer_;
  Endpoints endpoints_;
  std::uint32_t next_seq_[2];
  std::uint16_t window_[2];  // scaled by 2^7, announced in the SYNs
};

}  // namespace flowfeat::gen
