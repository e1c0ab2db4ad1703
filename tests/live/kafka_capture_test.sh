#!/usr/bin/env bash
# A live capture into Kafka: flowfeatd captures on the veth pair of a network namespace while
# tcpreplay sends a real capture into it, and streams its records into a real Kafka broker running
# on the namespace's loopback. Records must reach the topic while the daemon still runs (short idle
# timeout on a quiet link); after SIGTERM (exit 0) the topic must hold exactly the records of the
# daemon's own JSON Lines files, with their key and headers.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
live_require tcpreplay curl python3 java kcat
capture=$(live_capture nfstream/tests/pcaps/anyconnect-vpn.pcap)
live_setup
broker_data=$LIVE_DIR/kafka
stop_broker_then_cleanup() {
  "$FLOWFEAT_SOURCE_DIR/scripts/kafka-stop.sh" --data "$broker_data" --kill >/dev/null 2>&1 || true
  live_cleanup
}
trap stop_broker_then_cleanup EXIT
live_in "$FLOWFEAT_SOURCE_DIR/scripts/kafka-start.sh" --port 19492 --data "$broker_data" ||
  live_fail "the Kafka broker did not start in the namespace: $(tail -20 "$broker_data/broker.log" 2>/dev/null)"
brokers=127.0.0.1:19492

live_background daemon "$FLOWFEATD" --interface ffcap --idle-timeout 1 --output "$LIVE_DIR/records" --format jsonl \
  --progress never --workers 2 --sensor-id live-kafka --kafka-brokers "$brokers" --kafka-topic live
daemon=$LIVE_PID
live_wait_for 40 "the metrics endpoint" live_in curl -sf http://127.0.0.1:9877/metrics
sent=$(live_replay "$capture" --topspeed)
echo "sent $sent packets"

consumed() {
  live_in kcat -b "$brokers" -t live -C -o beginning -e -q -J >"$LIVE_DIR/running.messages" 2>/dev/null
  [ "$(wc -l <"$LIVE_DIR/running.messages")" -gt 0 ]
}
live_wait_for 30 "records in the topic while the daemon runs" consumed
kill -0 "$daemon" 2>/dev/null || live_fail "the daemon ended by itself: $(tail -5 "$LIVE_DIR/daemon.log")"
echo "$(wc -l <"$LIVE_DIR/running.messages") records consumed while the daemon runs"

kill -TERM "$daemon"
status=0
wait "$daemon" || status=$?
[ "$status" -eq 0 ] || live_fail "exit status $status after SIGTERM: $(tail -5 "$LIVE_DIR/daemon.log")"
live_in kcat -b "$brokers" -t live -C -o beginning -e -q -J >"$LIVE_DIR/all.messages" ||
  live_fail "kcat could not read the topic"
python3 "$FLOWFEAT_SOURCE_DIR/tests/kafka/check_kafka_records.py" "$LIVE_DIR/records" "$LIVE_DIR/all.messages" \
  --key src_ip --sensor live-kafka || live_fail "the topic differs from the daemon's records"
echo "PASS: a live capture streamed its records into Kafka as it ran"
