#!/usr/bin/env bash
# peer_bench.sh [--rounds N] [--port N] [--generated PCAP TRUTH | --no-generated] [--no-nfstream]
#               [--callgrind] [--callgrind-capture PCAP] [CAPTURE]
#
# flowfeatd beside the bare libpcap read and its peers, in one run of paired rounds: flowfeatd in
# its default configuration, with --workers 1 (and --workers 2 when the default is not 2 workers),
# with --no-dpi --workers 1; softflowd, argus and ndpiReader (Debian packages) and NFStream 6.6
# (PyPI) on the same capture; then flowfeatd on a generated capture of 1 M flows with its ground
# truth (--labels). Every program is measured as a whole process (wall time, user + system CPU
# time, peak RSS from /usr/bin/time). Prints the figures of every round, a summary of medians,
# and the goals of the performance issue with the measured figure and whether it is met. See
# bench/README.md, "Peers", for what each program does and how the figures are read.
#
# CAPTURE defaults to the benchmark capture, made with bench/make_capture.sh into the temporary
# folder. The generated pair (flowfeat-gen --flows 1000000 --duration 1200) is made once per run
# into the temporary folder unless --generated PCAP TRUTH names an existing pair; --no-generated
# skips it. --callgrind adds instructions per packet under valgrind's callgrind (stable on a noisy
# machine) of flowfeatd --workers 1 and of the bare read, on the first 100 000 packets of CAPTURE
# (or on --callgrind-capture PCAP). --no-nfstream skips NFStream (about 8 s a run).
#
# Ports: softflowd exports NetFlow v9 to 127.0.0.1:PORT (UDP, default 19620), a socket that this
# script binds and never reads; flowfeatd's metrics endpoint is put on 127.0.0.1:PORT+1 so that the
# runs do not collide with a daemon on the default 9877.
#
# Environment: FLOWFEAT_BUILD_DIR, the build tree holding daemon/app/flowfeatd,
# bench/flowfeat-bare-read and tools/flowfeat-gen (default build/ under the repository root; the
# three are copied into the temporary folder at the start, so a rebuild during the run changes
# nothing); FLOWFEAT_NFSTREAM_VENV, the Python venv with nfstream (default
# ~/.cache/flowfeat/nfstream-venv, created with the versions pinned in python/requirements-test.txt
# when missing); FLOWFEAT_BENCH_KEEP=1 keeps the temporary folder.
set -euo pipefail

usage() {
  echo "usage: $0 [--rounds N] [--port N] [--generated PCAP TRUTH | --no-generated] [--no-nfstream]" >&2
  echo "          [--callgrind] [--callgrind-capture PCAP] [CAPTURE]" >&2
  exit 2
}

rounds=3
port=19620
capture=""
generated=1
gen_pcap=""
gen_truth=""
nfstream=1
callgrind=0
callgrind_capture=""
while (($# > 0)); do
  case $1 in
    --rounds) (($# >= 2)) || usage; rounds=$2; shift 2 ;;
    --port) (($# >= 2)) || usage; port=$2; shift 2 ;;
    --generated) (($# >= 3)) || usage; gen_pcap=$2; gen_truth=$3; shift 3 ;;
    --no-generated) generated=0; shift ;;
    --no-nfstream) nfstream=0; shift ;;
    --callgrind) callgrind=1; shift ;;
    --callgrind-capture) (($# >= 2)) || usage; callgrind=1; callgrind_capture=$2; shift 2 ;;
    -h | --help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) [[ -z $capture ]] || usage; capture=$1; shift ;;
  esac
done
[[ $rounds =~ ^[1-9][0-9]*$ ]] || { echo "--rounds must be a positive integer, not '$rounds'" >&2; exit 2; }
if ! [[ $port =~ ^[1-9][0-9]*$ ]] || ((port > 65534)); then echo "bad --port: $port" >&2; exit 2; fi

absolute() {  # absolute FILE: FILE with an absolute path, after checking that it can be read
  [[ -r $1 ]] || { echo "cannot read $1" >&2; exit 1; }
  echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
}
[[ -z $capture ]] || capture=$(absolute "$capture")
if [[ -n $gen_pcap ]]; then
  ((generated)) || { echo "--generated and --no-generated exclude each other" >&2; exit 2; }
  gen_pcap=$(absolute "$gen_pcap")
  gen_truth=$(absolute "$gen_truth")
fi
[[ -z $callgrind_capture ]] || callgrind_capture=$(absolute "$callgrind_capture")

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${FLOWFEAT_BUILD_DIR:-$repo_root/build}
for binary in daemon/app/flowfeatd bench/flowfeat-bare-read tools/flowfeat-gen; do
  [[ -x $build_dir/$binary ]] || { echo "not built: $build_dir/$binary (set FLOWFEAT_BUILD_DIR)" >&2; exit 1; }
done
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time missing: install the Debian package 'time'" >&2; exit 1; }
for tool in softflowd:softflowd argus:argus-server ndpiReader:libndpi-bin python3:python3; do
  command -v "${tool%%:*}" >/dev/null || { echo "${tool%%:*} missing: install the Debian package '${tool#*:}'" >&2; exit 1; }
done
if ((callgrind)); then
  command -v valgrind >/dev/null || { echo "valgrind missing: install the Debian package 'valgrind'" >&2; exit 1; }
  [[ -n $callgrind_capture ]] || command -v editcap >/dev/null ||
    { echo "editcap missing (Debian package 'wireshark-common'): give --callgrind-capture PCAP" >&2; exit 1; }
fi
have_ra=0
command -v racount >/dev/null && command -v racluster >/dev/null && have_ra=1

collector_port=$port
metrics_port=$((port + 1))
if (exec 3<>"/dev/tcp/127.0.0.1/$metrics_port") 2>/dev/null; then
  echo "127.0.0.1:$metrics_port (flowfeatd's metrics endpoint) is in use; choose another --port" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/flowfeat-peer-bench.XXXXXX")
sink_pid=""
cleanup() {
  [[ -z $sink_pid ]] || kill "$sink_pid" 2>/dev/null || true
  if [[ ${FLOWFEAT_BENCH_KEEP:-0} == 1 ]]; then
    echo "kept $work" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

# Every run uses these copies, so a rebuild of the tree during the benchmark changes nothing.
cp "$build_dir/daemon/app/flowfeatd" "$work/flowfeatd"
built=$(date -r "$build_dir/daemon/app/flowfeatd" '+%F %T')
cp "$build_dir/bench/flowfeat-bare-read" "$work/flowfeat-bare-read"
cp "$build_dir/tools/flowfeat-gen" "$work/flowfeat-gen"
flowfeatd=$work/flowfeatd
bare_read=$work/flowfeat-bare-read
flowfeat_gen=$work/flowfeat-gen

# NFStream: its own venv, with the versions the Python tests pin.
venv=${FLOWFEAT_NFSTREAM_VENV:-$HOME/.cache/flowfeat/nfstream-venv}
if ((nfstream)); then
  if ! "$venv/bin/python" -c 'import nfstream, pandas' 2>/dev/null; then
    echo "creating $venv (nfstream and pandas as pinned in python/requirements-test.txt)" >&2
    mkdir -p "$(dirname "$venv")"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -c "$repo_root/python/requirements-test.txt" nfstream pandas >&2 ||
      { echo "could not install nfstream into $venv; use --no-nfstream" >&2; exit 1; }
  fi
  cat >"$work/nfstream_run.py" <<'EOF'
import sys
from nfstream import NFStreamer

df = NFStreamer(source=sys.argv[1], statistical_analysis=True, idle_timeout=60, active_timeout=120).to_pandas()
print(f"records={len(df)} packets={int(df['bidirectional_packets'].sum())}")
EOF
fi

# softflowd's collector: a UDP socket that is bound (so no ICMP "port unreachable" comes back) and
# never read; once its receive buffer is full the kernel drops the datagrams.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
time.sleep(1e9)
' "$collector_port" >"$work/sink.txt" 2>&1 &
sink_pid=$!
for _ in $(seq 50); do
  [[ -s $work/sink.txt ]] && break
  sleep 0.1
done
grep -qx ready "$work/sink.txt" ||
  { echo "cannot bind UDP 127.0.0.1:$collector_port for softflowd's export; choose another --port" >&2; cat "$work/sink.txt" >&2; exit 1; }

if [[ -z $capture ]]; then
  capture=$work/bench.pcap
  echo "making the benchmark capture (bench/make_capture.sh)" >&2
  "$repo_root/bench/make_capture.sh" "$capture" >/dev/null
fi
gen_seconds=""
if ((generated)) && [[ -z $gen_pcap ]]; then
  gen_pcap=$work/gen1m.pcap
  gen_truth=$work/gen1m-truth.csv
  echo "generating 1 M flows (flowfeat-gen --flows 1000000 --duration 1200)" >&2
  start_ns=$(date +%s%N)
  "$flowfeat_gen" --flows 1000000 --duration 1200 --out "$gen_pcap" --truth "$gen_truth" >"$work/gen.txt" 2>&1 ||
    { cat "$work/gen.txt" >&2; exit 1; }
  end_ns=$(date +%s%N)
  gen_seconds=$(awk -v s="$start_ns" -v e="$end_ns" 'BEGIN { printf "%.1f", (e - s) / 1e9 }')
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

# The programs, in the order each round runs them.
ff_common=(--progress never --metrics-listen "127.0.0.1:$metrics_port")
programs=(bare ff_default ff_w1 ff_nodpi_w1 softflowd argus ndpi)
((nfstream)) && programs+=(nfstream)
((generated)) && programs+=(bare_gen ff_gen)
declare -A label=(
  [bare]="bare read"
  [ff_default]="flowfeatd (default)"
  [ff_w1]="flowfeatd --workers 1"
  [ff_w2]="flowfeatd --workers 2"
  [ff_nodpi_w1]="flowfeatd --no-dpi --workers 1"
  [softflowd]="softflowd"
  [argus]="argus"
  [ndpi]="ndpiReader"
  [nfstream]="NFStream"
  [bare_gen]="bare read, generated"
  [ff_gen]="flowfeatd, generated + labels"
)

# Results, per program: space-separated lists with one value per counted round.
declare -A wall cpu rss records packets stage_cpu
stage_order=()  # stage names in the order flowfeatd prints them
problems=()  # failed checks: printed at the end, exit status 1
notes=()     # observations that are not failures
capture_packets=""
gen_packets=""
default_workers=""
argus_flows=""
nfstream_packets=""

problem() { problems+=("$*"); echo "CHECK FAILED: $*" >&2; }
note() {  # note TEXT: once
  local n
  for n in "${notes[@]}"; do [[ $n != "$*" ]] || return 0; done
  notes+=("$*")
}

# CSV data rows under a folder: lines minus one header per file.
csv_rows() {
  find "$1" -type f -name '*.csv' -exec wc -l {} + | awk '$2 != "total" { s += $1 - 1 } END { print s + 0 }'
}

# Stage CPU seconds from flowfeatd's summary, if it prints them ("CPU seconds by stage: read 0.1
# decode 0.2 ..." or "stage CPU seconds: read=0.1, ..."): "name value" pairs, one a line.
stage_pairs() {
  grep -iE 'stage.*cpu|cpu.*stage' "$1" | head -n 1 | sed 's/^[^:]*://' | tr '=,;' '   ' | awk '{
    for (i = 1; i < NF; i++) {
      v = $(i + 1); sub(/s$/, "", v)
      if ($i !~ /^[0-9.]+s?$/ && v ~ /^[0-9]+(\.[0-9]+)?$/) { print $i, v; i++ }
    }
  }'
}

# run PROGRAM ROUND: one run, checked; ROUND 0 is the warm-up, not recorded.
run() {
  local id=$1 round=$2 out=$work/output cmd=()
  rm -rf "$out" && mkdir "$out"
  case $id in
    bare) cmd=("$bare_read" "$capture") ;;
    ff_default) cmd=("$flowfeatd" --read "$capture" --output "$out" "${ff_common[@]}") ;;
    ff_w1) cmd=("$flowfeatd" --read "$capture" --output "$out" --workers 1 "${ff_common[@]}") ;;
    ff_w2) cmd=("$flowfeatd" --read "$capture" --output "$out" --workers 2 "${ff_common[@]}") ;;
    ff_nodpi_w1) cmd=("$flowfeatd" --read "$capture" --output "$out" --no-dpi --workers 1 "${ff_common[@]}") ;;
    softflowd) cmd=(softflowd -r "$capture" -v 9 -n "127.0.0.1:$collector_port") ;;
    argus) cmd=(argus -r "$capture" -w "$out/out.argus") ;;
    ndpi) cmd=(ndpiReader -i "$capture") ;;
    nfstream) cmd=("$venv/bin/python" "$work/nfstream_run.py" "$capture") ;;
    bare_gen) cmd=("$bare_read" "$gen_pcap") ;;
    ff_gen) cmd=("$flowfeatd" --read "$gen_pcap" --labels "$gen_truth" --output "$out" "${ff_common[@]}") ;;
  esac
  local start_ns end_ns status=0
  start_ns=$(date +%s%N)
  # The working folder is the output folder: NFStream's to_pandas writes a temporary CSV there.
  (cd "$out" && exec /usr/bin/time -f '%U %S %M' -o "$work/time.txt" "${cmd[@]}") \
    >"$work/stdout.txt" 2>"$work/stderr.txt" || status=$?
  end_ns=$(date +%s%N)
  local what="${label[$id]}, round $round"
  if ((status != 0)); then
    problem "$what: exit status $status"
    tail -n 20 "$work/stdout.txt" "$work/stderr.txt" >&2
  fi

  # Records and packets, from each program's own report; checked against the capture.
  local n_records="" n_packets="" stdout=$work/stdout.txt all=$work/all.txt
  cat "$work/stdout.txt" "$work/stderr.txt" >"$all"
  case $id in
    bare | bare_gen)
      n_packets=$(sed -n 's/^packets=\([0-9]*\) .*/\1/p' "$stdout")
      if [[ $id == bare ]]; then capture_packets=${capture_packets:-$n_packets}; else gen_packets=${gen_packets:-$n_packets}; fi
      ;;
    ff_*)
      n_records=$(sed -n 's/^records: \([0-9]*\) written.*/\1/p' "$stdout")
      n_packets=$(sed -n 's/^flowfeatd: \([0-9]*\) packets read.*/\1/p' "$stdout")
      local flows_in rows
      flows_in=$(sed -n 's/^flowfeatd: .*; \([0-9]*\) flows in .*/\1/p' "$stdout")
      rows=$(csv_rows "$out")
      if [[ -z $n_records || $n_records != "$flows_in" || $rows != "$n_records" ]]; then
        problem "$what: ${n_records:-no} records written, ${flows_in:-no} flows in the summary, $rows CSV rows"
      fi
      if [[ $id == ff_default && -z $default_workers ]]; then
        default_workers=$(sed -n 's/^flowfeatd: .* (\([0-9]*\) workers\{0,1\})$/\1/p' "$stdout")
      fi
      if [[ $id == ff_default ]] && ((round > 0)); then
        local name value
        while read -r name value; do
          [[ -n ${stage_cpu[$name]:-} ]] || stage_order+=("$name")
          stage_cpu[$name]+=" $value"
        done < <(stage_pairs "$stdout")
      fi
      ;;
    softflowd)
      n_records=$(sed -n 's/^Flows exported: \([0-9]*\) .*/\1/p' "$all")
      local processed ignored active
      processed=$(sed -n 's/^Packets processed: \([0-9]*\).*/\1/p' "$all")
      ignored=$(sed -n 's/^Ignored packets: \([0-9]*\) .*/\1/p' "$all")
      active=$(sed -n 's/^Number of active flows: \([0-9]*\).*/\1/p' "$all")
      [[ -n $processed && -n $ignored ]] && n_packets=$((processed + ignored))
      [[ ${active:-x} == 0 ]] || problem "$what: ${active:-an unknown number of} flows left active (not exported)"
      grep -q '(0 failures)' "$all" || note "softflowd reported export failures: $(grep '^Flows exported' "$all")"
      note "softflowd: $(grep '^Flows expired' "$all"); ${ignored:-?} packets ignored (not IP)"
      ;;
    argus)
      if ((have_ra)) && [[ -s $out/out.argus ]]; then
        read -r n_records n_packets < <(racount -r "$out/out.argus" | awk '$1 == "sum" { print $2, $3 }') || true
        argus_flows=$(racluster -r "$out/out.argus" -w - | racount -r - | awk '$1 == "sum" { print $2 }')
      elif ((!have_ra)); then
        note "argus: argus-client (racount, racluster) not installed: its records are not counted or checked"
      else
        problem "$what: no argus records written"
      fi
      ;;
    ndpi)
      n_records=$(sed -n 's/^[[:space:]]*Unique flows:[[:space:]]*\([0-9]*\).*/\1/p' "$all")
      n_packets=$(sed -n 's/^[[:space:]]*IP packets:.* of \([0-9]*\) packets total.*/\1/p' "$all")
      ;;
    nfstream)
      n_records=$(sed -n 's/^records=\([0-9]*\) .*/\1/p' "$stdout")
      nfstream_packets=$(sed -n 's/.* packets=\([0-9]*\)$/\1/p' "$stdout")
      ;;
  esac
  if [[ $id != bare* && $id != nfstream ]] && ((status == 0)); then
    local expected=$capture_packets
    [[ $id != ff_gen ]] || expected=$gen_packets
    if [[ -z $n_packets ]]; then
      [[ $id == argus ]] && ((!have_ra)) || problem "$what: no packet count in its output"
    elif [[ $n_packets != "$expected" ]]; then
      problem "$what: $n_packets packets processed, the capture has $expected"
    fi
  fi
  rm -rf "$out"  # before its pages are written back, so the next run does not pay for that
  ((round > 0)) || return 0

  local time_line
  time_line=$(tail -n 1 "$work/time.txt")
  wall[$id]+=" $(calc '%.6f' '(e - s) / 1e9' -v s="$start_ns" -v e="$end_ns")"
  cpu[$id]+=" $(awk '{ printf "%.2f", $1 + $2 }' <<<"$time_line")"
  rss[$id]+=" ${time_line##* }"
  records[$id]+=" ${n_records:--}"
  packets[$id]+=" ${n_packets:--}"
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
cat "$capture" >/dev/null  # into the page cache
echo "warm-up: one run of each program, not counted" >&2
for id in "${programs[@]}"; do
  run "$id" 0
  # Scaling 1 -> 2 workers: the default is one worker per core; add --workers 2 if that is not 2.
  if [[ $id == ff_default && ${default_workers:-2} != 2 ]]; then
    programs=(bare ff_default ff_w1 ff_w2 "${programs[@]:3}")
    run ff_w2 0
  fi
done
for ((round = 1; round <= rounds; round++)); do
  echo "round $round/$rounds" >&2
  for id in "${programs[@]}"; do run "$id" "$round"; done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
w2=ff_w2
[[ ${default_workers:-2} != 2 ]] || w2=ff_default

# The same capture must give the same records in every run, and the flowfeatd configurations that
# differ only in workers must agree.
for id in "${programs[@]}"; do
  # shellcheck disable=SC2086
  if (($(printf '%s\n' ${records[$id]} | sort -u | wc -l) != 1)); then
    problem "${label[$id]}: the rounds gave different record counts:${records[$id]}"
  fi
done
first() { awk '{ print $1 }' <<<"$1"; }
ff_records=$(first "${records[ff_default]}")
for id in ff_w1 ff_w2; do
  [[ -n ${records[$id]:-} ]] || continue
  [[ $(first "${records[$id]}") == "$ff_records" ]] ||
    problem "${label[$id]} wrote $(first "${records[$id]}") records, the default configuration $ff_records"
done
[[ $(first "${records[ff_nodpi_w1]}") == "$ff_records" ]] ||
  note "--no-dpi --workers 1 wrote $(first "${records[ff_nodpi_w1]}") records, the default configuration $ff_records"

# Per-round ratio A_i / B_i for two programs, as a list.
ratios() {
  # shellcheck disable=SC2206
  local a=(${wall[$1]}) b=(${wall[$2]}) i out=""
  for i in "${!a[@]}"; do out+=" $(calc '%.6f' 'x / y' -v x="${a[i]}" -v y="${b[i]}")"; done
  echo "$out"
}
# shellcheck disable=SC2086
m() { median ${1}; }  # median of a space-separated list
show() {  # show FORMAT LIST: every value of the list, formatted
  local format=$1 v out=""
  for v in $2; do out+=" $(calc "$format" v -v v="$v")"; done
  echo "${out# }"
}
mib() { calc '%.1f' 'k / 1024' -v k="$1"; }

printf '%-32s %s\n' date "$(date '+%F %T %Z')"
printf '%-32s %s\n' machine "$(nproc) cores, $(uname -r), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), load average $load_before at the start, $load_after at the end"
printf '%-32s %s\n' capture "$capture ($capture_packets packets)"
if ((generated)); then
  printf '%-32s %s\n' generated "$gen_pcap ($gen_packets packets), truth $gen_truth${gen_seconds:+, made in $gen_seconds s}"
fi
printf '%-32s %s\n' rounds "$rounds (paired: every program once in each round, in the order below, after one warm-up round)"
printf '%-32s %s\n' flowfeatd "$("$flowfeatd" --version 2>&1 | head -n 1), built $built, default: ${default_workers:-?} workers"
printf '%-32s %s\n' peers "softflowd $(dpkg-query -W -f '${Version}' softflowd 2>/dev/null), argus $(dpkg-query -W -f '${Version}' argus-server 2>/dev/null), ndpiReader $(dpkg-query -W -f '${Version}' libndpi-bin 2>/dev/null)$( ((nfstream)) && echo ", NFStream $("$venv/bin/python" -c 'import nfstream; print(nfstream.__version__)' 2>/dev/null)")"
echo

header=""
for ((i = 1; i <= rounds; i++)); do header+=$(printf '  %-22s' "round $i: wall CPU RSS"); done
printf '%-32s%s\n' "per round (s, s, MiB)" "$header"
for id in "${programs[@]}"; do
  # shellcheck disable=SC2206
  w=(${wall[$id]}) c=(${cpu[$id]}) r=(${rss[$id]})
  line=""
  for i in "${!w[@]}"; do line+=$(printf '  %7.3f %6.2f %7.1f ' "${w[i]}" "${c[i]}" "$(mib "${r[i]}")"); done
  printf '%-32s%s\n' "${label[$id]}" "$line"
done
echo

printf '%-32s %8s %7s %8s %9s %10s %8s %10s %9s\n' median "wall s" "CPU s" "RSS MiB" "x bare" "packets/s" records "records/s" "CPU s/Mp"
for id in "${programs[@]}"; do
  mw=$(m "${wall[$id]}")
  mc=$(m "${cpu[$id]}")
  base=bare p=$capture_packets
  [[ $id != *_gen ]] || base=bare_gen p=$gen_packets
  ratio=$(calc '%.2fx' r -v r="$(m "$(ratios "$id" "$base")")")
  rec=$(first "${records[$id]}")
  rps=-
  [[ $rec == - ]] || rps=$(calc '%.0f' 'r / w' -v r="$rec" -v w="$mw")
  printf '%-32s %8.3f %7.2f %8.1f %9s %10.0f %8s %10s %9.2f\n' "${label[$id]}" "$mw" "$mc" "$(mib "$(m "${rss[$id]}")")" \
    "$ratio" "$(calc '%.0f' 'p / w' -v p="$p" -v w="$mw")" "$rec" "$rps" "$(calc '%.6f' 'c / p * 1e6' -v c="$mc" -v p="$p")"
done
echo "(x bare: median over the rounds of wall / the bare read's wall in the same round; the generated runs against"
echo " the bare read of the generated capture. records: flowfeatd's records written, softflowd's flows exported,"
echo " argus's records (status records included${argus_flows:+; $argus_flows flows once merged with racluster}),"
echo " ndpiReader's unique flows, NFStream's rows${nfstream_packets:+ ($nfstream_packets packets in them)}.)"

if ((${#stage_cpu[@]} > 0)); then
  echo
  line=""
  for name in "${stage_order[@]}"; do line+="  $name $(calc '%.3f' v -v v="$(m "${stage_cpu[$name]}")")"; done
  printf '%-32s%s\n' "stage CPU s (default, median)" "$line"
fi

echo
verdict() {  # verdict VALUE OP LIMIT
  if calc '%d' "v $2 l" -v v="$1" -v l="$3" | grep -qx 1; then echo met; else echo "NOT MET"; fi
}
goal() {  # goal TEXT GOAL MEASURED PER_ROUND VERDICT
  printf '%-52s %-10s %-10s %-30s %s\n' "$1" "$2" "$3" "$4" "$5"
}
printf '%-52s %-10s %-10s %-30s %s\n' goal target median "per round" ""
r=$(m "$(ratios ff_default bare)")
goal "whole pipeline (default), wall / bare read" "<= 3.0x" "$(calc '%.2fx' r -v r="$r")" "$(show '%.2f' "$(ratios ff_default bare)")" "$(verdict "$r" '<=' 3.0)"
r=$(m "$(ratios ff_nodpi_w1 softflowd)")
goal "--no-dpi --workers 1, wall / softflowd" "<= 1.0x" "$(calc '%.2fx' r -v r="$r")" "$(show '%.2f' "$(ratios ff_nodpi_w1 softflowd)")" "$(verdict "$r" '<=' 1.0)"
if ((generated)); then
  v=$(m "${wall[ff_gen]}")
  goal "1 M generated flows + labels, wall s" "<= 12 s" "$(calc '%.2f' v -v v="$v")" "$(show '%.2f' "${wall[ff_gen]}")" "$(verdict "$v" '<=' 12)"
  v=$(calc '%.3f' 'k / 1024' -v k="$(m "${rss[ff_gen]}")")
  goal "1 M generated flows + labels, peak RSS MiB" "<= 256" "$(calc '%.1f' v -v v="$v")" "$(show '%.0f' "$(for k in ${rss[ff_gen]}; do mib "$k"; echo; done)")" "$(verdict "$v" '<=' 256)"
fi
per_mp=""
for c in ${cpu[ff_default]}; do per_mp+=" $(calc '%.6f' 'c / p * 1e6' -v c="$c" -v p="$capture_packets")"; done
v=$(m "$per_mp")
goal "whole pipeline (default), CPU s per M packets" "<= 1.0" "$(calc '%.3f' v -v v="$v")" "$(show '%.3f' "$per_mp")" "$(verdict "$v" '<=' 1.0)"
r=$(m "$(ratios ff_w1 bare)")
goal "whole pipeline --workers 1, wall / bare read" "-" "$(calc '%.2fx' r -v r="$r")" "$(show '%.2f' "$(ratios ff_w1 bare)")" ""
r=$(m "$(ratios ff_w1 "$w2")")
goal "scaling 1 -> 2 workers (wall 1 / wall 2)" "-" "$(calc '%.2fx' r -v r="$r")" "$(show '%.2f' "$(ratios ff_w1 "$w2")")" "(2.00x = linear)"

if ((callgrind)); then
  # Instructions (Ir) under callgrind: deterministic up to thread interleaving, unlike the clock.
  # The start-up (nDPI's tables, the threads) is a fixed cost: the marginal figure takes the
  # difference to a run on the first 1 000 packets, so it is the cost of a packet in the flow.
  small=$callgrind_capture
  if [[ -z $small ]]; then
    small=$work/callgrind.pcap
    editcap -r "$capture" "$small" 1-100000 >/dev/null
  fi
  tiny=$work/callgrind-tiny.pcap
  editcap -r "$small" "$tiny" 1-1000 >/dev/null
  callgrind_ir() {  # callgrind_ir PROGRAM PCAP: prints "Ir packets"
    local out=$work/output program=$1 pcap=$2 cmd=()
    rm -rf "$out" && mkdir "$out"
    if [[ $program == flowfeatd ]]; then
      cmd=("$flowfeatd" --read "$pcap" --output "$out" --workers 1 "${ff_common[@]}")
    else
      cmd=("$bare_read" "$pcap")
    fi
    valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out" "${cmd[@]}" >"$work/stdout.txt" 2>"$work/stderr.txt" ||
      { problem "callgrind $program on $pcap failed"; tail -n 20 "$work/stderr.txt" >&2; echo "0 0"; return 0; }
    rm -rf "$out"
    [[ $program != flowfeatd || $pcap != "$small" ]] || cp "$work/callgrind.out" "$work/callgrind-stages.out"
    local ir p
    ir=$(sed -n 's/^summary: *\([0-9]*\).*/\1/p' "$work/callgrind.out" | head -n 1)
    p=$(sed -n -e 's/^flowfeatd: \([0-9]*\) packets read.*/\1/p' -e 's/^packets=\([0-9]*\) .*/\1/p' "$work/stdout.txt")
    echo "${ir:-0} ${p:-0}"
  }
  echo
  if [[ -n $callgrind_capture ]]; then
    echo "callgrind (instructions, Ir) on $small"
  else
    echo "callgrind (instructions, Ir) on the first 100000 packets of the capture"
  fi
  for program in flowfeatd bare; do
    echo "callgrind: $program" >&2
    read -r ir p < <(callgrind_ir "$program" "$small") || true
    read -r ir0 p0 < <(callgrind_ir "$program" "$tiny") || true
    name="flowfeatd --workers 1"
    [[ $program == flowfeatd ]] || name="bare read"
    if ((p > p0)); then
      printf '%-32s %14s Ir / %s packets = %7.0f per packet; marginal (less the first %s packets) %7.0f per packet\n' \
        "$name" "$ir" "$p" "$(calc '%.1f' 'i / p' -v i="$ir" -v p="$p")" "$p0" \
        "$(calc '%.1f' '(i - i0) / (p - p0)' -v i="$ir" -v i0="$ir0" -v p="$p" -v p0="$p0")"
    fi
    [[ $program == flowfeatd ]] && ff_packets=$p
  done
  # Per stage: the inclusive instructions of the function each stage's node runs (its largest
  # entry, as inlining can list a function under more than one source file), per packet read.
  if [[ -s $work/callgrind-stages.out ]] && ((${ff_packets:-0} > 0)); then
    callgrind_annotate --inclusive=yes --threshold=100 "$work/callgrind-stages.out" >"$work/callgrind-stages.txt" 2>/dev/null || true
    printf '%-32s' "flowfeatd --workers 1 by stage"
    for stage in capture:CaptureStage::fill flow:FlowShard::process window:WindowStage::arrive \
      enrich:EnrichStage::process standardize:StandardizeStage::process format:FormatStage::process \
      sink:SinkStage::process; do
      stage_ir=$(grep -F "pipeline_detail::${stage#*:}(" "$work/callgrind-stages.txt" | awk '{gsub(",", "", $1); if ($1 + 0 > m) m = $1 + 0} END {print m + 0}')
      printf ' %s %.0f' "${stage%%:*}" "$(calc '%.1f' 'i / p' -v i="$stage_ir" -v p="$ff_packets")"
    done
    echo " (Ir per packet)"
  fi
fi

if ((${#notes[@]} > 0)); then
  echo
  for n in "${notes[@]}"; do echo "note: $n"; done
fi
if ((${#problems[@]} > 0)); then
  echo
  for p in "${problems[@]}"; do echo "CHECK FAILED: $p"; done
  exit 1
fi
