#include "tcp_connection.hpp"

#include <array>

namespace flowfeat::gen {
namespace {

// MSS 1460, NOP, window scale 7, NOP, NOP, SACK permitted: what a Linux client announces.
constexpr std::array<std::uint8_t, 12> kSynOptions{0x02, 0x04, 0x05, 0xb4, 0x01, 0x03,
                                                   0x03, 0x07, 0x01, 0x01, 0x04, 0x02};
constexpr std::uint16_t kSynWindow = 64240;

}  // namespace

TcpConnection::TcpConnection(PacketWriter& writer, const Endpoints& endpoints, std::uint32_t client_isn,
                             std::uint32_t server_isn, std::uint16_t client_window, std::uint16_t server_window)
    : writer_(writer),
      endpoints_(endpoints),
      next_seq_{client_isn, server_isn},
      window_{client_window, server_window} {}

void TcpConnection::emit(Side from, std::uint8_t flags, std::uint32_t seq, std::uint32_t ack, std::uint16_t window,
                         std::span<const std::uint8_t> options, std::span<const std::uint8_t> payload) {
  const bool client = from == Side::kClient;
  FrameBuilder::Tcp t;
  t.src_port = client ? endpoints_.client_port : endpoints_.server_port;
  t.dst_port = client ? endpoints_.server_port : endpoints_.client_port;
  t.seq = seq;
  t.ack = ack;
  t.flags = flags;
  t.window = window;
  t.options = options;
  writer_.tcp(endpoints_, from, t, payload);
}

void TcpConnection::syn() {
  emit(Side::kClient, FrameBuilder::kSyn, next_seq_[0], 0, kSynWindow, kSynOptions, {});
  ++next_seq_[0];
}

void TcpConnection::syn_ack() {
  emit(Side::kServer, FrameBuilder::kSyn | FrameBuilder::kAck, next_seq_[1], next_seq_[0], kSynWindow, kSynOptions, {});
  ++next_seq_[1];
}

void TcpConnection::ack(Side from) { ack(from, next_seq(other(from))); }

void TcpConnection::ack(Side from, std::uint32_t ack) {
  const std::size_t i = index(from);
  emit(from, FrameBuilder::kAck, next_seq_[i], ack, window_[i], {}, {});
}

std::size_t TcpConnection::send(Side from, Message& message) {
  const std::size_t i = index(from);
  const auto buffer = writer_.scratch();
  const std::size_t n = message.read(buffer.data(), kMss);
  const std::uint8_t flags = message.done() ? FrameBuilder::kAck | FrameBuilder::kPsh : FrameBuilder::kAck;
  emit(from, flags, next_seq_[i], next_seq(other(from)), window_[i], {}, buffer.first(n));
  next_seq_[i] += static_cast<std::uint32_t>(n);
  return n;
}

void TcpConnection::fin(Side from) {
  const std::size_t i = index(from);
  emit(from, FrameBuilder::kFin | FrameBuilder::kAck, next_seq_[i], next_seq(other(from)), window_[i], {}, {});
  ++next_seq_[i];
}

void TcpConnection::rst(Side from, bool with_ack) {
  const std::size_t i = index(from);
  const std::uint8_t flags = with_ack ? FrameBuilder::kRst | FrameBuilder::kAck : FrameBuilder::kRst;
  emit(from, flags, next_seq_[i], with_ack ? next_seq(other(from)) : 0, with_ack ? window_[i] : 0, {}, {});
}

void TcpConnection::refuse() {
  emit(Side::kServer, FrameBuilder::kRst | FrameBuilder::kAck, 0, next_seq_[0], 0, {}, {});
}

}  // namespace flowfeat::gen
