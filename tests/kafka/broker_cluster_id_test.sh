#!/usr/bin/env bash
# The broker starts whatever its cluster id: one in 64 random ids begins with '-', which
# kafka-storage took for an option ("argument --cluster-id/-t: expected one argument"). The real
# kafka-storage tool formats the storage with such an id, the broker answers, and a restart on the
# same storage keeps it.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/kafka_lib.sh"
kafka_require
kafka_setup 19592

id=-flowfeatClusterId0001  # 22 characters of URL-safe base64: 16 bytes, the first '-'
meta=$KAFKA_DIR/broker/storage/meta.properties
echo "== formatted with the id $id"
kafka_start --cluster-id "$id"
grep -qxF "cluster.id=$id" "$meta" || kafka_fail "meta.properties does not hold the id: $(cat "$meta" 2>/dev/null)"
kcat -b "$(kafka_brokers)" -L -m 5 >"$KAFKA_DIR/metadata.txt" 2>&1 || kafka_fail "no metadata: $(cat "$KAFKA_DIR/metadata.txt")"

echo "== restarted on the same storage: the id stays"
kafka_kill
kafka_start --cluster-id -anotherIdNotUsed00001
grep -qxF "cluster.id=$id" "$meta" || kafka_fail "the storage was formatted again: $(cat "$meta")"
echo "PASS"
