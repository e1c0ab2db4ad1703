#!/usr/bin/env bash
# Stops the Kafka broker that scripts/kafka-start.sh started on a data dir: SIGTERM, then SIGKILL
# if it is still running after 30 s (at once with --kill). The data dir's storage is kept.
# Exits 0 when no broker was running.
# Usage: scripts/kafka-stop.sh [--data DIR] [--kill]
#   --data DIR  the broker's data dir (default $FLOWFEAT_KAFKA_DATA or /tmp/flowfeat-kafka)
#   --kill      SIGKILL at once (an unclean stop, as a crash would be)
set -euo pipefail

STOP_TIMEOUT=30

data=${FLOWFEAT_KAFKA_DATA:-/tmp/flowfeat-kafka}
hard=0

usage() { echo "usage: $0 [--data DIR] [--kill]" >&2; exit 2; }
# A killed process that nobody has reaped yet is a zombie: gone for our purposes.
alive() { kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

while [ $# -gt 0 ]; do
  case "$1" in
    --data) [ $# -ge 2 ] || usage; data=$2; shift 2 ;;
    --kill) hard=1; shift ;;
    *) usage ;;
  esac
done

[ -d "$data" ] || exit 0
data=$(cd "$data" && pwd -P)
pidfile=$data/broker.pid
pid=$(cat "$pidfile" 2>/dev/null || true)

# Only a live broker started on this data dir's config is signalled, never a reused pid.
if [ -z "$pid" ] || ! alive "$pid" ||
  ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $data/server.properties"; then
  rm -f "$pidfile"
  exit 0
fi

if [ "$hard" -eq 1 ]; then
  kill -KILL "$pid" 2>/dev/null || true
else
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + STOP_TIMEOUT))
  while alive "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
  if alive "$pid"; then
    echo "kafka-stop: broker $pid still running after ${STOP_TIMEOUT}s; killing it" >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
fi
# The broker is not our child, so wait for it to be gone rather than using `wait`.
while alive "$pid"; do sleep 0.1; done
rm -f "$pidfile"
echo "kafka broker stopped (pid $pid)"
