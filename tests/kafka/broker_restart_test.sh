#!/usr/bin/env bash
# A broker that crashes during a replay: flowfeatd replays a generated capture at its recorded pace
# into Kafka while the broker is killed with SIGKILL and started again on the same storage. The
# replay must complete with exit status 0, every record must arrive exactly once (counted by the
# flow_id header, and equal to the JSON Lines files), and the metrics must show the outage: no
# broker up, records queued meanwhile, requests retried.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/kafka_lib.sh"
kafka_require
kafka_setup 19292
metrics_port=19277
"$FLOWFEAT_GEN" --out "$KAFKA_DIR/traffic.pcap" --truth "$KAFKA_DIR/truth.csv" --flows 3000 --duration 24 \
  >/dev/null || kafka_fail "flowfeat-gen failed"
kafka_start

# Short idle timeouts, so records leave all along the replay rather than at its end.
kafka_background replay "$FLOWFEATD" --read "$KAFKA_DIR/traffic.pcap" --replay-speed 1.5 --idle-timeout 1 \
  --output "$KAFKA_DIR/records" --format jsonl --progress never --sensor-id restart-test \
  --metrics-listen "127.0.0.1:$metrics_port" --kafka-brokers "$(kafka_brokers)" --kafka-topic restart
replay=$KAFKA_PID
delivered() { [ "$(kafka_metric $metrics_port 'flowfeat_kafka_messages_total{state="delivered"}')" -gt "$1" ]; }
kafka_wait_for 30 "records delivered before the crash" delivered 100

echo "== SIGKILL to the broker mid-replay"
kafka_kill
brokers_down() { [ "$(kafka_metric $metrics_port flowfeat_kafka_brokers_up)" = 0 ]; }
kafka_wait_for 10 "flowfeatd to see the broker gone" brokers_down
queued_before=$(kafka_metric $metrics_port flowfeat_kafka_queue_messages)
sleep 2
queued_during=$(kafka_metric $metrics_port flowfeat_kafka_queue_messages)
echo "queued while the broker is down: $queued_before, then $queued_during"
[ "$queued_during" -gt 0 ] || kafka_fail "no record waited in the queue while the broker was down"
kill -0 "$replay" 2>/dev/null || kafka_fail "the replay ended before the broker came back: $(tail -5 "$KAFKA_DIR/replay.log")"

echo "== the broker again, on the same storage"
kafka_start
retries=0
disconnects=0
while kill -0 "$replay" 2>/dev/null; do
  now=$(kafka_metric $metrics_port flowfeat_kafka_retries_total)
  if [ -n "$now" ] && [ "$now" -gt "$retries" ]; then retries=$now; fi
  now=$(kafka_metric $metrics_port flowfeat_kafka_disconnects_total)
  if [ -n "$now" ] && [ "$now" -gt "$disconnects" ]; then disconnects=$now; fi
  sleep 0.2
done
status=0
wait "$replay" || status=$?
[ "$status" -eq 0 ] || kafka_fail "exit status $status after the broker restart: $(tail -5 "$KAFKA_DIR/replay.log")"
echo "connections lost: $disconnects; produce requests retried: $retries"
[ "$disconnects" -gt 0 ] || kafka_fail "flowfeat_kafka_disconnects_total stayed 0 across the outage"

kafka_consume restart "$KAFKA_DIR/restart.messages"
python3 "$KAFKA_CHECK" "$KAFKA_DIR/records" "$KAFKA_DIR/restart.messages" --key src_ip --sensor restart-test ||
  kafka_fail "after the restart, the messages differ from the records"
echo "PASS: the broker crashed and came back; every record arrived exactly once"
