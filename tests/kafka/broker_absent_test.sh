#!/usr/bin/env bash
# No broker when a replay starts. With no broker at all, flowfeatd waits output.kafka.connect_timeout,
# then exits 3 naming the brokers, having written nothing. With a broker that comes up inside the
# wait, the replay goes on once it answers and no record is lost.
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
echo "PASS: no broker gives exit 3 after the wait; a late broker loses nothing"
