#!/usr/bin/env bash
# Every packet of a known pattern, live, with one and with two capture threads: trafgen sends 60
# bursts of 5 000 frames (300 000 in all, about 60 k frames/s on average) of 850 known flows into
# one end of a veth pair while flowfeatd captures on the other. trafgen sends its packets round
# robin and its counters (dinc) start afresh in every burst, so each burst holds every flow the
# same number of times:
#   500 UDP/IPv4 flows     10.11.0.1:20000-20499 <-> 10.12.0.1:5353   2 x 128 bytes out, 2 x 300 back
#   250 TCP/IPv4 flows     10.11.0.2:30000-30249 <-> 10.12.0.2:443    4 x 1514 bytes out, 4 x 60 back
#   100 UDP/IPv6 flows     2001:db8:11::1:40000-40099 -> 2001:db8:12::1:5004   10 x 200 bytes
# The capture side must see all 300 000 frames, flowfeatd must receive all of them and drop none (in
# the kernel, at the interface or at its queue), and after SIGTERM its records must be exactly the
# 850 flows with exactly these packet and byte counts. A burst (a few ms at top speed) is far below
# what the ring and the pipeline's queue hold, so a loaded machine does not make this flaky.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
live_require trafgen curl python3
live_setup

BURSTS=60
BURST_FRAMES=5000
eth='eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01)'
cat >"$LIVE_DIR/pattern.cfg" <<EOF
{ $eth, ipv4(sa=10.11.0.1, da=10.12.0.1, ttl=64), udp(sp=dinc(20000, 20499), dp=5353), fill(0x61, 86) }
{ $eth, ipv4(sa=10.12.0.1, da=10.11.0.1, ttl=64), udp(sp=5353, dp=dinc(20000, 20499)), fill(0x62, 258) }
{ $eth, ipv4(sa=10.11.0.2, da=10.12.0.2, ttl=64, df), tcp(sp=dinc(30000, 30249), dp=443, ack, psh, win=512), fill(0x17, 1460) }
{ $eth, ipv4(sa=10.12.0.2, da=10.11.0.2, ttl=64, df), tcp(sp=443, dp=dinc(30000, 30249), ack, win=512), fill(0x00, 6) }
{ eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01, type=0x86dd), ipv6(sa=2001:db8:11::1, da=2001:db8:12::1, hl=64), udp(sp=dinc(40000, 40099), dp=5004), fill(0x80, 138) }
EOF

# run THREADS: one capture, checked.
run() {
  local threads=$1 name=threads-$1
  mkdir -p "$LIVE_DIR/$name"
  live_background "$name" "$FLOWFEATD" --interface ffcap --capture-threads "$threads" --output "$LIVE_DIR/$name" \
    --progress never --workers 2
  local pid=$LIVE_PID
  live_wait_for 30 "the metrics endpoint ($name)" live_in curl -sf http://127.0.0.1:9877/metrics
  local before after burst out sent=0 started=$EPOCHREALTIME
  before=$(live_in cat /sys/class/net/ffcap/statistics/rx_packets)
  for ((burst = 0; burst < BURSTS; burst++)); do
    out=$(live_in trafgen -i "$LIVE_DIR/pattern.cfg" -o ffsend -n "$BURST_FRAMES" -P 1 --no-sock-mem -Q -C 2>&1 | tr -d '\r') ||
      live_fail "trafgen failed: $out"
    sent=$((sent + $(awk '/packets outgoing/ { print $1 }' <<<"$out")))
    sleep 0.03
  done
  after=$(live_in cat /sys/class/net/ffcap/statistics/rx_packets)
  local seconds
  seconds=$(awk -v a="$started" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
  local expected=$((BURSTS * BURST_FRAMES))
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
  python3 - "$LIVE_DIR/$name" "$BURSTS" <<'PYTHON' || live_fail "$name: the records differ from the pattern sent"
import csv
import glob
import os
import sys

directory, bursts = sys.argv[1], int(sys.argv[2])
rows = []
for path in sorted(glob.glob(os.path.join(directory, "flows-*.csv"))):
    with open(path, newline="") as f:
        rows.extend(csv.DictReader(f))

# (client, client port, server, server port, protocol) -> (packets out, bytes out, packets back, bytes back)
expected = {}
for port in range(20000, 20500):
    expected[("10.11.0.1", port, "10.12.0.1", 5353, 17)] = (2 * bursts, 2 * bursts * 128, 2 * bursts, 2 * bursts * 300)
for port in range(30000, 30250):
    expected[("10.11.0.2", port, "10.12.0.2", 443, 6)] = (4 * bursts, 4 * bursts * 1514, 4 * bursts, 4 * bursts * 60)
for port in range(40000, 40100):
    expected[("2001:db8:11::1", port, "2001:db8:12::1", 5004, 17)] = (10 * bursts, 10 * bursts * 200, 0, 0)

seen = {}
problems = []
for r in rows:
    key = (r["src_ip"], int(r["src_port"]), r["dst_ip"], int(r["dst_port"]), int(r["protocol"]))
    got = (int(r["src2dst_packets"]), int(r["src2dst_bytes"]), int(r["dst2src_packets"]), int(r["dst2src_bytes"]))
    if key in seen:
        problems.append(f"flow {key} has more than one record")
    seen[key] = got
    if key not in expected:
        problems.append(f"unexpected flow {key} {got}")
    elif got != expected[key]:
        problems.append(f"flow {key}: (packets, bytes) out and back {got}, expected {expected[key]}")
    elif int(r["bidirectional_packets"]) != got[0] + got[2] or int(r["bidirectional_bytes"]) != got[1] + got[3]:
        problems.append(f"flow {key}: bidirectional counts are not the sum of both directions")
for key in expected.keys() - seen.keys():
    problems.append(f"flow {key} has no record")
for p in problems[:20]:
    print(p)
print(f"{len(rows)} records, {len(expected)} flows sent: " + (f"{len(problems)} problems" if problems else "exactly as sent"))
sys.exit(1 if problems else 0)
PYTHON
}

echo "== one capture thread"
run 1
echo "== two capture threads in a fanout group"
run 2
echo "PASS"
