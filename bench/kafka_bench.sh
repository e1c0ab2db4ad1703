#!/usr/bin/env bash
# kafka_bench.sh [--rounds N] [--port N] [CAPTURE]
#
# What the Kafka sink costs flowfeatd: the capture replayed with JSON Lines files only, with files
# and Kafka (lz4), and with files and Kafka (zstd), as paired runs (A, B, C, A, B, C, ...). Prints
# side by side the median wall time, records/s, peak RSS and CPU time of each configuration and,
# for the Kafka ones, messages/s, the bytes the broker stored (after compression) per second, and
# the CPU time the broker used; then the Kafka cost in % of wall time against the goal of 10 %.
# See bench/README.md, "Kafka sink", for what each figure means.
#
# CAPTURE defaults to the benchmark capture, made with bench/make_capture.sh into a temporary
# folder. The script starts its own broker (scripts/kafka-start.sh) on 127.0.0.1:PORT (default
# 19592; PORT+1 is its controller, PORT+2 flowfeatd's metrics endpoint) with a data dir of its own,
# and stops it on exit.
#
# Environment: FLOWFEAT_BUILD_DIR, the build tree holding daemon/app/flowfeatd (default build/
# under the repository root); FLOWFEAT_BENCH_KEEP=1 keeps the temporary folder (broker data dir
# and log, last run's output) instead of deleting it.
set -euo pipefail

usage() {
  echo "usage: $0 [--rounds N] [--port N] [CAPTURE]" >&2
  exit 2
}

rounds=3
port=19592
capture=""
while (($# > 0)); do
  case $1 in
    --rounds) (($# >= 2)) || usage; rounds=$2; shift 2 ;;
    --port) (($# >= 2)) || usage; port=$2; shift 2 ;;
    -h | --help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) [[ -z $capture ]] || usage; capture=$1; shift ;;
  esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "--rounds must be a positive integer, not '$rounds'" >&2; exit 2; }
if ! [[ $port =~ ^[1-9][0-9]*$ ]] || ((port > 65533)); then echo "bad --port: $port" >&2; exit 2; fi
if [[ -n $capture ]]; then
  [[ -r $capture ]] || { echo "cannot read $capture" >&2; exit 1; }
  capture=$(cd "$(dirname "$capture")" && pwd)/$(basename "$capture")
fi

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${FLOWFEAT_BUILD_DIR:-$repo_root/build}
flowfeatd=$build_dir/daemon/app/flowfeatd
[[ -x $flowfeatd ]] || { echo "not built: $flowfeatd (set FLOWFEAT_BUILD_DIR)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time missing: install the Debian package 'time' (apt-get install time)" >&2; exit 1; }
command -v kcat >/dev/null || { echo "kcat missing: install the Debian package 'kcat'" >&2; exit 1; }
metrics_port=$((port + 2))
if (exec 3<>"/dev/tcp/127.0.0.1/$metrics_port") 2>/dev/null; then
  echo "127.0.0.1:$metrics_port (flowfeatd's metrics endpoint) is in use; choose another --port" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/flowfeat-kafka-bench.XXXXXX")
broker_data=$work/broker
cleanup() {
  "$repo_root/scripts/kafka-stop.sh" --data "$broker_data" >/dev/null || true
  if [[ ${FLOWFEAT_BENCH_KEEP:-0} == 1 ]]; then
    echo "kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# Every run uses this copy, so a rebuild of the tree during the benchmark changes nothing.
cp "$flowfeatd" "$work/flowfeatd"
flowfeatd=$work/flowfeatd

if [[ -z $capture ]]; then
  capture=$work/bench.pcap
  "$repo_root/bench/make_capture.sh" "$capture" >/dev/null
fi

# Floating-point arithmetic and formatting: calc FORMAT EXPRESSION [name=value...].
calc() {
  local format=$1 expression=$2
  shift 2
  awk "$@" "BEGIN { printf \"$format\", $expression }"
}

# median VALUE...: the middle value (the mean of the two middle ones for an even count).
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.6f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

"$repo_root/scripts/kafka-start.sh" --port "$port" --data "$broker_data" >&2
broker_pid=$(cat "$broker_data/broker.pid")
brokers=127.0.0.1:$port
log_dir=$(sed -n 's/^log\.dirs=//p' "$broker_data/server.properties")
[[ -d $log_dir ]] || { echo "no broker log dir at '$log_dir'" >&2; exit 1; }
clock_ticks=$(getconf CLK_TCK)

# CPU time (user + system) the broker has used so far, in clock ticks. The command name, field 2,
# is in parentheses and may hold spaces: fields are counted after it (utime, stime = 14, 15).
broker_ticks() {
  local stat
  stat=$(<"/proc/$broker_pid/stat")
  stat=${stat##*) }
  awk '{ print $12 + $13 }' <<<"$stat"
}

# Bytes of a topic's log segments on the broker's disk (record batches as the producer compressed
# them). Not du: every segment also has .index and .timeindex files preallocated to 10 MiB.
topic_bytes() {
  find "$log_dir" -path "$log_dir/$1-*" -name '*.log' -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'
}

# Messages in a topic: the sum of its partitions' end offsets.
topic_messages() {
  local topic=$1 partitions args=() p
  partitions=$(kcat -b "$brokers" -L -t "$topic" | sed -n 's/.* with \([0-9]*\) partitions:$/\1/p')
  for ((p = 0; p < partitions; p++)); do args+=(-t "$topic:$p:-1"); done
  kcat -b "$brokers" -Q "${args[@]}" | awk '{ s += $NF } END { print s + 0 }'
}

# Creates a topic (the broker creates it on a metadata request) and waits until it has partitions,
# so that topic creation is not part of a timed run.
create_topic() {
  local topic=$1
  local metadata
  for _ in $(seq 100); do
    metadata=$(kcat -b "$brokers" -X allow.auto.create.topics=true -L -t "$topic" 2>/dev/null || true)
    grep -qE "topic \"$topic\" with [1-9][0-9]* partitions" <<<"$metadata" && return 0
    sleep 0.1
  done
  echo "topic $topic was not created" >&2
  exit 1
}

for codec in lz4 zstd; do
  printf 'output:\n  kafka:\n    compression: %s\n' "$codec" >"$work/$codec.yaml"
done
configs=(files lz4 zstd)

# Results, per configuration: space-separated lists with one value per round.
declare -A wall rss cpu records delivered disk_bytes message_bytes broker_cpu
packets=""

# run CONFIG ROUND: one flowfeatd run; ROUND 0 is the warm-up, not recorded.
run() {
  local config=$1 round=$2 topic="" kafka_args=() out=$work/output
  if [[ $config != files ]]; then
    topic=bench-$config-$round
    create_topic "$topic"
    kafka_args=(--config "$work/$config.yaml" --kafka-brokers "$brokers" --kafka-topic "$topic")
  fi
  rm -rf "$out" && mkdir "$out"
  local ticks_before bytes_before start_ns end_ns
  bytes_before=0
  [[ -z $topic ]] || bytes_before=$(topic_bytes "$topic")
  ticks_before=$(broker_ticks)
  start_ns=$(date +%s%N)
  if ! /usr/bin/time -f '%M %U %S' -o "$work/time.txt" "$flowfeatd" --read "$capture" --output "$out" \
    --format jsonl --metrics-listen "127.0.0.1:$metrics_port" --progress never "${kafka_args[@]}" \
    >"$work/stdout.txt" 2>"$work/stderr.txt"; then
    echo "flowfeatd ($config, round $round) failed; its output:" >&2
    cat "$work/stdout.txt" >&2
    tail -n 20 "$work/stderr.txt" >&2
    exit 1
  fi
  end_ns=$(date +%s%N)
  local ticks_after
  ticks_after=$(broker_ticks)
  rm -rf "$out"  # before its pages are written back, so the next run does not pay for that

  local n_records n_delivered=0 n_bytes=0 n_message_bytes=0
  n_records=$(sed -n 's/^flowfeatd: .*; \([0-9]*\) flows in .*/\1/p' "$work/stdout.txt")
  [[ -n $n_records ]] || { echo "no 'N flows in' line in flowfeatd's output ($config, round $round)" >&2; exit 1; }
  packets=$(sed -n 's/^flowfeatd: \([0-9]*\) packets read.*/\1/p' "$work/stdout.txt")
  if [[ -n $topic ]]; then
    n_delivered=$(sed -n 's/^kafka: \([0-9]*\) records delivered .*/\1/p' "$work/stdout.txt")
    n_message_bytes=$(sed -n 's/^kafka: .*, \([0-9]*\) bytes before compression)$/\1/p' "$work/stdout.txt")
    if [[ $n_delivered != "$n_records" ]]; then
      echo "$config, round $round: ${n_delivered:-no} records delivered to Kafka of $n_records" >&2
      exit 1
    fi
    local on_broker
    on_broker=$(topic_messages "$topic")
    if [[ $on_broker != "$n_records" ]]; then
      echo "$config, round $round: topic $topic holds $on_broker messages, not $n_records" >&2
      exit 1
    fi
    n_bytes=$(($(topic_bytes "$topic") - bytes_before))
  fi
  ((round > 0)) || return 0

  local time_line
  time_line=$(tail -n 1 "$work/time.txt")
  wall[$config]+=" $(calc '%.6f' '(e - s) / 1e9' -v s="$start_ns" -v e="$end_ns")"
  rss[$config]+=" ${time_line%% *}"
  cpu[$config]+=" $(awk '{ printf "%.2f", $2 + $3 }' <<<"$time_line")"
  records[$config]+=" $n_records"
  delivered[$config]+=" $n_delivered"
  disk_bytes[$config]+=" $n_bytes"
  message_bytes[$config]+=" $n_message_bytes"
  broker_cpu[$config]+=" $(calc '%.2f' '(a - b) / t' -v a="$ticks_after" -v b="$ticks_before" -v t="$clock_ticks")"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$capture" >/dev/null  # into the page cache
echo "warm-up: one run of each configuration, not counted" >&2
for config in "${configs[@]}"; do run "$config" 0; done
for ((round = 1; round <= rounds; round++)); do
  echo "round $round/$rounds" >&2
  for config in "${configs[@]}"; do run "$config" "$round"; done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# The same capture must give the same records in every run.
# shellcheck disable=SC2086
if (($(printf '%s\n' ${records[files]} ${records[lz4]} ${records[zstd]} | sort -u | wc -l) != 1)); then
  echo "warning: the runs did not all give the same number of records:" \
    "${records[files]} |${records[lz4]} |${records[zstd]}" >&2
fi

# Median per configuration of a per-run quantity: per_run CONFIG EXPRESSION, where the expression
# uses w (wall seconds), r (records), d (delivered), b (bytes on the broker), m (message bytes).
per_run() {
  local config=$1 expression=$2 i values=()
  # shellcheck disable=SC2206
  local w=(${wall[$config]}) r=(${records[$config]}) d=(${delivered[$config]}) b=(${disk_bytes[$config]}) m=(${message_bytes[$config]})
  for i in "${!w[@]}"; do
    values+=("$(calc '%.6f' "$expression" -v w="${w[i]}" -v r="${r[i]}" -v d="${d[i]}" -v b="${b[i]}" -v m="${m[i]}")")
  done
  median "${values[@]}"
}

row() {  # row NAME FORMAT VALUE_FILES VALUE_LZ4 VALUE_ZSTD ("-" for none)
  local name=$1 format=$2
  shift 2
  printf '%-28s' "$name"
  local value
  for value in "$@"; do
    if [[ $value == - ]]; then printf ' %14s' -; else printf " %14s" "$(calc "$format" v -v v="$value")"; fi
  done
  printf '\n'
}

# The lists are split into their values on purpose.
# shellcheck disable=SC2086
{
  declare -A median_wall=(
    [files]=$(median ${wall[files]}) [lz4]=$(median ${wall[lz4]}) [zstd]=$(median ${wall[zstd]})
  )
  m_rss() { median ${rss[$1]}; }
  m_cpu() { median ${cpu[$1]}; }
  m_bcpu() { median ${broker_cpu[$1]}; }
}

printf '%-28s %s\n' date "$(date '+%F %T %Z')"
printf '%-28s %s\n' machine "$(nproc) cores, $(uname -r), load average $load_before before, $load_after after"
printf '%-28s %s\n' capture "$capture"
printf '%-28s %s\n' packets "$packets"
printf '%-28s %s\n' records "$(awk '{ print $1 }' <<<"${records[files]}")"
printf '%-28s %s\n' rounds "$rounds (paired: files, lz4, zstd in each round, after one warm-up round)"
printf '%-28s %s\n' flowfeatd_args "--read CAPTURE --output DIR --format jsonl [--kafka-brokers $brokers --kafka-topic T --config C]"
echo
printf '%-28s %14s %14s %14s\n' median files files+lz4 files+zstd
row wall_seconds '%.3f' "${median_wall[files]}" "${median_wall[lz4]}" "${median_wall[zstd]}"
row records_per_second '%.0f' "$(per_run files 'r / w')" "$(per_run lz4 'r / w')" "$(per_run zstd 'r / w')"
row peak_rss_mib '%.1f' "$(calc '%.3f' 'k / 1024' -v k="$(m_rss files)")" \
  "$(calc '%.3f' 'k / 1024' -v k="$(m_rss lz4)")" "$(calc '%.3f' 'k / 1024' -v k="$(m_rss zstd)")"
row flowfeatd_cpu_seconds '%.2f' "$(m_cpu files)" "$(m_cpu lz4)" "$(m_cpu zstd)"
row kafka_messages_per_second '%.0f' - "$(per_run lz4 'd / w')" "$(per_run zstd 'd / w')"
row kafka_bytes_per_second '%.0f' - "$(per_run lz4 'b / w')" "$(per_run zstd 'b / w')"
row kafka_bytes_per_record '%.0f' - "$(per_run lz4 'b / r')" "$(per_run zstd 'b / r')"
row kafka_compression_ratio '%.2f' - "$(per_run lz4 'm / b')" "$(per_run zstd 'm / b')"
row broker_cpu_seconds '%.2f' "$(m_bcpu files)" "$(m_bcpu lz4)" "$(m_bcpu zstd)"
echo
# shellcheck disable=SC2086
{
  printf '%-28s files:%s\n' wall_seconds_per_round "$(printf ' %.3f' ${wall[files]})"
  printf '%-28s lz4:  %s\n' '' "$(printf ' %.3f' ${wall[lz4]})"
  printf '%-28s zstd: %s\n' '' "$(printf ' %.3f' ${wall[zstd]})"
}
echo

# The cost against the goal: from the medians, and per round (B_i / A_i - 1) to show the spread.
for codec in lz4 zstd; do
  cost=$(calc '%.6f' '(k - f) / f * 100' -v k="${median_wall[$codec]}" -v f="${median_wall[files]}")
  # shellcheck disable=SC2206
  f=(${wall[files]}) k=(${wall[$codec]})
  per_round=""
  for i in "${!f[@]}"; do
    per_round+=" $(calc '%+.1f' '(k / f - 1) * 100' -v k="${k[i]}" -v f="${f[i]}")"
  done
  if calc '%d' 'c <= 10' -v c="$cost" | grep -q 1; then verdict="within the goal (at most 10 %)"; else verdict="OVER the goal of at most 10 %"; fi
  printf '%-28s %s %%  (per round:%s %%)  %s\n' "kafka_cost_$codec" "$(calc '%+.1f' c -v c="$cost")" "$per_round" "$verdict"
done
