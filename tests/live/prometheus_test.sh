#!/usr/bin/env bash
# A real Prometheus server, started with the shipped dashboards/prometheus.yml, scrapes flowfeatd while
# a capture is replayed onto the interface it captures on. What Prometheus stored must account for
# every packet tcpreplay sent, with no kernel drop; then SIGTERM must drain flowfeatd to exit 0.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
exec 3>&2  # this script's stderr, for messages from inside live_wait_for, which silences what it retries
FLOWFEAT_SOURCE_DIR=${FLOWFEAT_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

PROMETHEUS_URL=http://127.0.0.1:9090
SCRAPE_WAIT=40  # seconds; a few scrape intervals (5 s) after the counters have settled

# prometheus_value QUERY: the value of an instant query's single series, "none" when it has none.
prometheus_value() {
  live_in curl -sf --get --data-urlencode "query=$1" "$PROMETHEUS_URL/api/v1/query" |
    python3 -c '
import json, sys
answer = json.load(sys.stdin)
if answer.get("status") != "success":
    sys.exit("query failed: " + answer.get("error", "unknown error"))
series = answer["data"]["result"]
if len(series) > 1:
    sys.exit(f"{len(series)} series where one was expected: {series}")
print("%.0f" % float(series[0]["value"][1]) if series else "none")'
}

# capture_socket_open IF: a packet socket is bound to IF, so frames sent to it from now on are captured.
capture_socket_open() {
  local index
  index=$(live_in cat "/sys/class/net/$1/ifindex")
  # shellcheck disable=SC2016 # awk's own fields
  live_in awk -v want="$index" 'NR > 1 && $5 == want { found = 1 } END { exit !found }' /proc/net/packet
}

# running PID: the process has not exited (a child that exited stays a zombie until waited for).
running() { [ -r "/proc/$1/status" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status"; }
exited() { ! running "$1"; }

# flowfeatd_serving: its metrics endpoint answers; fails at once if flowfeatd has exited.
flowfeatd_serving() {
  running "$flowfeatd_pid" || { echo "FAIL: flowfeatd exited at start" >&3; exit 1; }
  live_in curl -sf http://127.0.0.1:9877/metrics
}

# flowfeat_scraped: Prometheus' last scrape of the flowfeat job succeeded.
flowfeat_scraped() { [ "$(prometheus_value 'up{job="flowfeat"}')" = 1 ]; }

# The logs of flowfeatd and Prometheus, when something failed (the scratch folder goes with the exit).
show_logs_on_failure() {
  local status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ] && [ -n "$LIVE_DIR" ]; then
    local log
    for log in "$LIVE_DIR"/*.log; do
      [ -f "$log" ] && { echo "--- $(basename "$log") (last lines)"; tail -n 30 "$log"; }
    done >&3
  fi
  live_cleanup
}

live_require prometheus tcpreplay curl python3
pcap=$(live_capture nfstream/tests/pcaps/anyconnect-vpn.pcap)
config="$FLOWFEAT_SOURCE_DIR/dashboards/prometheus.yml"
[ -f "$config" ] || live_fail "$config is missing"
live_setup
trap show_logs_on_failure EXIT

live_background flowfeatd "$FLOWFEATD" --interface ffcap --output "$LIVE_DIR/out" --progress never --no-dpi
flowfeatd_pid=$LIVE_PID
live_wait_for 20 "the metrics endpoint of flowfeatd" flowfeatd_serving
live_wait_for 20 "flowfeatd to open its capture on ffcap" capture_socket_open ffcap

live_background prometheus prometheus --config.file="$config" --storage.tsdb.path="$LIVE_DIR/tsdb" \
  --web.listen-address=127.0.0.1:9090 --log.level=warn
live_wait_for 30 "Prometheus to be ready" live_in curl -sf "$PROMETHEUS_URL/-/ready"
live_wait_for 20 "Prometheus to scrape flowfeatd" flowfeat_scraped

sent=$(live_replay "$pcap" --topspeed)
[ "${sent:-0}" -gt 0 ] || live_fail "tcpreplay reported no packet sent"
echo "tcpreplay sent $sent packets"

stored=none
deadline=$((SECONDS + SCRAPE_WAIT))
while [ "$SECONDS" -lt "$deadline" ]; do
  stored=$(prometheus_value 'sum(flowfeat_packets_received_total)')
  [ "$stored" = "$sent" ] && break
  sleep 1
done
[ "$stored" = "$sent" ] ||
  live_fail "Prometheus holds $stored packets received after ${SCRAPE_WAIT}s; tcpreplay sent $sent"
echo "Prometheus holds $stored packets received"

# Live packets are counted under the interface's name, not as a file.
on_ffcap=$(prometheus_value 'sum(flowfeat_packets_received_total{source="ffcap"})')
[ "$on_ffcap" = "$sent" ] || live_fail "$on_ffcap packets under source=\"ffcap\" in Prometheus; $sent sent"

kernel_drops=$(prometheus_value 'flowfeat_packets_dropped_total{job="flowfeat", place="kernel"}')
[ "$kernel_drops" = 0 ] || live_fail "Prometheus holds $kernel_drops kernel drops, expected 0"

kill -TERM "$flowfeatd_pid"
live_wait_for 30 "flowfeatd to drain and exit after SIGTERM" exited "$flowfeatd_pid"
status=0
wait "$flowfeatd_pid" || status=$?
[ "$status" -eq 0 ] || live_fail "flowfeatd exited with status $status after SIGTERM"
echo "PASS: $sent packets sent, $stored stored by Prometheus, 0 kernel drops, clean exit"
