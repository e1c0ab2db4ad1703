#!/usr/bin/env bash
# No broker when a replay starts, or none left when it stops. With no broker at all, flowfeatd waits
# output.kafka.connect_timeout, then exits 3 naming the brokers, having written nothing. With a
# broker that comes up inside the wait, the replay goes on once it answers and no record is lost.
# With the broker gone when SIGTERM arrives, flowfeatd flushes for output.kafka.flush_timeout, then
# counts and names the records it could not deliver and exits 5.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/kafka_lib.sh"
kafka_require
kafka_setup 19392
"$FLOWFEAT_GEN" --out "$KAFKA_DIR/traffic.pcap" --truth "$KAFKA_DIR/truth.csv" --flows 500 --duration 20 \
  >/dev/null || kafka_fail "flowfeat-gen failed"

echo "== no broker: the documented wait, then exit 3"
printf 'output:\n  kafka:\n    connect_timeout: 3\n' >"$KAFKA_DIR/short.yaml"
started=$SECONDS
status=0
"$FLOWFEATD" --config "$KAFKA_DIR/short.yaml" --read "$KAFKA_DIR/traffic.pcap" --output "$KAFKA_DIR/none" \
  --progress never --no-metrics --kafka-brokers "$(kafka_brokers)" >"$KAFKA_DIR/none.log" 2>&1 || status=$?
took=$((SECONDS - started))
[ "$status" -eq 3 ] || kafka_fail "exit status $status without a broker, expected 3: $(tail -3 "$KAFKA_DIR/none.log")"
[ "$took" -ge 2 ] && [ "$took" -le 15 ] || kafka_fail "gave up after ${took}s, not after the 3 s connect_timeout"
grep -q "waiting up to 3 s (output.kafka.connect_timeout)" "$KAFKA_DIR/none.log" || kafka_fail "no word of the wait"
grep -q "no usable answer from $(kafka_brokers) within 3 s" "$KAFKA_DIR/none.log" ||
  kafka_fail "the message does not name the brokers: $(tail -2 "$KAFKA_DIR/none.log")"
[ -z "$(ls "$KAFKA_DIR/none" 2>/dev/null | grep flows- || true)" ] || kafka_fail "records were written"

echo "== the broker comes up inside the wait"
printf 'output:\n  kafka:\n    connect_timeout: 90\n' >"$KAFKA_DIR/long.yaml"
kafka_background late "$FLOWFEATD" --config "$KAFKA_DIR/long.yaml" --read "$KAFKA_DIR/traffic.pcap" \
  --output "$KAFKA_DIR/late" --format jsonl --progress never --no-metrics --sensor-id late \
  --kafka-brokers "$(kafka_brokers)" --kafka-topic late
late=$KAFKA_PID
waiting() { grep -q "waiting up to 90 s" "$KAFKA_DIR/late.log"; }
kafka_wait_for 20 "flowfeatd to wait for the broker" waiting
sleep 2
kill -0 "$late" 2>/dev/null || kafka_fail "flowfeatd did not wait: $(tail -3 "$KAFKA_DIR/late.log")"
kafka_start
status=0
wait "$late" || status=$?
[ "$status" -eq 0 ] || kafka_fail "exit status $status with a late broker: $(tail -5 "$KAFKA_DIR/late.log")"
kafka_consume late "$KAFKA_DIR/late.messages"
python3 "$KAFKA_CHECK" "$KAFKA_DIR/late" "$KAFKA_DIR/late.messages" --key src_ip --sensor late ||
  kafka_fail "with a late broker, the messages differ from the records"
echo "== the broker gone when SIGTERM comes: counted, said, exit 5"
printf 'output:\n  kafka:\n    flush_timeout: 2\n' >"$KAFKA_DIR/flush.yaml"
kafka_background stopped "$FLOWFEATD" --config "$KAFKA_DIR/flush.yaml" --read "$KAFKA_DIR/traffic.pcap" \
  --replay-speed 2 --idle-timeout 1 --output "$KAFKA_DIR/stopped" --progress never --no-metrics \
  --kafka-brokers "$(kafka_brokers)" --kafka-topic stopped
stopped=$KAFKA_PID
replaying() { grep -q "replaying files" "$KAFKA_DIR/stopped.log"; }
kafka_wait_for 30 "the replay to start" replaying
sleep 2
kafka_kill
sleep 1
kill -TERM "$stopped"
status=0
wait "$stopped" || status=$?
[ "$status" -eq 5 ] || kafka_fail "exit status $status with records undelivered, expected 5: $(tail -5 "$KAFKA_DIR/stopped.log")"
grep -Eq "Kafka: [0-9]+ record\(s\) not delivered to $(kafka_brokers) within output.kafka.flush_timeout \(2 s\): lost" \
  "$KAFKA_DIR/stopped.log" || kafka_fail "the loss is not said: $(tail -5 "$KAFKA_DIR/stopped.log")"
grep -Eq "^LOST: [1-9][0-9]* of [0-9]+ records" "$KAFKA_DIR/stopped.log" || kafka_fail "the summary does not count the loss"
grep "^LOST" "$KAFKA_DIR/stopped.log"
echo "PASS: no broker gives exit 3 after the wait; a late broker loses nothing; a loss at the end gives exit 5"
