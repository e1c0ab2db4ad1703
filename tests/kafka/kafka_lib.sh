# Shared helpers of the Kafka tests (sourced). Each test starts its own single-node Apache Kafka
# broker (scripts/kafka-start.sh: the real broker from Maven Central, KRaft, on 127.0.0.1) on a port
# of its own, in a scratch folder removed on exit.
#
# A test that cannot run here (no Java, no kcat, no Maven to fetch the broker) exits 77, which CTest
# reports as skipped, unless FLOWFEAT_REQUIRE_KAFKA=1 (CI), where it fails instead.

set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../support/shell_helpers.sh"

KAFKA_SCRIPTS=$FLOWFEAT_SOURCE_DIR/scripts
KAFKA_CHECK=$FLOWFEAT_SOURCE_DIR/tests/kafka/check_kafka_records.py
KAFKA_DIR=""
KAFKA_PORT=""
KAFKA_PIDS=()

kafka_skip() {
  if [ "${FLOWFEAT_REQUIRE_KAFKA:-0}" = 1 ]; then
    echo "FAIL (FLOWFEAT_REQUIRE_KAFKA=1): $*" >&2
    exit 1
  fi
  echo "SKIP: $*"
  exit 77
}

kafka_fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# kafka_require: skips unless Java, kcat and python3 are there (and Maven, or the broker's jars
# already fetched).
kafka_require() {
  local tool
  for tool in java kcat python3; do
    command -v "$tool" >/dev/null || kafka_skip "$tool is not installed"
  done
  command -v mvn >/dev/null || ls "${XDG_CACHE_HOME:-$HOME/.cache}"/flowfeat/kafka-*/.complete >/dev/null 2>&1 ||
    kafka_skip "mvn is not installed and no Kafka broker was fetched before"
}

kafka_cleanup() {
  local pid
  for pid in "${KAFKA_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  [ -n "$KAFKA_DIR" ] && "$KAFKA_SCRIPTS/kafka-stop.sh" --data "$KAFKA_DIR/broker" --kill >/dev/null 2>&1 || true
  [ -n "$KAFKA_DIR" ] && [ -z "${FLOWFEAT_KEEP_KAFKA_DIR:-}" ] && rm -rf "$KAFKA_DIR"
  return 0
}

# kafka_setup PORT: the scratch folder KAFKA_DIR and the broker's port KAFKA_PORT (not started).
kafka_setup() {
  KAFKA_PORT=$1
  KAFKA_DIR=$(mktemp -d)
  trap kafka_cleanup EXIT
}

kafka_brokers() { echo "127.0.0.1:$KAFKA_PORT"; }

# kafka_start [OPTION...]: starts (or restarts, on the same storage) the test's broker and waits until
# it answers; the options go to kafka-start.sh.
kafka_start() {
  "$KAFKA_SCRIPTS/kafka-start.sh" --port "$KAFKA_PORT" --data "$KAFKA_DIR/broker" "$@" ||
    kafka_fail "the Kafka broker did not start: $(tail -20 "$KAFKA_DIR/broker/broker.log" 2>/dev/null)"
}

# kafka_kill: SIGKILL to the broker, as a crash would.
kafka_kill() { "$KAFKA_SCRIPTS/kafka-stop.sh" --data "$KAFKA_DIR/broker" --kill >/dev/null; }

# kafka_consume TOPIC FILE: every message of the topic from the beginning, one kcat JSON envelope
# (key, payload, headers, partition, offset) per line.
kafka_consume() {
  local topic=$1 file=$2
  kcat -b "$(kafka_brokers)" -t "$topic" -C -o beginning -e -q -J >"$file" 2>"$file.err" ||
    kafka_fail "kcat could not read $topic: $(cat "$file.err")"
}

# kafka_background NAME COMMAND...: starts a command with output in KAFKA_DIR/NAME.log; its pid is
# in KAFKA_PID and it is killed on exit.
kafka_background() {
  local name=$1
  shift
  "$@" >"$KAFKA_DIR/$name.log" 2>&1 &
  KAFKA_PID=$!
  KAFKA_PIDS+=("$KAFKA_PID")
}

# kafka_wait_for SECONDS DESCRIPTION COMMAND...: retries COMMAND every 0.1 s until it succeeds.
kafka_wait_for() {
  local seconds=$1 what=$2
  shift 2
  poll_until "$seconds" "$what" kafka_fail "$@"
}

# kafka_metric PORT NAME: one sample of flowfeatd's metrics endpoint (summed over a family's series
# when NAME has no labels); empty when the endpoint does not answer.
kafka_metric() {
  local port=$1 name=$2
  { curl -sf "http://127.0.0.1:$port/metrics" 2>/dev/null || true; } | metric_value "$name"
}
