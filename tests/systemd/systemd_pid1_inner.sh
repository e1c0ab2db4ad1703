#!/usr/bin/env bash
# The checks of systemd_pid1_test.sh, run inside its container by a oneshot unit of the container's
# systemd (PID 1). Installs the shipped flowfeat.service, captures on the container's own lo and
# drives the unit through start, reload, watchdog, crash and leftover recovery, stop, and a bad
# configuration. Each check appends a line to /results/steps.log; the exit status is the verdict,
# which the container's manager passes back to systemd-nspawn (FailureAction=exit).
set -euo pipefail
source /test/shell_helpers.sh

log=/results/steps.log
ok() { echo "OK: $*" | tee -a "$log"; }
fail() {
  echo "FAIL: $*" | tee -a "$log" >&2
  exit 1
}
wait_for() {
  local seconds=$1 what=$2
  shift 2
  poll_until "$seconds" "$what" fail "$@"
}
trap 'journalctl -b --no-pager -o short-monotonic >/results/journal.txt 2>&1 || true' EXIT

show() { systemctl show -P "$1" flowfeat; }
# At least N flows ended and none of their records still held by the fan window or a queue: they
# are in the sink's buffer (flowfeat_records_written_total counts them only once on disk).
records_in_sink() {
  local metrics
  metrics=$(curl -sf http://127.0.0.1:9877/metrics) || return 1
  [ "$(metric_value flowfeat_flows_ended_total <<<"$metrics")" -ge "$1" ] &&
    [ "$(metric_value flowfeat_host_window_held_records <<<"$metrics")" = 0 ] &&
    [ "$(metric_value flowfeat_queue_depth <<<"$metrics")" = 0 ]
}

# Traffic on lo: N one-packet UDP flows to 127.0.0.1, each to its own port (bash opens a new socket
# for every redirection). Nothing listens: the kernel's ICMP replies are flows as well.
next_port=10000
flows() {
  local i
  for ((i = 0; i < $1; i++)); do
    echo flowfeat 2>/dev/null >"/dev/udp/127.0.0.1/$next_port" || true
    next_port=$((next_port >= 60000 ? 10000 : next_port + 1))
  done
}

logs=/var/log/flowfeat
state=/var/lib/flowfeat
finished_files() { find "$logs/" -maxdepth 1 -name 'flows-*.csv' -printf '%f\n' | sort; }
partial_files() { find "$logs/" -maxdepth 1 -name '.flows-*.partial' -printf '%f\n' | sort; }

# Running: a new main process (not OLD_PID), NRestarts above OLD_COUNT, the unit active (running).
restarted() {
  local pid
  pid=$(show MainPID)
  [ "$pid" != 0 ] && [ "$pid" != "$1" ] && [ "$(show NRestarts)" -gt "$2" ] &&
    [ "$(show ActiveState)/$(show SubState)" = active/running ]
}

# --- Install the shipped unit as an operator would, with a configuration that captures on lo.
unit=/opt/flowfeat/lib/systemd/system/flowfeat.service
install -m 0644 "$unit" /etc/systemd/system/flowfeat.service
config=$(sed -n 's/^ExecStart=.* --config \([^ ]*\).*/\1/p' "$unit")
[ -n "$config" ] || fail "no --config in the ExecStart= of $unit"
install -D -m 0644 /test/flowfeat-lo.yaml "$config"
# The shipped WatchdogSec=30s and RestartSec=5s would make the freeze and crash checks take
# minutes; everything else is the unit as shipped.
mkdir -p /etc/systemd/system/flowfeat.service.d
printf '[Service]\nWatchdogSec=3s\nRestartSec=1s\n' >/etc/systemd/system/flowfeat.service.d/test.conf
systemctl daemon-reload
/opt/flowfeat/bin/flowfeatd --check-config "$config" >/dev/null || fail "flowfeatd rejects $config"

# --- A capture that cannot open (no such interface, exit status 3) fails the start: the unit never
# reports itself active before the capture is open, and Restart= tries again.
printf 'capture:\n  interfaces: [ffmissing0]\n' >"$config"
if systemctl start flowfeat 2>/dev/null; then fail "started without its interface"; fi
[ "$(show ActiveState)" != active ] || fail "active without its interface"
[ "$(show ExecMainStatus)" = 3 ] || fail "exit status $(show ExecMainStatus) without its interface, not 3"
restarted_once() { [ "$(show NRestarts)" -gt 0 ]; }
wait_for 10 "a restart without the interface" restarted_once
systemctl stop flowfeat
systemctl reset-failed flowfeat 2>/dev/null || true
install -m 0644 /test/flowfeat-lo.yaml "$config"
ok "start without the interface: failed (exit status 3), never active, restarted"

# --- Start. Type=notify: systemctl start returns once READY=1 came (and fails if the process ends
# before), so at that moment the capture must already be open.
systemctl start flowfeat || fail "systemctl start flowfeat failed"
systemctl status --no-pager flowfeat | grep -q 'Active: active (running)' ||
  fail "not active (running) after the start: $(systemctl status --no-pager flowfeat)"
pid=$(show MainPID)
# The capture is open: the main process holds a packet socket bound to lo (/proc/net/packet lists
# the namespace's packet sockets by interface index and inode).
lo_index=$(cat /sys/class/net/lo/ifindex)
sockets=$(find "/proc/$pid/fd" -lname 'socket:*' -printf '%l\n' | tr -dc '0-9\n')
awk -v lo="$lo_index" 'NR > 1 && $5 == lo { print $9 }' /proc/net/packet | grep -qxF -f <(echo "$sockets") ||
  fail "when the start returned, flowfeatd (pid $pid) had no packet socket on lo (ifindex $lo_index):" \
    "its sockets $(echo $sockets), /proc/net/packet: $(cat /proc/net/packet)"
status_text=$(show StatusText)
[ "$status_text" = "capturing on 1 socket(s)" ] || fail "StatusText is '$status_text'"
ok "start: active (running) with the capture on lo open; StatusText=$status_text"
restarts=$(show NRestarts)

# --- Identity and capabilities, read after the capture opened.
read -r _ ruid euid suid fsuid < <(grep '^Uid:' "/proc/$pid/status")
read -r _ gid _ < <(grep '^Gid:' "/proc/$pid/status")
[ "$ruid" = "$euid" ] && [ "$ruid" = "$suid" ] && [ "$ruid" = "$fsuid" ] || fail "uids $ruid $euid $suid $fsuid differ"
# DynamicUser= takes its uids from 61184-65519.
[ "$ruid" -ge 61184 ] && [ "$ruid" -le 65519 ] || fail "uid $ruid is not a dynamic user's"
[ "$(stat -c %u "$state/")" = "$ruid" ] || fail "StateDirectory does not belong to uid $ruid"
for set in CapInh CapPrm CapEff CapAmb; do
  value=$(awk -v set="$set:" '$1 == set { print $2 }' "/proc/$pid/status")
  [ "$value" = 0000000000000000 ] || fail "$set is $value, not empty, with the capture open"
done
grep -qx 'NoNewPrivs:[[:space:]]*1' "/proc/$pid/status" || fail "no_new_privs is not set"
ok "identity: dynamic uid $ruid, CapInh/CapPrm/CapEff/CapAmb 0 while holding the capture"

# --- Writes. One as the service's user would be refused by file permissions alone, which says
# nothing of the sandbox. So the refusals are probed as root entered into the service's mount
# namespace (nsenter -m), where only the read-only mounts of ProtectSystem=strict can refuse a
# write (EROFS); the same probe as the service's user must succeed in LogsDirectory and
# StateDirectory, so a refusal is not an artifact of the probe.
probe_write() {  # probe_write PATH [nsenter options...]: prints the error of a write that failed
  local path=$1
  shift
  nsenter -t "$pid" -m "$@" -- /bin/sh -c 'echo probe >"$1" && rm "$1"' sh "$path" 2>&1
}
for path in /probe /etc/probe /usr/probe /opt/flowfeat/probe /var/probe /var/lib/probe /var/log/probe; do
  if out=$(probe_write "$path"); then fail "root could write $path in the service's mount namespace"; fi
  [[ "$out" == *"Read-only file system"* ]] || fail "writing $path: '$out', not a read-only file system"
done
for dir in "$logs" "$state"; do
  out=$(probe_write "$dir/probe" -S "$ruid" -G "$gid") || fail "uid $ruid cannot write in $dir: $out"
done
ok "sandbox: read-only outside LogsDirectory and StateDirectory, which uid $ruid can write"

# --- Reload: SIGHUP finishes the current record file.
flows 300
wait_for 20 "records of 300 flows" records_in_sink 300
sleep 0.5
before=$(finished_files)
systemctl reload flowfeat
new_finished() { [ -n "$(comm -13 <(echo "$before") <(finished_files))" ]; }
wait_for 10 "a record file finished by the reload" new_finished
file=$(comm -13 <(echo "$before") <(finished_files) | head -1)
lines=$(wc -l <"$logs/$file")
[ "$lines" -gt 1 ] || fail "$file has no records"
[ "$(show MainPID)" = "$pid" ] || fail "the reload replaced the main process"
ok "reload: $file finished with $((lines - 1)) records, same process"

# --- Watchdog. First, a quiet link for twice WatchdogSec: keep-alives go on without traffic.
sleep 6
[ "$(show NRestarts)" = "$restarts" ] || fail "restarted while idle: $(journalctl -u flowfeat -n 20 --no-pager)"
count=$(show NRestarts)
kill -STOP "$pid"
wait_for 30 "a restart of the frozen process" restarted "$pid" "$count"
journalctl -u flowfeat --no-pager | grep -q 'Watchdog timeout' || fail "the restart was not the watchdog's"
ok "watchdog: frozen pid $pid killed and restarted (NRestarts $(show NRestarts))"

# --- Crash with a file half written, recovered by the next run. Records reach the disk in 1 MiB
# chunks, so traffic goes on until the open .partial file holds some.
pid=$(show MainPID)
partial_with_records() {  # prints the name of a .partial file with records on disk
  local name
  for name in $(partial_files); do
    [ "$(head -c 1048576 "$logs/$name" | wc -l)" -gt 1 ] && echo "$name" && return 0
  done
  return 1
}
for ((round = 0; round < 20; round++)); do
  partial_with_records >/dev/null && break
  flows 2000
  sleep 1
done
partial=$(partial_with_records) || fail "no .partial file with records on disk after 40000 flows"
kept=$(($(head -c 1048576 "$logs/$partial" | wc -l) - 1))
count=$(show NRestarts)
kill -SEGV "$pid"
wait_for 20 "a restart after SIGSEGV" restarted "$pid" "$count"
journalctl -u flowfeat --no-pager | grep -q 'status=11/SEGV' || fail "the journal has no SIGSEGV exit"
# The restarted run finishes the leftover under its final name, cut back to its last complete record.
final=${partial#.}
final=${final%.partial}
[ ! -e "$logs/$partial" ] || fail "$partial was left as it was"
[ -f "$logs/$final" ] || fail "$partial was not finished as $final: $(ls -A "$logs")"
recovered=$(($(wc -l <"$logs/$final") - 1))
[ "$recovered" -ge "$kept" ] || fail "$final holds $recovered records, $partial had $kept on disk"
ok "crash: SIGSEGV restarted (NRestarts $(show NRestarts)); the leftover finished as $final, $recovered records"

# --- Stop drains: a flow still open at the stop (one socket sending every 0.1 s, never idle for
# the configured 1 s) must be written.
pid=$(show MainPID)
(exec 3>/dev/udp/127.0.0.1/5999 && while :; do echo open >&3 2>/dev/null || true; sleep 0.1; done) &
sender=$!
sleep 2
stopped_at=$(date +%s)
systemctl stop flowfeat
kill "$sender"
wait "$sender" 2>/dev/null || true
[ "$(show Result)" = success ] || fail "Result=$(show Result) after the stop"
[ "$(show ExecMainStatus)" = 0 ] || fail "exit status $(show ExecMainStatus) after the stop"
[ -z "$(partial_files)" ] || fail "unfinished files after the stop: $(partial_files)"
open_flow=$(cat "$logs"/flows-*.csv | awk -F, '$1 == "127.0.0.1" && $4 == 5999 && $5 == 17' | wc -l)
[ "$open_flow" -ge 1 ] || fail "the flow open at the stop has no record"
records=$(cat "$logs"/flows-*.csv | grep -vc '^src_ip,')
[ -s "$state/standardizer.state" ] || fail "no standardizer state in $state"
[ "$(stat -c %Y "$state/standardizer.state")" -ge "$stopped_at" ] || fail "the stop did not save the state"
bad_owner=$(find "$logs/" "$state/" -mindepth 1 \( ! -uid "$ruid" -o -perm /077 \) -printf '%p ')
[ -z "$bad_owner" ] || fail "files not private to uid $ruid: $bad_owner"
ok "stop: Result=success, $records records in $logs (the open flow's too), state saved in $state, mode 0600"

# --- A bad configuration exits 2, which RestartPreventExitStatus= keeps from restarting.
printf 'capture:\n  interfaces: [lo]\n  no_such_key: 1\n' >"$config"
if systemctl start flowfeat 2>/dev/null; then fail "started with a bad configuration"; fi
count=$(show NRestarts)
sleep 3  # three times RestartSec
[ "$(show ActiveState)" = failed ] || fail "ActiveState=$(show ActiveState) after a bad configuration"
[ "$(show ExecMainStatus)" = 2 ] || fail "exit status $(show ExecMainStatus), not 2"
[ "$(show NRestarts)" = "$count" ] || fail "restarted after a bad configuration"
ok "bad configuration: exit status 2, failed, not restarted"
echo PASS | tee -a "$log"
