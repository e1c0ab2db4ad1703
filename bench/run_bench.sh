#!/usr/bin/env bash
# run_bench.sh [--bare-only] CAPTURE [-- EXTRA_FLOWFEATD_ARGS...]
#
# Prints throughput and memory figures of flowfeatd on CAPTURE, beside the rate at which libpcap
# alone reads the same file (see bench/README.md for what each figure means).
#
# Environment: FLOWFEAT_BUILD_DIR, the build tree holding daemon/app/flowfeatd and
# bench/flowfeat-bare-read (default build/ under the repository root); FLOWFEAT_BENCH_KEEP=1 keeps
# flowfeatd's output folder instead of deleting it.
set -euo pipefail

usage() {
  echo "usage: $0 [--bare-only] CAPTURE [-- EXTRA_FLOWFEATD_ARGS...]" >&2
  exit 2
}

bare_only=0
positional=()
extra=()
while (($# > 0)); do
  case $1 in
    --bare-only) bare_only=1; shift ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) usage ;;
    -*) echo "unknown option: $1" >&2; usage ;;
    *) positional+=("$1"); shift ;;
  esac
done
((${#positional[@]} == 1)) || usage
capture=${positional[0]}
[[ -r $capture ]] || { echo "cannot read $capture" >&2; exit 1; }

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${FLOWFEAT_BUILD_DIR:-$repo_root/build}
bare_read=$build_dir/bench/flowfeat-bare-read
flowfeatd=$build_dir/daemon/app/flowfeatd
[[ -x $bare_read ]] || { echo "not built: $bare_read (set FLOWFEAT_BUILD_DIR)" >&2; exit 1; }

# Floating-point arithmetic and formatting: calc FORMAT EXPRESSION [name=value...].
calc() {
  local format=$1 expression=$2
  shift 2
  awk "$@" "BEGIN { printf \"$format\", $expression }"
}

field() {  # field NAME "k=v k=v ...": the value of NAME
  tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p"
}

# libpcap alone, best of three (the first run may also be warming the page cache).
best_pps=0
best_seconds=0
packets=0
for _ in 1 2 3; do
  line=$("$bare_read" "$capture")
  pps=$(field pps "$line")
  if awk -v a="$pps" -v b="$best_pps" 'BEGIN { exit !(a > b) }'; then
    best_pps=$pps
    best_seconds=$(field seconds "$line")
  fi
  packets=$(field packets "$line")
done
printf '%-22s %s\n' capture "$capture"
printf '%-22s %s\n' packets "$packets"
printf '%-22s %.0f  (best of 3, %s s)\n' bare_read_pps "$best_pps" "$best_seconds"

if ((bare_only)); then
  exit 0
fi
[[ -x $flowfeatd ]] || { echo "not built: $flowfeatd (use --bare-only for the libpcap figure alone)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "/usr/bin/time missing: install the Debian package 'time' (apt-get install time)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/flowfeat-bench.XXXXXX")
if [[ ${FLOWFEAT_BENCH_KEEP:-0} == 1 ]]; then
  echo "keeping output in $work" >&2
else
  trap 'rm -rf "$work"' EXIT
fi
mkdir "$work/output"

# Best of several runs, as for the bare read, so both figures meet the machine at its quietest.
runs=${FLOWFEAT_BENCH_RUNS:-3}
seconds=""
for ((run = 1; run <= runs; run++)); do
  rm -rf "$work/output" && mkdir "$work/output"
  start_ns=$(date +%s%N)
  if ! /usr/bin/time -v -o "$work/time-run.txt" "$flowfeatd" --read "$capture" --output "$work/output" "${extra[@]}" \
    >"$work/stdout.txt" 2>"$work/stderr.txt"; then
    echo "flowfeatd failed; last lines of its standard error:" >&2
    tail -n 20 "$work/stderr.txt" >&2
    exit 1
  fi
  end_ns=$(date +%s%N)
  run_seconds=$(calc '%.6f' '(e - s) / 1e9' -v s="$start_ns" -v e="$end_ns")
  if [[ -z $seconds ]] || calc '%d' 'r < b' -v r="$run_seconds" -v b="$seconds" | grep -q 1; then
    seconds=$run_seconds
    cp "$work/time-run.txt" "$work/time.txt"
  fi
done
rss_kib=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$work/time.txt")
cpu_seconds=$(awk -F': ' '/User time \(seconds\)|System time \(seconds\)/ { sum += $2 } END { printf "%.2f", sum }' "$work/time.txt")

# Flows are the data rows of the output: CSV rows minus one header per file (every rotated file
# has one), or JSON Lines lines when no CSV was written. Compressed files are read through gzip.
count_lines() {
  case $1 in
    *.gz) gzip -dc -- "$1" | wc -l ;;
    *) wc -l <"$1" ;;
  esac
}
flows=0
output_bytes=0
csv_files=0
while IFS= read -r -d '' file; do
  flows=$((flows + $(count_lines "$file") - 1))
  output_bytes=$((output_bytes + $(stat -c %s "$file")))
  csv_files=$((csv_files + 1))
done < <(find "$work/output" -type f \( -name '*.csv' -o -name '*.csv.gz' \) -print0)
if ((csv_files == 0)); then
  while IFS= read -r -d '' file; do
    flows=$((flows + $(count_lines "$file")))
    output_bytes=$((output_bytes + $(stat -c %s "$file")))
  done < <(find "$work/output" -type f \( -name '*.jsonl' -o -name '*.jsonl.gz' \) -print0)
fi
((flows > 0)) || echo "warning: no flow records found under the output folder" >&2

printf '%-22s %s\n' flowfeatd_args "--read CAPTURE --output DIR${extra[*]:+ ${extra[*]}}"
printf '%-22s %s  (best of %s, cpu %s s)\n' flowfeatd_seconds "$seconds" "$runs" "$cpu_seconds"
printf '%-22s %s\n' flowfeatd_pps "$(calc '%.0f' 'p / s' -v p="$packets" -v s="$seconds")"
printf '%-22s %s\n' flows "$flows"
printf '%-22s %s\n' flows_per_second "$(calc '%.0f' 'f / s' -v f="$flows" -v s="$seconds")"
printf '%-22s %s\n' peak_rss_mib "$(calc '%.1f' 'k / 1024' -v k="$rss_kib")"
if ((flows > 0)); then
  printf '%-22s %s\n' rss_bytes_per_flow "$(calc '%.0f' 'k * 1024 / f' -v k="$rss_kib" -v f="$flows")"
  printf '%-22s %s\n' output_bytes_per_flow "$(calc '%.1f' 'b / f' -v b="$output_bytes" -v f="$flows")"
fi
printf '%-22s %s\n' pps_ratio_vs_bare "$(calc '%.3f' '(p / s) / b' -v p="$packets" -v s="$seconds" -v b="$best_pps")"
