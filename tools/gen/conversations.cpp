#include "conversations.hpp"

#include <algorithm>
#include <deque>

#include "packet_writer.hpp"
#include "random.hpp"
#include "scheduler.hpp"
#include "tcp_connection.hpp"
#include "truth_writer.hpp"

namespace flowfeat::gen {
namespace {

constexpr std::int64_t kDelayedAckUs = 40'000;    // receivers answer a lone segment within this time
constexpr std::int64_t kFrameOverheadBytes = 54;  // Ethernet, IPv4 and TCP headers per segment
constexpr std::uint16_t kWindowField = 2048;      // with window scale 7: 256 KiB
constexpr std::int64_t kWindowBytes = std::int64_t{kWindowField} << 7;

// A host answering right next to the capture point: tens to hundreds of microseconds.
std::int64_t local_delay(Random& random) { return random.between(20, 250); }

struct PendingAck {
  std::int64_t time_us;
  std::uint32_t ack;
};

}  // namespace

Script tcp_session(Context& cx, TcpPlan plan) {
  Random& random = cx.random;
  const std::int64_t rtt = std::max<std::int64_t>(plan.rtt_us, 100);
  TcpConnection tcp(cx.writer, plan.endpoints, static_cast<std::uint32_t>(random.bits()),
                    static_cast<std::uint32_t>(random.bits()), kWindowField, kWindowField);
  cx.truth.add(plan.endpoints, plan.attack_category);
  std::int64_t t = cx.scheduler.now();

  tcp.syn();
  if (plan.opening == TcpPlan::Opening::kUnanswered) co_return;
  t += rtt;
  co_await Script::at(t);
  if (plan.opening == TcpPlan::Opening::kRefused) {
    tcp.refuse();
    co_return;
  }
  tcp.syn_ack();
  t += local_delay(random);
  co_await Script::at(t);
  if (plan.opening == TcpPlan::Opening::kHalfOpen) {
    tcp.rst(Side::kClient, false);
    co_return;
  }
  tcp.ack(Side::kClient);

  // Senders pace bulk data at the path bandwidth, but never faster than the receive window allows
  // per round trip, so the bytes in flight stay below the window.
  const std::int64_t window_rate_bps = kWindowBytes * 9 / 10 * 8 * 1'000'000 / rtt;
  const std::int64_t rate_bps = std::max<std::int64_t>(1000, std::min(plan.bandwidth_bps, window_rate_bps));
  std::int64_t last_data = t;
  std::deque<PendingAck> pending;
  for (std::size_t i = 0; i < plan.turns.size(); ++i) {
    TcpPlan::Turn& turn = plan.turns[i];
    const Side tx = turn.side;
    const Side rx = other(tx);
    // The capture point sits next to the client: the client's ACKs show up at once, the server's
    // one round trip after the data they acknowledge.
    const std::int64_t ack_lag = rx == Side::kServer ? rtt : 0;
    const bool answer_follows =
        i + 1 < plan.turns.size() && plan.turns[i + 1].side == rx && plan.turns[i + 1].delay_us < kDelayedAckUs;
    std::int64_t next = std::max(cx.scheduler.now(), last_data + turn.delay_us + (tx == Side::kServer ? rtt : 0));
    std::int64_t last_ack = cx.scheduler.now();
    unsigned segments = 0;
    while (!turn.message.done() || !pending.empty()) {
      if (!turn.message.done() && (pending.empty() || next <= pending.front().time_us)) {
        co_await Script::at(next);
        const std::size_t n = tcp.send(tx, turn.message);
        ++segments;
        last_data = next;
        const bool last = turn.message.done();
        // Delayed ACK: every second segment, and the last one unless the answer carries the ACK.
        if ((!last && segments % 2 == 0) || (last && !answer_follows)) {
          last_ack = std::max(last_ack, next + ack_lag + local_delay(random));
          pending.push_back(PendingAck{last_ack, tcp.next_seq(tx)});
        }
        next += std::max<std::int64_t>(1, (static_cast<std::int64_t>(n) + kFrameOverheadBytes) * 8'000'000 / rate_bps);
      } else {
        const PendingAck a = pending.front();
        pending.pop_front();
        co_await Script::at(a.time_us);
        tcp.ack(rx, a.ack);
      }
    }
  }

  switch (plan.closing) {
    case TcpPlan::Closing::kClientFin:
      t = std::max(cx.scheduler.now(), last_data + random.log_uniform(200, 500'000));
      co_await Script::at(t);
      tcp.fin(Side::kClient);
      t += rtt;
      co_await Script::at(t);
      tcp.fin(Side::kServer);
      t += local_delay(random);
      co_await Script::at(t);
      tcp.ack(Side::kClient);
      break;
    case TcpPlan::Closing::kServerFin:
      t = std::max(cx.scheduler.now(), last_data + rtt + random.log_uniform(200, 2'000'000));
      co_await Script::at(t);
      tcp.fin(Side::kServer);
      t += local_delay(random);
      co_await Script::at(t);
      tcp.fin(Side::kClient);
      t += rtt;
      co_await Script::at(t);
      tcp.ack(Side::kServer);
      break;
    case TcpPlan::Closing::kClientRst:
      t = std::max(cx.scheduler.now(), last_data + random.log_uniform(200, 500'000));
      co_await Script::at(t);
      tcp.rst(Side::kClient, true);
      break;
    case TcpPlan::Closing::kServerRst:
      t = std::max(cx.scheduler.now(), last_data + rtt + random.log_uniform(200, 500'000));
      co_await Script::at(t);
      tcp.rst(Side::kServer, true);
      break;
  }
}

Script datagram_session(Context& cx, DatagramPlan plan) {
  std::int64_t t = cx.scheduler.now();
  for (std::size_t i = 0; i < plan.datagrams.size(); ++i) {
    DatagramPlan::Datagram& d = plan.datagrams[i];
    if (d.delay_us > 0) {
      t += d.delay_us;
      co_await Script::at(t);
    }
    if (i == 0) cx.truth.add(plan.endpoints, plan.attack_category);
    const std::span<const std::uint8_t> payload(reinterpret_cast<const std::uint8_t*>(d.payload.data()),
                                                d.payload.size());
    if (plan.endpoints.protocol == kIcmp) {
      cx.writer.icmp(plan.endpoints, d.side, d.icmp_type, d.icmp_id, d.icmp_seq, payload);
    } else {
      cx.writer.udp(plan.endpoints, d.side, payload);
    }
    std::string().swap(d.payload);  // long-lived senders keep only what is still to come
  }
}

}  // namespace flowfeat::gen
