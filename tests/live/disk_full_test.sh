#!/usr/bin/env bash
# Record files on a disk that is really full: a small tmpfs, nearly filled by a filler file, takes
# the records of a replay of a generated capture (no network namespace needed, but root to mount).
#  - output.on_write_error: wait (the default): the replay stops at the full disk and says so (log,
#    flowfeat_output_write_blocked 1); once the filler is deleted it goes on and exits 0, and the
#    files hold exactly the records of a run onto a normal disk, each once;
#  - wait, then SIGTERM while the disk stays full: the wait ends within its bound and the run exits
#    5, the LOST line counting the records missing from the files;
#  - output.on_write_error: drop: exit 5, the LOST line counting exactly the records missing.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
[ "$(id -u)" -eq 0 ] || live_skip "needs root (mounts a tmpfs)"
for tool in mount umount mountpoint curl; do command -v "$tool" >/dev/null || live_skip "$tool is not installed"; done
export LC_ALL=C  # sort and comm agree on the order

LIVE_DIR=$(mktemp -d)
DISK=$LIVE_DIR/disk
DISK_MIB=8  # the capture's records take about 4 MiB: more than is left free, less than the disk

# The daemon is killed before the unmount (a busy tmpfs stays mounted), the folder removed after.
disk_cleanup() {
  local pid
  for pid in "${LIVE_PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if mountpoint -q "$DISK"; then umount "$DISK" 2>/dev/null || umount -l "$DISK"; fi
  live_cleanup
}
trap disk_cleanup EXIT
cd "$LIVE_DIR"
mkdir "$DISK"
mount -t tmpfs -o size=${DISK_MIB}m flowfeat-disk-full "$DISK" || live_skip "cannot mount a tmpfs"

"$FLOWFEAT_GEN" --out capture.pcap --truth truth.csv --flows 3000 >/dev/null
# Each run starts a standardizer of its own, its state kept off the small disk.
common=(--read capture.pcap --format csv --progress never --workers 2)

# sorted_rows DIR: the records of the finished CSV files, header lines left out, sorted.
sorted_rows() { tail -q -n +2 "$1"/flows-*.csv | sort; }

# fill_disk: empties the tmpfs and leaves 2.5 MiB free: two 1 MiB chunks of records fit, the third
# does not.
fill_disk() {
  rm -rf "${DISK:?}"/*
  local free=$(($(stat -f -c '%a * %S' "$DISK")))
  head -c $((free - 5 * 512 * 1024)) /dev/zero >"$DISK/filler"
}

# lost_line FILE: "N M" of the summary's "LOST: N of M records ..." line; nothing without one.
lost_line() { sed -n 's/^LOST: \([0-9]*\) of \([0-9]*\) records.*/\1 \2/p' "$1"; }

# start_daemon NAME ARGS...: flowfeatd in the background onto the tmpfs folder NAME, output in
# NAME.out and NAME.log; its pid in pid.
start_daemon() {
  local name=$1
  shift
  "$FLOWFEATD" "${common[@]}" --output "$DISK/$name" --state-file "$name.state" "$@" >"$name.out" 2>"$name.log" &
  pid=$!
  LIVE_PIDS+=("$pid")
}

wait_until_waiting() {
  live_wait_for 30 "the wait for space in $1.log" grep -q "waiting for space (output.on_write_error: wait)" "$1.log"
}

echo "== a run onto a normal disk"
"$FLOWFEATD" "${common[@]}" --output normal --state-file normal.state --no-metrics >normal.out 2>normal.log ||
  live_fail "the run onto a normal disk failed: $(tail -3 normal.log)"
sorted_rows normal >normal.rows
expected=$(wc -l <normal.rows)
[ -z "$(uniq -d normal.rows)" ] || live_fail "the normal run has duplicate rows"
bytes=$(cat normal/flows-*.csv | wc -c)
echo "$expected records, $bytes bytes"
[ "$bytes" -gt $((5 * 512 * 1024)) ] && [ "$bytes" -lt $(((DISK_MIB - 1) * 1024 * 1024)) ] ||
  live_fail "the records take $bytes bytes: they must overflow the free space and fit the empty disk"

echo "== wait: the replay waits for space and loses nothing"
fill_disk
start_daemon wait --metrics-listen 127.0.0.1:0
wait_until_waiting wait
port=$(sed -n 's/.*metrics on port \([0-9]*\).*/\1/p' wait.log)
sleep 2
kill -0 "$pid" 2>/dev/null || live_fail "the daemon ended instead of waiting: $(tail -3 wait.log)"
blocked=$(curl -sf "http://127.0.0.1:$port/metrics" | metric_value flowfeat_output_write_blocked)
[ "$blocked" = 1 ] || live_fail "flowfeat_output_write_blocked is '$blocked' while waiting, not 1"
rm "$DISK/filler"
status=0
wait "$pid" || status=$?
[ "$status" -eq 0 ] || live_fail "exit status $status after space returned: $(tail -3 wait.log)"
grep -q "writing works again" wait.log || live_fail "no resume logged: $(cat wait.log)"
[ -z "$(lost_line wait.out)" ] || live_fail "records lost: $(cat wait.out)"
[ -z "$(find "$DISK/wait" -name '*.partial')" ] || live_fail "unfinished files left: $(ls -a "$DISK/wait")"
sorted_rows "$DISK/wait" >wait.rows
diff -q normal.rows wait.rows >/dev/null ||
  live_fail "the records differ from the normal run's ($(wc -l <wait.rows) rows, $expected expected)"
echo "exit 0, all $expected records written once"

echo "== wait, then SIGTERM while the disk stays full"
fill_disk
start_daemon term --no-metrics
wait_until_waiting term
started=$SECONDS
kill -TERM "$pid"
status=0
wait "$pid" || status=$?
took=$((SECONDS - started))
[ "$status" -eq 5 ] || live_fail "exit status $status after SIGTERM on a full disk (expected 5): $(tail -3 term.log)"
[ "$took" -le 30 ] || live_fail "SIGTERM took $took s to end the wait"
read -r lost total <<<"$(lost_line term.out)"
written=$(sorted_rows "$DISK/term" | wc -l)
echo "ended $took s after SIGTERM: $written of $total records written, $lost lost"
[ -n "$lost" ] && [ "$lost" -gt 0 ] || live_fail "no LOST line: $(cat term.out)"
[ $((total - lost)) -eq "$written" ] || live_fail "LOST says $lost of $total, but the files hold $written records"

echo "== drop: records lost, counted, exit 5"
fill_disk
printf 'output:\n  on_write_error: drop\n' >drop.yaml
start_daemon drop --no-metrics --config drop.yaml
status=0
wait "$pid" || status=$?
[ "$status" -eq 5 ] || live_fail "exit status $status in drop mode on a full disk (expected 5): $(tail -3 drop.log)"
if grep -q "waiting for space" drop.log; then live_fail "drop mode waited: $(cat drop.log)"; fi
read -r lost total <<<"$(lost_line drop.out)"
sorted_rows "$DISK/drop" >drop.rows
written=$(wc -l <drop.rows)
echo "$written of $total records written, LOST $lost"
[ "$total" = "$expected" ] || live_fail "LOST line counts $total records, the normal run wrote $expected"
[ "$written" -gt 0 ] || live_fail "nothing written before the disk filled"
[ "$lost" -eq $((expected - written)) ] || live_fail "LOST $lost, but $((expected - written)) records are missing"
[ -z "$(comm -13 normal.rows drop.rows)" ] || live_fail "rows written that the normal run does not have (half or twice)"
echo "PASS"
