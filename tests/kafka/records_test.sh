#!/usr/bin/env bash
# Records into a real Kafka broker: real captures replayed with the record files and Kafka both on;
# a real consumer (kcat) reads the topic from the beginning and every message must equal its record
# of the JSON Lines files, with the configured key and the headers. Three runs: key src_ip (the
# default, lz4), key flow with zstd, and Kafka alone (--no-files) with key dst_ip. Then a topic that
# does not exist, on a producer that may not create it, is a clear error with exit status 3.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/kafka_lib.sh"
kafka_require
pcaps=${FLOWFEAT_PCAP_DIR:-}/nfstream/tests/pcaps
[ -n "${FLOWFEAT_PCAP_DIR:-}" ] && [ -d "$pcaps" ] || kafka_skip "no shared captures (FLOWFEAT_PCAP_DIR)"
captures=()
for name in 1kxun.pcap 443-chrome.pcap anyconnect-vpn.pcap dns_doh.pcap google_ssl.pcap instagram.pcap \
  ipv6_in_gtp.pcap quic.pcap skype.pcap steam.pcap synscan.pcap tor.pcap; do
  [ -f "$pcaps/$name" ] && captures+=("$pcaps/$name")
done
[ "${#captures[@]}" -ge 6 ] || kafka_skip "fewer than 6 of the chosen captures in $pcaps"
kafka_setup 19192
kafka_start

# run NAME KEY CONFIG_LINES... : one replay of the captures into topic NAME with the given key.
run() {
  local name=$1 key=$2
  shift 2
  {
    printf 'output:\n  kafka:\n    key: %s\n' "$key"
    printf '    %s\n' "$@"
  } >"$KAFKA_DIR/$name.yaml"
  local status=0
  "$FLOWFEATD" --config "$KAFKA_DIR/$name.yaml" --read "${captures[@]}" --output "$KAFKA_DIR/$name" \
    --format jsonl --progress never --no-metrics --workers 2 --sensor-id sensor-a \
    --kafka-brokers "$(kafka_brokers)" --kafka-topic "$name" >"$KAFKA_DIR/$name.log" 2>&1 || status=$?
  [ "$status" -eq 0 ] || kafka_fail "$name: exit status $status: $(tail -5 "$KAFKA_DIR/$name.log")"
  grep -q "records delivered to topic $name" "$KAFKA_DIR/$name.log" || kafka_fail "$name: no Kafka summary"
  kafka_consume "$name" "$KAFKA_DIR/$name.messages"
}

echo "== key src_ip, lz4, files and Kafka"
run by-source src_ip "compression: lz4"
python3 "$KAFKA_CHECK" "$KAFKA_DIR/by-source" "$KAFKA_DIR/by-source.messages" --key src_ip --sensor sensor-a ||
  kafka_fail "by-source: the messages differ from the records"
records=$(cat "$KAFKA_DIR"/by-source/flows-*.jsonl | wc -l)
[ "$records" -gt 500 ] || kafka_fail "only $records records: the captures were not read"

echo "== key flow, zstd"
run by-flow flow "compression: zstd"
python3 "$KAFKA_CHECK" "$KAFKA_DIR/by-flow" "$KAFKA_DIR/by-flow.messages" --key flow --sensor sensor-a ||
  kafka_fail "by-flow: the messages differ from the records"

echo "== Kafka alone (--no-files, into a folder that does not exist yet), key dst_ip: the same records as the files of the first run"
cat >"$KAFKA_DIR/alone.yaml" <<YAML
output:
  files: false
  kafka:
    key: dst_ip
YAML
"$FLOWFEATD" --config "$KAFKA_DIR/alone.yaml" --read "${captures[@]}" --output "$KAFKA_DIR/alone" --progress never \
  --no-metrics --workers 2 --sensor-id sensor-a --kafka-brokers "$(kafka_brokers)" --kafka-topic alone \
  >"$KAFKA_DIR/alone.log" 2>&1 || kafka_fail "alone: exit status $?: $(tail -5 "$KAFKA_DIR/alone.log")"
[ -z "$(ls "$KAFKA_DIR/alone" | grep flows- || true)" ] || kafka_fail "alone: record files were written"
[ -s "$KAFKA_DIR/alone/standardizer.state" ] || kafka_fail "alone: the standardizer state was not saved"
kafka_consume alone "$KAFKA_DIR/alone.messages"
python3 "$KAFKA_CHECK" "$KAFKA_DIR/by-source" "$KAFKA_DIR/alone.messages" --key dst_ip --sensor sensor-a ||
  kafka_fail "alone: the messages differ from the records of the first run"

echo "== a missing topic the producer may not create"
status=0
"$FLOWFEATD" --read "${captures[0]}" --output "$KAFKA_DIR/missing" --progress never --no-metrics \
  --kafka-brokers "$(kafka_brokers)" --kafka-topic never-created --config <(printf 'output:\n  kafka:\n    properties:\n      allow.auto.create.topics: "false"\n') \
  >"$KAFKA_DIR/missing.log" 2>&1 || status=$?
[ "$status" -eq 3 ] || kafka_fail "missing topic: exit status $status, expected 3: $(tail -3 "$KAFKA_DIR/missing.log")"
grep -q "the topic never-created does not exist" "$KAFKA_DIR/missing.log" ||
  kafka_fail "missing topic: no clear message: $(tail -3 "$KAFKA_DIR/missing.log")"
echo "PASS: $records records through Kafka, three ways; a missing topic is named"
