#!/usr/bin/env bash
# A million open flows: generated traffic holding FLOWS (default 1 000 000) flows open at once (every
# flow's first packet in the first 15 s, its answer in the next 15 s), replayed through flowfeatd. Prints
# the peak RSS, the RSS sampled while every flow was open, and both per flow against the goals (1.5 GiB
# for a million open flows; 1 KiB a flow once DPI is done, which these 2-packet flows never are), and
# fails when the peak is above the bound. Skips (77) without python3 or flowfeatd.
#
# The peak is the whole run's (VmHWM), the end of input's burst of a million records included.
#
# Environment: FLOWFEATD (the binary), FLOWFEAT_OPEN_FLOWS (flow count), FLOWFEAT_PEAK_RSS_LIMIT_MIB
# (the bound, default 1536 = 1.5 GiB), TMPDIR.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
flowfeatd=${FLOWFEATD:-}
flows=${FLOWFEAT_OPEN_FLOWS:-1000000}
limit_mb=${FLOWFEAT_PEAK_RSS_LIMIT_MIB:-1536}

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }

command -v python3 >/dev/null || skip "python3 is not installed"
have_curl() { command -v curl >/dev/null; }
# shellcheck source=../support/shell_helpers.sh
. "$here/../support/shell_helpers.sh"
[ -n "$flowfeatd" ] && [ -x "$flowfeatd" ] || skip "FLOWFEATD does not name the flowfeatd binary"

work=$(mktemp -d "${TMPDIR:-/tmp}/flowfeat-open-flows.XXXXXX")
trap 'rm -rf "$work"' EXIT

python3 "$here/open_flows_pcap.py" "$work/open.pcap" "$flows" 30

# RSS in kB of a running process, and its peak so far (VmHWM); empty once it has gone.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || true; }
# One sample of a metric from the daemon's endpoint; empty when it does not answer (yet).
metric() { curl -sf --max-time 1 "http://127.0.0.1:$port/metrics" 2>/dev/null | metric_value "$1" || true; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# max_flows above the flow count: the table is split between the workers, and none may be full. Paced
# (twice the recorded pace) so that every flow stays open for several seconds of wall time, which the
# sampling below needs to see them all open; the end of input then ends them all at once.
mkdir "$work/out"
"$flowfeatd" --read "$work/open.pcap" --output "$work/out" --progress never --replay-speed 2 \
  --metrics-listen "127.0.0.1:$port" --max-flows $((2 * flows)) >"$work/summary.txt" 2>"$work/log.txt" &
pid=$!

peak_kb=0
open_samples=()
while kill -0 "$pid" 2>/dev/null; do
  hwm=$(hwm_kb "$pid")
  [ -n "$hwm" ] && [ "$hwm" -gt "$peak_kb" ] && peak_kb=$hwm
  if have_curl && [ "$(metric flowfeat_flows_active)" = "$flows" ]; then
    now=$(rss_kb "$pid")
    [ -n "$now" ] && open_samples+=("$now")
  fi
  sleep 0.2
done
wait "$pid" || fail "flowfeatd exited with status $? ($(tail -3 "$work/log.txt"))"

cat "$work/summary.txt"
grep -q "at most $flows open at once" "$work/summary.txt" || fail "not all $flows flows were open at once"
grep -q "evicted 0;" "$work/summary.txt" || fail "flows were evicted"

# The median of the samples with every flow open: the gauge still shows them all for a moment after the
# end of input has begun to end them.
open_kb=0
if [ "${#open_samples[@]}" -gt 0 ]; then
  open_kb=$(printf '%s\n' "${open_samples[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
fi
bytes_per_flow() { echo $(( $1 * 1024 / flows )); }
echo "peak RSS: $((peak_kb / 1024)) MiB, $(bytes_per_flow "$peak_kb") B per open flow (goal: at most 1536 MiB = 1.5 GiB for a million)"
if [ "$open_kb" -gt 0 ]; then
  echo "RSS with all $flows flows open (flowfeat_flows_active; median of ${#open_samples[@]} samples):" \
       "$((open_kb / 1024)) MiB, $(bytes_per_flow "$open_kb") B per open flow"
else
  echo "RSS with every flow open: not sampled (no curl, or the metrics endpoint never showed them all open)"
fi
[ "$peak_kb" -gt 0 ] || fail "no RSS sample was taken"
[ "$peak_kb" -le $((limit_mb * 1024)) ] || fail "peak RSS $((peak_kb / 1024)) MiB is above $limit_mb MiB"
echo "PASS: peak RSS within $limit_mb MiB"
