#pragma once

#include "context.hpp"
#include "datagram_plan.hpp"
#include "script.hpp"
#include "tcp_plan.hpp"

namespace flowfeat::gen {

// Scripts that play one planned conversation from the time they are spawned at. Each writes its
// ground-truth row when it sends its first packet.
Script tcp_session(Context& cx, TcpPlan plan);
Script datagram_session(Context& cx, DatagramPlan plan);

}  // namespace flowfeat::gen
