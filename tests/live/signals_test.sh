#!/usr/bin/env bash
# flowfeatd's process life, on a paced replay of a generated capture (no privileges needed):
#  - SIGTERM mid-replay drains: every flow of the packets read so far is written, exactly as an
#    uninterrupted run over those same packets writes them, and the exit status is 0;
#  - SIGHUP finishes the current record file (a new finished file appears while the daemon runs)
#    and reloads the labels;
#  - a second stop signal exits at once (status 4), leaving unfinished files hidden;
#  - kill -9, then a restart on the same folder: the leftovers are finalized or set aside, so no
#    .partial file remains and every finished file holds whole records.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
for tool in editcap python3; do command -v "$tool" >/dev/null || live_skip "$tool is not installed"; done
LIVE_DIR=$(mktemp -d)
trap live_cleanup EXIT
cd "$LIVE_DIR"

"$FLOWFEAT_GEN" --out capture.pcap --truth truth.csv --flows 3000 --duration 40 >/dev/null
common=(--progress never --no-metrics --workers 2 --labels truth.csv)

# wait_for_log FILE TEXT SECONDS
wait_for_log() {
  live_wait_for "$3" "\"$2\" in $1" grep -q -- "$2" "$1"
}

# whole_csv_files DIR: every finished record file has the header's column count on every row.
whole_csv_files() {
  python3 - "$1" <<'PY'
import csv, glob, os, sys
files = sorted(glob.glob(os.path.join(sys.argv[1], "flows-*.csv")))
rows = 0
for path in files:
    with open(path, newline="") as f:
        table = list(csv.reader(f))
    header = table[0]
    bad = [i for i, row in enumerate(table[1:], 2) if len(row) != len(header)]
    if bad:
        sys.exit(f"{path}: line {bad[0]} has the wrong number of fields")
    rows += len(table) - 1
print(rows)
PY
}

echo "== SIGTERM during a paced replay"
"$FLOWFEATD" --read capture.pcap --replay-speed 10 --output term "${common[@]}" >term.out 2>term.log &
pid=$!
LIVE_PIDS+=("$pid")
sleep 1.5
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 0 ] || live_fail "exit status $status after SIGTERM: $(tail -3 term.log)"
read_packets=$(awk '/packets read/ { print $2 }' term.out)
records=$(whole_csv_files term)
[ -n "$read_packets" ] && [ "$read_packets" -gt 0 ] || live_fail "no summary: $(cat term.out)"
total=$(capinfos -c -M capture.pcap | awk '/Number of packets/ { print $NF }')
[ "$read_packets" -lt "$total" ] || live_fail "the replay ended before SIGTERM ($read_packets of $total packets)"
editcap -r capture.pcap prefix.pcap "1-$read_packets" >/dev/null
"$FLOWFEATD" --read prefix.pcap --output prefix "${common[@]}" >prefix.out 2>prefix.log
expected=$(whole_csv_files prefix)
echo "stopped after $read_packets of $total packets: $records records, an uninterrupted run of them: $expected"
[ "$records" -eq "$expected" ] || live_fail "SIGTERM lost flows: $records records instead of $expected"
python3 "$here/compare_records.py" prefix term >/dev/null || live_fail "the drained records differ"

echo "== SIGHUP: a finished file while running, labels reloaded"
"$FLOWFEATD" --read capture.pcap --replay-speed 4 --idle-timeout 1 --output hup "${common[@]}" >hup.out 2>hup.log &
pid=$!
LIVE_PIDS+=("$pid")
sleep 3
[ -z "$(ls hup/flows-*.csv 2>/dev/null)" ] || live_fail "a file was finished before SIGHUP"
kill -HUP "$pid"
wait_for_log hup.log "labels reloaded" 5
live_wait_for 5 "a finished record file after SIGHUP" compgen -G "hup/flows-*.csv"
kill -0 "$pid" || live_fail "the daemon is no longer running"
kill -TERM "$pid"
wait "$pid" || live_fail "exit status $? after SIGTERM"
echo "SIGHUP finished $(ls hup/flows-*.csv | head -1) while running"

echo "== a second stop signal exits at once"
"$FLOWFEATD" --read capture.pcap --replay-speed 4 --idle-timeout 1 --output abort --format csv \
  --progress never --no-metrics --workers 2 >abort.out 2>abort.log &
pid=$!
LIVE_PIDS+=("$pid")
sleep 2
# Stopped, the process holds SIGINT and SIGTERM pending together; resumed, it takes both at once,
# before any drain could finish.
kill -STOP "$pid"
kill -INT "$pid"
kill -TERM "$pid"
kill -CONT "$pid"
status=0
wait "$pid" || status=$?
[ "$status" -eq 4 ] || live_fail "exit status $status after two stop signals (expected 4): $(tail -3 abort.log)"
leftovers=$(find abort -name '.*.partial' | wc -l)
echo "exit status 4; $leftovers hidden unfinished file(s)"
[ "$leftovers" -ge 1 ] || live_fail "expected the unfinished file to stay hidden"
whole_csv_files abort >/dev/null || live_fail "a finished file holds a partial record"

echo "== kill -9, then a restart on the same folder"
"$FLOWFEATD" --read capture.pcap --replay-speed 4 --idle-timeout 1 --output abort --progress never --no-metrics \
  --workers 2 >kill.out 2>kill.log &
pid=$!
LIVE_PIDS+=("$pid")
sleep 2
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
before=$(find abort -name '.*.partial' | wc -l)
"$FLOWFEATD" --read prefix.pcap --output abort --progress never --no-metrics --workers 2 >restart.out 2>restart.log ||
  live_fail "restart failed: $(tail -3 restart.log)"
after=$(find abort -name '*.partial' | wc -l)
logged=$(grep -c 'left by an earlier run' restart.log || true)
echo "$before leftover(s) before the restart, $after after; $logged reported"
[ "$before" -ge 1 ] || live_fail "kill -9 left no unfinished file to recover"
[ "$logged" -eq "$before" ] || live_fail "$before leftovers but $logged reported: $(cat restart.log)"
[ "$after" -eq 0 ] || live_fail "partial files remain after the restart: $(find abort -name '*.partial')"
whole_csv_files abort >/dev/null || live_fail "a recovered file holds a partial record"
echo "PASS"
