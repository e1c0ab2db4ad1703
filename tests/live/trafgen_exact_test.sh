#!/usr/bin/env bash
# Every packet of a known pattern, live, with one and with two capture threads: trafgen sends 60
# bursts of 5 000 frames (300 000 in all, about 60 k frames/s on average) of 850 known flows into
# one end of a veth pair while flowfeatd captures on the other (the pattern: trafgen_pattern.sh).
# The capture side must see all 300 000 frames, flowfeatd must receive all of them and drop none (in
# the kernel, at the interface or at its queue), and after SIGTERM its records must be exactly the
# 850 flows with exactly these packet and byte counts. A burst (a few ms at top speed) is far below
# what the ring and the pipeline's queue hold, so a loaded machine does not make this flaky.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/trafgen_pattern.sh"
live_require trafgen curl python3
live_setup

BURSTS=60
pattern_write "$LIVE_DIR/pattern.cfg"

# run THREADS: one capture, checked.
run() {
  local threads=$1 name=threads-$1
  mkdir -p "$LIVE_DIR/$name"
  live_background "$name" "$FLOWFEATD" --interface ffcap --capture-threads "$threads" --output "$LIVE_DIR/$name" \
    --progress never --workers 2
  local pid=$LIVE_PID
  live_wait_for 30 "the metrics endpoint ($name)" live_in curl -sf http://127.0.0.1:9877/metrics
  local before after sent started=$EPOCHREALTIME
  before=$(live_in cat /sys/class/net/ffcap/statistics/rx_packets)
  sent=$(pattern_send "$LIVE_DIR/pattern.cfg" "$BURSTS")
  after=$(live_in cat /sys/class/net/ffcap/statistics/rx_packets)
  local seconds
  seconds=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  local expected=$((BURSTS * PATTERN_BURST_FRAMES))
  [ "$sent" -eq "$expected" ] || live_fail "$name: trafgen sent $sent frames, not $expected"
  [ $((after - before)) -eq "$sent" ] || live_fail "$name: $((after - before)) frames reached ffcap for $sent sent"
  metric_reaches() { [ "$(live_metric flowfeat_packets_received_total)" -ge "$1" ]; }
  live_wait_for 20 "$sent packets to be captured" metric_reaches "$sent"
  sleep 0.5
  local received kernel interface queue
  received=$(live_metric flowfeat_packets_received_total)
  kernel=$(live_metric 'flowfeat_packets_dropped_total{place="kernel"}')
  interface=$(live_metric 'flowfeat_packets_dropped_total{place="interface"}')
  queue=$(live_metric 'flowfeat_packets_dropped_total{place="queue"}')
  echo "$name: sent $sent frames in $seconds s ($(awk -v n="$sent" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }') frames/s)," \
    "received $received; dropped by the kernel $kernel, the interface $interface, the queue $queue"
  [ "$received" -eq "$sent" ] || live_fail "$name: $received packets received for $sent sent"
  [ "$kernel" -eq 0 ] && [ "$interface" -eq 0 ] && [ "$queue" -eq 0 ] ||
    live_fail "$name: packets dropped (kernel $kernel, interface $interface, queue $queue)"
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  [ "$status" -eq 0 ] || live_fail "$name: exit status $status after SIGTERM: $(tail -5 "$LIVE_DIR/$name.log")"
  pattern_check "$LIVE_DIR/$name" "$BURSTS" || live_fail "$name: the records differ from the pattern sent"
}

echo "== one capture thread"
run 1
echo "== two capture threads in a fanout group"
run 2
echo "PASS"
