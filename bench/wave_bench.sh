#!/usr/bin/env bash
# wave_bench.sh [--rounds N] [--flows N] [CAPTURE]
#
# Where the time of an active-timeout wave goes. CAPTURE (default: made by wave_capture.py in a
# temporary folder: 100 000 UDP flows starting within 2 s, a frame each every 10 s for 400 s, so 4 M
# frames) is replayed by flowfeatd with the default active timeout (120 s: three waves, each ending
# and restarting every flow at once) and with one longer than the capture (no wave); the same frames
# either way. The difference of each stage's CPU seconds (flowfeatd's summary), divided by the flows
# the waves ended, is a wave's cost per flow and stage. Paired rounds (default 3), medians.
# Environment: FLOWFEAT_BUILD_DIR (default build/).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${FLOWFEAT_BUILD_DIR:-$here/../build}
flowfeatd=$build/daemon/app/flowfeatd
rounds=3
flows=100000
capture=""
while (($# > 0)); do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --flows) flows=$2; shift 2 ;;
    -h | --help) sed -n '2,12p' "$0"; exit 0 ;;
    *) capture=$1; shift ;;
  esac
done
[ -x "$flowfeatd" ] || { echo "no flowfeatd at $flowfeatd (FLOWFEAT_BUILD_DIR)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if [ -z "$capture" ]; then
  capture=$work/wave.pcap
  python3 "$here/wave_capture.py" "$capture" --flows "$flows" --interval 10 --duration 400 >/dev/null
fi

# run NAME ACTIVE_TIMEOUT: one replay; appends "stage seconds" lines and the flows ended active to
# $work/NAME.txt.
run() {
  local name=$1 active=$2
  local out=$work/out-$name
  rm -rf "$out"
  mkdir -p "$out"
  "$flowfeatd" --read "$capture" --output "$out" --progress never --no-metrics --active-timeout "$active" \
    >"$work/$name.log" 2>&1 || { cat "$work/$name.log" >&2; exit 1; }
  sed -nE 's/^  CPU seconds by stage: //p' "$work/$name.log" | tr ' ' '\n' | paste - - >>"$work/$name.txt"
  sed -nE 's/^  flows ended: idle [0-9]+, active ([0-9]+),.*/active \1/p' "$work/$name.log" >>"$work/$name.txt"
  sed -nE 's/^flowfeatd: .* in ([0-9.]+) s .*/wall \1/p' "$work/$name.log" >>"$work/$name.txt"
}
for ((r = 0; r < rounds; r++)); do
  run waves 120
  run calm 86400
done
python3 - "$work/waves.txt" "$work/calm.txt" <<'PY'
import statistics
import sys

def load(path):
    values = {}
    for line in open(path):
        name, value = line.split()
        values.setdefault(name, []).append(float(value))
    return {k: statistics.median(v) for k, v in values.items()}

waves, calm = load(sys.argv[1]), load(sys.argv[2])
ended = waves["active"] - calm["active"]
print(f"flows ended by the waves: {ended:.0f}; wall {waves['wall']:.2f} s with waves, {calm['wall']:.2f} s without")
print(f"{'stage':<12}{'waves s':>10}{'calm s':>10}{'wave cost s':>13}{'us per flow':>13}")
for stage in [k for k in waves if k not in ("active", "wall")]:
    d = waves[stage] - calm[stage]
    print(f"{stage:<12}{waves[stage]:>10.3f}{calm[stage]:>10.3f}{d:>13.3f}{1e6 * d / ended if ended else 0:>13.2f}")
PY
