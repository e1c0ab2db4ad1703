#!/usr/bin/env bash
# A sensor started on a busy link: trafgen already carries 100 000 UDP flows at a steady 50 000
# frames/s (each flow a frame every 2 s) when flowfeatd starts, so every flow begins within its
# first two seconds, and with flows.active_timeout 5 s they all end and start again together every
# 5 s: waves of 100 000 records and as many new flows through nDPI. Over three such periods (16 s)
# nothing may be dropped anywhere (kernel, interface, queue): while a wave keeps the graph busy, the
# capture thread waits and the frames wait in the kernel's ring. The records account for every frame
# read, and the waves did happen (flows ended by the active timeout).
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
live_require trafgen curl python3
live_setup
source "$here/trafgen_pattern.sh"  # records_packets

FLOWS=100000
RATE=50000
eth='eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01)'
cat >"$LIVE_DIR/flows.cfg" <<EOF2
{ $eth, ipv4(sa=10.21.0.1, da=10.22.0.1, ttl=64), udp(sp=dinc(1024, 51023), dp=9000), fill(0x61, 18) }
{ $eth, ipv4(sa=10.21.0.2, da=10.22.0.1, ttl=64), udp(sp=dinc(1024, 51023), dp=9000), fill(0x62, 18) }
EOF2

live_background trafgen trafgen -i "$LIVE_DIR/flows.cfg" -o ffsend -b "${RATE}pps" -P 1 --no-sock-mem -Q -C
sender=$LIVE_PID
sleep 3  # the link is busy before the sensor starts
mkdir -p "$LIVE_DIR/out"
live_background flowfeatd "$FLOWFEATD" --interface ffcap --output "$LIVE_DIR/out" --progress never --workers 2 \
  --active-timeout 5
pid=$LIVE_PID
live_wait_for 30 "the metrics endpoint" live_in curl -sf http://127.0.0.1:9877/metrics
sleep 16
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pkill -P "$sender" 2>/dev/null || true  # trafgen's sending process
kill "$sender" 2>/dev/null || true
[ "$status" -eq 0 ] || live_fail "exit status $status after SIGTERM: $(tail -5 "$LIVE_DIR/flowfeatd.log")"
summary=$(sed -n '/^flowfeatd: /,$p' "$LIVE_DIR/flowfeatd.log")
echo "$summary"
read_frames=$(sed -nE 's/^flowfeatd: ([0-9]+) packets read.*/\1/p' <<<"$summary")
active=$(sed -nE 's/^  flows ended: idle [0-9]+, active ([0-9]+),.*/\1/p' <<<"$summary")
[ -n "$read_frames" ] && [ "$read_frames" -ge $((RATE * 10)) ] || live_fail "only ${read_frames:-no} frames read"
[ -n "$active" ] && [ "$active" -ge $((2 * FLOWS)) ] ||
  live_fail "${active:-no} flows ended by the active timeout: fewer than two waves of $FLOWS"
if grep -q '^  dropped: ' <<<"$summary"; then
  live_fail "frames dropped during the waves: $(grep '^  dropped: ' <<<"$summary")"
fi
grep -qE '^  capture: 0\.0000 % of the frames lost' <<<"$summary" || live_fail "the capture line reports a loss"
in_records=$(records_packets "$LIVE_DIR/out")
[ "$in_records" -eq "$read_frames" ] || live_fail "$in_records packets in the records, $read_frames read"
echo "PASS: $read_frames frames over three waves of $FLOWS flows, none dropped"
