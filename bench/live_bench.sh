#!/usr/bin/env bash
# live_bench.sh [CAPTURE]
#
# Live capture and paced replay figures (root; uses a network namespace and a veth pair, as the live
# tests do):
#  1. flowfeatd captures on one end of a veth pair while tcpreplay sends CAPTURE into the other at a
#     ladder of rates and at top speed, with 1 and 2 capture threads: packets sent, received, dropped
#     by the kernel, the rate tcpreplay achieved, and the highest rate of the ladder with no drop.
#     tcpreplay runs on the same cores as flowfeatd, so the figures are a floor for a real sensor.
#     tcpreplay sends the capture LIVE_LOOPS times (default 5), more than the kernel ring holds.
#  2. Paced replay: flowfeatd --read CAPTURE --replay-speed X for a few X; the rate achieved against
#     the rate requested (packets / (capture duration / X)), timed from the first to the last packet
#     read as the metrics endpoint shows them (polled every 20 ms), so start-up and drain do not count.
# Without CAPTURE, a 30 s capture of about 190 k packets is generated with flowfeat-gen.
# Environment: FLOWFEAT_BUILD_DIR (default build/), LIVE_RATES (packets/s, default
# "50000 100000 200000 400000 top"), LIVE_THREADS (default "1 2"), PACED_SPEEDS (default "1 4 16").
set -euo pipefail
repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${FLOWFEAT_BUILD_DIR:-$repo_root/build}
FLOWFEATD=$build_dir/daemon/app/flowfeatd
export FLOWFEAT_REQUIRE_LIVE=1
source "$repo_root/tests/live/lib.sh"
live_require tcpreplay curl capinfos
live_setup

capture=${1:-}
if [ -z "$capture" ]; then
  capture=$LIVE_DIR/bench.pcap
  "$build_dir/tools/flowfeat-gen" --out "$capture" --truth "$LIVE_DIR/truth.csv" --flows 20000 --duration 30 >/dev/null
fi
packets=$(capinfos -c -M "$capture" | awk '/Number of packets/ { print $NF }')
duration=$(capinfos -u -M "$capture" | awk '/Capture duration/ { print $(NF-1) }')
echo "capture: $capture, $packets packets over $duration s"

echo
echo "== live capture over a veth pair (tcpreplay on the same cores)"
printf "%-8s %-8s %10s %10s %10s %12s\n" threads rate sent received dropped "sent pkt/s"
for threads in ${LIVE_THREADS:-1 2}; do
  best=none
  for rate in ${LIVE_RATES:-50000 100000 200000 400000 top}; do
    out=$LIVE_DIR/out-$threads-$rate
    live_background "daemon-$threads-$rate" "$FLOWFEATD" --interface ffcap --capture-threads "$threads" --output "$out" \
      --progress never
    pid=$LIVE_PID
    live_wait_for 30 "flowfeatd" live_in curl -sf http://127.0.0.1:9877/metrics
    options=(--pps="$rate")
    [ "$rate" = top ] && options=(--topspeed)
    report=$(live_in tcpreplay -i ffsend --loop="${LIVE_LOOPS:-5}" "${options[@]}" "$capture" 2>&1)
    sent=$(awk '/Successful packets:/ { print $3 }' <<<"$report")
    sent_pps=$(grep -o '[0-9.]* pps' <<<"$report" | head -1 | awk '{ printf "%.0f", $1 }')
    settled() {
      local seen dropped
      seen=$(live_metric flowfeat_packets_received_total)
      dropped=$(live_metric 'flowfeat_packets_dropped_total{place="kernel"}')
      [ $((seen + dropped)) -ge "$sent" ]
    }
    live_wait_for 30 "the capture to settle" settled || true
    received=$(live_metric flowfeat_packets_received_total)
    dropped=$(($(live_metric 'flowfeat_packets_dropped_total{place="kernel"}') + $(live_metric 'flowfeat_packets_dropped_total{place="queue"}')))
    kill -TERM "$pid"
    wait "$pid" || true
    printf "%-8s %-8s %10s %10s %10s %12s\n" "$threads" "$rate" "$sent" "$received" "$dropped" "$sent_pps"
    [ "$dropped" -eq 0 ] && best="$rate ($sent_pps pkt/s achieved)"
  done
  echo "threads=$threads: highest rate without a drop: $best"
done

echo
echo "== paced replay accuracy"
printf "%-8s %12s %12s %10s %10s\n" speed "expected s" "read in s" "requested" "achieved"
for speed in ${PACED_SPEEDS:-1 4 16}; do
  live_background "paced-$speed" "$FLOWFEATD" --read "$capture" --replay-speed "$speed" --output "$LIVE_DIR/paced-$speed" \
    --progress never
  pid=$LIVE_PID
  start=""
  end=""
  while kill -0 "$pid" 2>/dev/null; do
    seen=$(live_metric flowfeat_packets_received_total 2>/dev/null || echo 0)
    now=$(date +%s.%N)
    [ -z "$start" ] && [ "${seen:-0}" -gt 0 ] && start=$now
    [ "${seen:-0}" -ge "$packets" ] && { end=$now; break; }
    sleep 0.02
  done
  wait "$pid" || true
  [ -n "$start" ] && [ -n "$end" ] || { echo "speed $speed: could not time the replay"; continue; }
  awk -v p="$packets" -v d="$duration" -v s="$speed" -v a="$start" -v b="$end" 'BEGIN {
    expected = d / s; wall = b - a
    printf "%-8s %12.2f %12.2f %10.0f %10.0f  (%+.2f %%)\n", s, expected, wall, p / expected, p / wall, (expected / wall - 1) * 100 }'
done
