#!/usr/bin/env bash
# Starts a single-node Apache Kafka broker (KRaft, no ZooKeeper) bound to 127.0.0.1, for tests,
# CI and local use. The broker's jars are fetched once from Maven Central with Maven into a cache
# outside the repository; the storage is formatted only once, so a restart (even after kill -9)
# on the same data dir keeps the topics and messages. Stop it with scripts/kafka-stop.sh.
# Usage: scripts/kafka-start.sh [--port N] [--data DIR] [--cluster-id ID]
#   --port N    PLAINTEXT listener port (default $FLOWFEAT_KAFKA_PORT or 9092); the controller
#               listener uses N+1
#   --data DIR  data dir: config, storage, broker.log, broker.pid
#               (default $FLOWFEAT_KAFKA_DATA or /tmp/flowfeat-kafka)
#   --cluster-id ID  the cluster id a new storage is formatted with (default: a random one);
#               ignored when the storage is already formatted
# Needs java (17 or newer), kcat, and mvn for the first fetch. The jar cache is
# $FLOWFEAT_KAFKA_HOME, by default ${XDG_CACHE_HOME:-~/.cache}/flowfeat/kafka-<version>.
set -euo pipefail

KAFKA_VERSION=4.4.0
LOG4J_VERSION=2.25.3
DEPENDENCY_PLUGIN=org.apache.maven.plugins:maven-dependency-plugin:3.8.1
START_TIMEOUT=60

port=${FLOWFEAT_KAFKA_PORT:-9092}
data=${FLOWFEAT_KAFKA_DATA:-/tmp/flowfeat-kafka}
cluster_id=""
home=${FLOWFEAT_KAFKA_HOME:-${XDG_CACHE_HOME:-$HOME/.cache}/flowfeat/kafka-$KAFKA_VERSION}

usage() { echo "usage: $0 [--port N] [--data DIR] [--cluster-id ID]" >&2; exit 2; }
die() { echo "kafka-start: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || usage; port=$2; shift 2 ;;
    --data) [ $# -ge 2 ] || usage; data=$2; shift 2 ;;
    --cluster-id) [ $# -ge 2 ] || usage; cluster_id=$2; shift 2 ;;
    *) usage ;;
  esac
done
if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1 ] || [ "$port" -gt 65534 ]; then die "bad port: $port"; fi
controller_port=$((port + 1))

cache_complete() {
  [ -f "$home/.complete" ] && [ "$(cat "$home/.complete")" = "$KAFKA_VERSION" ]
}

check_tools() {
  local missing=()
  command -v java >/dev/null || missing+=("java (Debian: apt-get install openjdk-17-jre-headless)")
  cache_complete || command -v mvn >/dev/null || missing+=("mvn (Debian: apt-get install maven)")
  command -v kcat >/dev/null || missing+=("kcat (Debian: apt-get install kcat)")
  if [ ${#missing[@]} -gt 0 ]; then
    printf 'kafka-start: missing %s\n' "${missing[@]}" >&2
    exit 1
  fi
  local java_major
  java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
  [ "${java_major:-0}" -ge 17 ] || die "Kafka $KAFKA_VERSION needs Java 17 or newer; java is: $(java -version 2>&1 | head -n1)"
}

# Fetches the broker and its runtime jars into $home/lib, unless a complete copy is there.
fetch_kafka() {
  cache_complete && return 0
  mkdir -p "$home"
  exec 8>"$home/.lock"
  flock 8  # another start may be fetching the same cache
  if cache_complete; then exec 8>&-; return 0; fi

  echo "fetching Kafka $KAFKA_VERSION into $home"
  cat >"$home/pom.xml" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>flowfeat</groupId>
  <artifactId>kafka-broker</artifactId>
  <version>$KAFKA_VERSION</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <!-- Kafka logs through SLF4J 1.7; this binds it to Log4j 2 as Kafka's own distribution does. -->
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
  </dependencies>
</project>
EOF
  rm -rf "${home:?}/lib"
  if ! mvn -B -f "$home/pom.xml" "$DEPENDENCY_PLUGIN:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$home/lib" >"$home/mvn.log" 2>&1; then
    tail -n 30 "$home/mvn.log" | sed 's/\x1b\[[0-9;]*m//g' >&2  # Maven 3.8 leaves colour codes
    die "could not fetch Kafka $KAFKA_VERSION with Maven (log: $home/mvn.log)"
  fi
  ls "$home"/lib/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null || die "Maven fetched no kafka_2.13 jar"
  echo "$KAFKA_VERSION" >"$home/.complete"
  exec 8>&-
}

# A killed process that nobody has reaped yet is a zombie: gone for our purposes.
alive() { kill -0 "$1" 2>/dev/null && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }

# True when the pid is a live broker started on this data dir's config.
is_our_broker() {
  local pid=$1
  [ -n "$pid" ] && alive "$pid" &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $data/server.properties"
}

answers() {
  kcat -b "127.0.0.1:$port" -L -m 2 2>/dev/null | grep -qE '^ +broker [0-9]+ at '
}

port_in_use() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

write_config() {
  cat >"$data/server.properties" <<EOF
# Single-node KRaft broker for flowfeat tests; rewritten by scripts/kafka-start.sh on every start.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$data/storage

# One node: every internal topic has a single replica.
offsets.topic.replication.factor=1
offsets.topic.num.partitions=5
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=5
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1

num.partitions=3
auto.create.topics.enable=true
delete.topic.enable=true
group.initial.rebalance.delay.ms=0

# After a kill -9 the controller keeps the dead broker's registration until its session times
# out (9 s by default), and the restarted broker cannot register before: keep that short.
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000

# Small and quick: few threads, quick recovery after an unclean stop.
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=2
background.threads=4
EOF
  cat >"$data/log4j2.properties" <<'EOF'
# Kafka's log goes to standard output, which kafka-start.sh sends to broker.log.
status = warn
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.out.ref = out
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.state.name = state.change.logger
logger.state.level = warn
EOF
}

format_storage() {
  [ -f "$data/storage/meta.properties" ] && return 0
  # A Kafka cluster id is 16 random bytes in URL-safe base64 without padding. One in 64 begins
  # with '-', which kafka-storage would take for an option after "-t <id>": hence --cluster-id=<id>.
  [ -n "$cluster_id" ] || cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  java -cp "$home/lib/*" -Dlog4j2.configurationFile="$data/log4j2.properties" \
    kafka.tools.StorageTool format --cluster-id="$cluster_id" -c "$data/server.properties" \
    >>"$data/broker.log" 2>&1 || {
    tail -n 20 "$data/broker.log" >&2
    die "formatting $data/storage failed"
  }
}

# Waits until the broker answers, by the deadline (in $SECONDS) given or START_TIMEOUT from now.
wait_until_answering() {
  local pid=$1 deadline=${2:-$((SECONDS + START_TIMEOUT))}
  until answers; do
    if ! alive "$pid"; then
      echo "kafka-start: the broker exited; last lines of $data/broker.log:" >&2
      tail -n 40 "$data/broker.log" >&2
      rm -f "$data/broker.pid"
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "kafka-start: no answer on 127.0.0.1:$port after ${START_TIMEOUT}s; last lines of $data/broker.log:" >&2
      tail -n 40 "$data/broker.log" >&2
      exit 1
    fi
    sleep 0.5
  done
  echo "kafka broker on 127.0.0.1:$port (pid $pid)"
}

check_tools
mkdir -p "$data"
data=$(cd "$data" && pwd -P)
exec 9>"$data/.start.lock"
flock 9  # one start at a time per data dir

# A broker already running on this data dir is reported once it answers. One that does not
# answer yet may be dying (just killed): once it is gone, a new one is started.
pid=$(cat "$data/broker.pid" 2>/dev/null || true)
if is_our_broker "$pid"; then
  deadline=$((SECONDS + START_TIMEOUT))
  until answers || ! alive "$pid" || [ "$SECONDS" -ge "$deadline" ]; do sleep 0.2; done
  if alive "$pid"; then
    wait_until_answering "$pid" "$deadline"
    exit 0
  fi
fi
rm -f "$data/broker.pid"
for p in "$port" "$controller_port"; do
  port_in_use "$p" && die "127.0.0.1:$p is already in use by another process"
done

fetch_kafka
write_config
echo "=== $(date '+%F %T') kafka-start.sh: Kafka $KAFKA_VERSION on 127.0.0.1:$port" >>"$data/broker.log"
format_storage

# The broker runs in its own session so it outlives this script; it writes its own pid first.
# shellcheck disable=SC2016  # $$ and $@ are the inner shell's
setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$data/broker.pid" \
  java -Xms256m -Xmx256m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
  -Djava.awt.headless=true -Dlog4j2.configurationFile="$data/log4j2.properties" \
  -cp "$home/lib/*" kafka.Kafka "$data/server.properties" >>"$data/broker.log" 2>&1 </dev/null 9>&- &
for _ in $(seq 50); do [ -s "$data/broker.pid" ] && break; sleep 0.1; done
pid=$(cat "$data/broker.pid" 2>/dev/null || true)
[ -n "$pid" ] || die "the broker did not start; see $data/broker.log"
wait_until_answering "$pid"
