#!/usr/bin/env bash
# --check-config has librdkafka check output.kafka.properties: a property it does not know, and a
# value it refuses, each exit 2 with a message naming the property; Kafka enabled with no broker
# is refused too; a good configuration passes. Needs no broker.
set -euo pipefail
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

# expect STATUS TEXT YAML: --check-config of YAML exits STATUS and prints TEXT.
expect() {
  local want=$1 text=$2 yaml=$3
  printf '%s' "$yaml" >"$dir/config.yaml"
  local status=0
  "$FLOWFEATD" --check-config "$dir/config.yaml" >"$dir/out" 2>&1 || status=$?
  if [ "$status" -ne "$want" ] || ! grep -qF -- "$text" "$dir/out"; then
    echo "FAIL: expected status $want and \"$text\", got status $status:" >&2
    cat "$dir/out" >&2
    exit 1
  fi
}

kafka='output:\n  kafka:\n    enabled: true\n    brokers: 127.0.0.1:9092\n'
expect 2 "output.kafka.properties.no.such.thing: librdkafka knows no such property" \
  "$(printf "$kafka"'    properties:\n      no.such.thing: 1\n')"
expect 2 "output.kafka.properties.message.max.bytes: " \
  "$(printf "$kafka"'    properties:\n      message.max.bytes: huge\n')"
expect 2 "output.kafka.brokers: Kafka is enabled but no broker is given" \
  "$(printf 'output:\n  kafka:\n    enabled: true\n')"
expect 2 "records would go nowhere" "$(printf 'output:\n  files: false\n')"
expect 2 "output.kafka.key: \"port\" is not a valid value" "$(printf "$kafka"'    key: port\n')"
expect 0 "configuration OK" \
  "$(printf "$kafka"'    compression: zstd\n    properties:\n      security.protocol: PLAINTEXT\n      socket.keepalive.enable: "true"\n')"
echo "PASS: --check-config names every bad Kafka setting"
