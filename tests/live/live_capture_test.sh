#!/usr/bin/env bash
# The live path end to end: flowfeatd captures on one end of a veth pair while tcpreplay sends real
# captures into the other, at top speed and at a paced rate, with one and two capture threads. The
# records must equal those of reading the same captures from the files (on every column that does
# not depend on arrival times; durations too when paced), and the kernel must have dropped nothing.
# Also checked: the daemon gives up root and every capability once the capture is open, and idle
# flows end on the wall clock while no packet arrives.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
live_require tcpreplay curl python3
captures=("$(live_capture nfstream/tests/pcaps/synscan.pcap)" "$(live_capture nfstream/tests/pcaps/anyconnect-vpn.pcap)")
live_setup
chmod 755 "$LIVE_DIR"

"$FLOWFEATD" --read "${captures[@]}" --output "$LIVE_DIR/file" --progress never --no-metrics --workers 2 \
  >"$LIVE_DIR/file.log" 2>&1 || live_fail "offline run failed: $(cat "$LIVE_DIR/file.log")"

# live_run NAME REPLAY_OPTIONS DAEMON_OPTIONS...: captures one replay of the captures into LIVE_DIR/NAME.
live_run() {
  local name=$1 replay_options=$2
  shift 2
  mkdir -p "$LIVE_DIR/$name"
  chown nobody "$LIVE_DIR/$name"
  live_background "$name" "$FLOWFEATD" --interface ffcap --output "$LIVE_DIR/$name" --progress never --workers 2 "$@"
  local pid=$LIVE_PID
  live_wait_for 30 "the metrics endpoint of $name" live_in curl -sf http://127.0.0.1:9877/metrics
  local sent=0 file n
  for file in "${captures[@]}"; do
    # shellcheck disable=SC2086
    n=$(live_replay "$file" $replay_options)
    sent=$((sent + n))
  done
  metric_reaches() { [ "$(live_metric flowfeat_packets_received_total)" -ge "$1" ]; }
  live_wait_for 20 "$sent packets to be captured" metric_reaches "$sent"
  local received kernel interface
  received=$(live_metric flowfeat_packets_received_total)
  kernel=$(live_metric 'flowfeat_packets_dropped_total{place="kernel"}')
  interface=$(live_metric 'flowfeat_packets_dropped_total{place="interface"}')
  echo "$name: sent $sent, received $received, dropped by the kernel $kernel, by the interface $interface"
  [ "$received" -eq "$sent" ] || live_fail "$name: $received packets received for $sent sent"
  [ "$kernel" -eq 0 ] || live_fail "$name: the kernel dropped $kernel packets"
  LIVE_RUN_PID=$pid
}

# live_stop NAME: SIGTERM, then the daemon must drain and exit 0.
live_stop() {
  local name=$1
  kill -TERM "$LIVE_RUN_PID"
  local status=0
  wait "$LIVE_RUN_PID" || status=$?
  [ "$status" -eq 0 ] || live_fail "$name: exit status $status after SIGTERM: $(tail -5 "$LIVE_DIR/$name.log")"
}

echo "== top speed, one capture thread, running as nobody"
live_run top1 "--topspeed" --user nobody
status=/proc/$LIVE_RUN_PID/status
[ "$(awk '/^Uid:/ { print $2 }' "$status")" = "$(id -u nobody)" ] || live_fail "still running as $(grep Uid "$status")"
for set in CapEff CapPrm CapInh CapAmb; do
  [ "$(awk -v s="$set:" '$1 == s { print $2 }' "$status")" = 0000000000000000 ] || live_fail "$set is not empty: $(grep "$set" "$status")"
done
echo "running as nobody with no capabilities"
live_stop top1
python3 "$here/compare_records.py" "$LIVE_DIR/file" "$LIVE_DIR/top1" || live_fail "top1: records differ"

echo "== top speed, two capture threads in a fanout group"
live_run top2 "--topspeed" --capture-threads 2
live_stop top2
python3 "$here/compare_records.py" "$LIVE_DIR/file" "$LIVE_DIR/top2" || live_fail "top2: records differ"

echo "== paced at 8 times the recorded rate; idle flows end on the wall clock"
# The timeouts scaled like the pace (60 s and 120 s of recorded time), so flows split as in the file.
live_run paced "--multiplier 8" --idle-timeout 7.5 --active-timeout 15
ended_idle() { [ "$(live_metric 'flowfeat_flows_ended_total{reason="idle"}')" -gt 0 ] && [ "$(live_metric flowfeat_flows_active)" -eq 0 ]; }
live_wait_for 12 "idle flows to end while no packet arrives" ended_idle
echo "every flow ended idle with the link quiet"
live_stop paced
python3 "$here/compare_records.py" "$LIVE_DIR/file" "$LIVE_DIR/paced" --time-scale 8 --tolerance-ms 15 ||
  live_fail "paced: records differ"
echo "PASS"
