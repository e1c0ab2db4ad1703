# Shared helpers of the live tests (sourced). Each test gets its own network namespace holding a veth
# pair: frames sent into "ffsend" arrive on "ffcap", where flowfeatd captures. Nothing leaves the
# namespace, and its loopback serves the metrics endpoint (and Prometheus) of the test alone.
#
# A test that cannot run here (not root, no network namespaces, a tool missing) exits 77, which CTest
# reports as skipped, unless FLOWFEAT_REQUIRE_LIVE=1 (CI), where it fails instead.

set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../support/shell_helpers.sh"

live_skip() {
  if [ "${FLOWFEAT_REQUIRE_LIVE:-0}" = 1 ]; then
    echo "FAIL (FLOWFEAT_REQUIRE_LIVE=1): $*" >&2
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}

live_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# live_require TOOL...: skips unless running as root with every tool present.
live_require() {
  [ "$(id -u)" -eq 0 ] || live_skip "needs root (network namespaces)"
  local tool
  for tool in ip "$@"; do
    command -v "$tool" >/dev/null || live_skip "$tool is not installed"
  done
}

# live_capture FILE: a shared capture by its path under FLOWFEAT_PCAP_DIR; skips when absent.
live_capture() {
  local path=${FLOWFEAT_PCAP_DIR:-}/$1
  [ -n "${FLOWFEAT_PCAP_DIR:-}" ] && [ -f "$path" ] || live_skip "capture $1 not found (FLOWFEAT_PCAP_DIR)"
  echo "$path"
}

LIVE_NS=""
LIVE_DIR=""
LIVE_PIDS=()

live_cleanup() {
  local pid
  # Children too: trafgen runs its senders in processes of their own, which outlive their parent.
  for pid in "${LIVE_PIDS[@]}"; do
    pkill -9 -P "$pid" 2>/dev/null || true
    kill -9 "$pid" 2>/dev/null || true
  done
  [ -n "$LIVE_NS" ] && ip netns del "$LIVE_NS" 2>/dev/null || true
  [ -n "$LIVE_DIR" ] && [ -z "${FLOWFEAT_KEEP_LIVE_DIR:-}" ] && rm -rf "$LIVE_DIR"
  return 0
}

# live_setup: creates the namespace and the veth pair (IPv6 off, so the kernel sends nothing of its
# own), and a scratch folder LIVE_DIR. Everything is removed on exit.
live_setup() {
  LIVE_NS="ffl-$$-$RANDOM"
  LIVE_DIR=$(mktemp -d)
  trap live_cleanup EXIT
  ip netns add "$LIVE_NS" || live_skip "cannot create a network namespace"
  live_in sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
  ip -n "$LIVE_NS" link add ffsend type veth peer name ffcap
  local link
  for link in ffsend ffcap; do
    ip -n "$LIVE_NS" link set "$link" mtu 65535
    ip -n "$LIVE_NS" link set "$link" up
  done
  ip -n "$LIVE_NS" link set lo up
}

# live_in COMMAND...: runs a command inside the test's namespace.
live_in() { ip netns exec "$LIVE_NS" "$@"; }

# live_background NAME COMMAND...: starts a command inside the namespace, output in LIVE_DIR/NAME.log;
# its pid is in LIVE_PID and is killed on exit.
live_background() {
  local name=$1
  shift
  ip netns exec "$LIVE_NS" "$@" >"$LIVE_DIR/$name.log" 2>&1 &
  LIVE_PID=$!
  LIVE_PIDS+=("$LIVE_PID")
}

# live_wait_for SECONDS DESCRIPTION COMMAND...: retries COMMAND every 0.1 s until it succeeds.
live_wait_for() {
  local seconds=$1 what=$2
  shift 2
  poll_until "$seconds" "$what" live_fail "$@"
}

# live_metric NAME [PORT]: the value of one sample on the namespace's metrics endpoint (sums the
# family's series when NAME has no labels), as a whole number; 0 when there is no such sample.
live_metric() {
  local name=$1 port=${2:-9877} value
  value=$(live_in curl -sf "http://127.0.0.1:$port/metrics" | metric_value "$name")
  echo "${value:-0}"
}

# live_gauge NAME [PORT]: as live_metric, with the fraction (ratios, seconds).
live_gauge() {
  local name=$1 port=${2:-9877} value
  value=$(live_in curl -sf "http://127.0.0.1:$port/metrics" | metric_value "$name" '%.10g')
  echo "${value:-0}"
}

# live_replay FILE [tcpreplay options...]: sends a capture into ffsend; prints the packets sent.
live_replay() {
  local file=$1
  shift
  local out
  out=$(live_in tcpreplay -q -i ffsend "$@" "$file" 2>&1) || live_fail "tcpreplay failed: $out"
  echo "$out" | awk '/Successful packets:/ { print $3 }'
}
