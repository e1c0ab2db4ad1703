#!/usr/bin/env bash
# A stalled graph, live: the kernel's ring is the buffer. flowfeatd captures the known pattern
# (trafgen_pattern.sh) while its sink is held (the test hook FLOWFEAT_TEST_HOLD_SINK_WHILE, as a slow
# disk or broker would), so every batch of the pipeline fills and the capture thread must stop
# reading.
#   1. A stall the ring covers (capture.buffer_mib 256 for about 50 MB of frames): once the sink
#      goes on, every frame is read, none dropped anywhere, the records are exactly the pattern's,
#      and the summary says how late the frames were read (at least the hold).
#   2. A stall longer than the ring (1 MiB): what the ring could not keep is dropped by the kernel
#      and counted, nothing else: frames read + kernel drops = frames sent, none dropped at the
#      queue, every frame read is in a record, and the loss ratio metric says the same.
#   3. capture.on_full: drop, with the same ring: the capture thread reads on and drops at the full
#      queue instead; read + kernel drops = sent, and every drop is counted at the queue or kernel.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
source "$here/trafgen_pattern.sh"
live_require trafgen curl python3
live_setup

BURSTS=20
HOLD_SECONDS=3
pattern_write "$LIVE_DIR/pattern.cfg"

# run NAME BUFFER_MIB ON_FULL: captures BURSTS bursts sent while the sink is held, releases it, stops
# flowfeatd; leaves the figures in SENT RECEIVED KERNEL QUEUE LOST RATIO and the run's folder.
run() {
  local name=$1 buffer=$2 on_full=$3
  mkdir -p "$LIVE_DIR/$name"
  printf 'capture:\n  buffer_mib: %s\n  on_full: %s\n' "$buffer" "$on_full" >"$LIVE_DIR/$name.yaml"
  touch "$LIVE_DIR/hold"
  FLOWFEAT_TEST_HOLD_SINK_WHILE=$LIVE_DIR/hold live_background "$name" "$FLOWFEATD" --config "$LIVE_DIR/$name.yaml" \
    --interface ffcap --output "$LIVE_DIR/$name" --progress never --workers 2
  local pid=$LIVE_PID
  live_wait_for 30 "the metrics endpoint ($name)" live_in curl -sf http://127.0.0.1:9877/metrics
  local held_from=$EPOCHREALTIME
  SENT=$(pattern_send "$LIVE_DIR/pattern.cfg" "$BURSTS" 0.01)
  [ "$SENT" -eq $((BURSTS * PATTERN_BURST_FRAMES)) ] || live_fail "$name: trafgen sent $SENT frames"
  local during
  during=$(live_metric flowfeat_packets_received_total)
  # Hold for HOLD_SECONDS in all, then let the sink go on.
  sleep "$(awk -v a="$held_from" -v b="$EPOCHREALTIME" -v h="$HOLD_SECONDS" 'BEGIN { s = h - (b - a); print (s > 0 ? s : 0) }')"
  rm -f "$LIVE_DIR/hold"
  settled() {
    local offered
    offered=$(($(live_metric flowfeat_packets_received_total) + $(live_metric 'flowfeat_packets_dropped_total{place="kernel"}')))
    [ "$offered" -ge "$SENT" ]
  }
  live_wait_for 30 "every frame read or dropped ($name)" settled
  sleep 0.5
  RECEIVED=$(live_metric flowfeat_packets_received_total)
  KERNEL=$(live_metric 'flowfeat_packets_dropped_total{place="kernel"}')
  QUEUE=$(live_metric 'flowfeat_packets_dropped_total{place="queue"}')
  LOST=$(live_metric 'flowfeat_capture_lost_total{capture="ffcap/0"}')
  RATIO=$(live_gauge 'flowfeat_capture_loss_ratio{capture="ffcap/0"}')
  local frames interface
  frames=$(live_metric 'flowfeat_capture_frames_total{capture="ffcap/0"}')
  interface=$(live_metric 'flowfeat_packets_dropped_total{place="interface"}')
  echo "$name: sent $SENT; read $during while held, $RECEIVED in all; dropped by the kernel $KERNEL, the queue $QUEUE," \
    "the interface $interface; capture lost $LOST, loss ratio $RATIO"
  [ "$during" -lt "$SENT" ] || live_fail "$name: all $SENT frames were read while the sink was held: nothing stalled"
  [ "$frames" -eq "$RECEIVED" ] || live_fail "$name: flowfeat_capture_frames_total $frames, packets received $RECEIVED"
  [ "$interface" -eq 0 ] || live_fail "$name: $interface frames dropped by the interface"
  [ $((RECEIVED + KERNEL)) -eq "$SENT" ] ||
    live_fail "$name: $RECEIVED read + $KERNEL dropped by the kernel = $((RECEIVED + KERNEL)), not the $SENT sent"
  [ "$LOST" -eq $((KERNEL + QUEUE)) ] || live_fail "$name: capture lost $LOST, kernel + queue drops $((KERNEL + QUEUE))"
  awk -v r="$RATIO" -v l="$LOST" -v s="$SENT" 'BEGIN { exit !(r * s - l < 0.5 && l - r * s < 0.5) }' ||
    live_fail "$name: loss ratio $RATIO is not $LOST / $SENT"
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  [ "$status" -eq 0 ] || live_fail "$name: exit status $status after SIGTERM: $(tail -5 "$LIVE_DIR/$name.log")"
  grep -E '^  capture: ' "$LIVE_DIR/$name.log" || live_fail "$name: no capture line in the summary"
}

echo "== 1. a stall the ring covers"
run covered 256 wait
[ "$KERNEL" -eq 0 ] && [ "$QUEUE" -eq 0 ] && [ "$RECEIVED" -eq "$SENT" ] ||
  live_fail "covered: frames dropped (kernel $KERNEL, queue $QUEUE) though the ring holds the stall"
late=$(sed -nE 's/^  capture: .* a frame read at most ([0-9.]+) s after it arrived$/\1/p' "$LIVE_DIR/covered.log")
awk -v l="$late" -v h="$HOLD_SECONDS" 'BEGIN { exit !(l >= h - 1.0) }' ||
  live_fail "covered: the summary says frames were read at most ${late:-?} s late, after a ${HOLD_SECONDS} s hold"
pattern_check "$LIVE_DIR/covered" "$BURSTS" || live_fail "covered: the records differ from the pattern sent"

echo "== 2. a stall longer than the ring"
run overflowed 1 wait
[ "$KERNEL" -gt 0 ] || live_fail "overflowed: no kernel drops with a 1 MiB ring"
[ "$QUEUE" -eq 0 ] || live_fail "overflowed: $QUEUE frames dropped at the queue with capture.on_full: wait"
in_records=$(records_packets "$LIVE_DIR/overflowed")
[ "$in_records" -eq "$RECEIVED" ] || live_fail "overflowed: $in_records packets in the records, $RECEIVED read"

echo "== 3. capture.on_full: drop"
run dropping 1 drop
[ "$QUEUE" -gt 0 ] || live_fail "dropping: nothing dropped at the queue with capture.on_full: drop"
in_records=$(records_packets "$LIVE_DIR/dropping")
[ "$in_records" -eq $((RECEIVED - QUEUE)) ] ||
  live_fail "dropping: $in_records packets in the records, $RECEIVED read of which $QUEUE dropped at the queue"
echo "PASS"
