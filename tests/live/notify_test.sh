#!/usr/bin/env bash
# flowfeatd speaks systemd's notify protocol (Type=notify, WatchdogSec): a stand-in for the service
# manager listens on NOTIFY_SOCKET and must hear READY=1 first, WATCHDOG=1 keep-alives while the
# pipeline runs, and STOPPING=1 once SIGTERM starts the drain. No privileges needed.
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
command -v python3 >/dev/null || live_skip "python3 is not installed"
LIVE_DIR=$(mktemp -d)
trap live_cleanup EXIT
cd "$LIVE_DIR"
"$FLOWFEAT_GEN" --out capture.pcap --truth truth.csv --flows 500 --duration 30 >/dev/null

python3 - "$LIVE_DIR/notify.sock" >messages.txt <<'PY' &
import socket, sys, time
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(sys.argv[1])
sock.settimeout(20)
try:
    while True:
        message = sock.recv(4096).decode()
        print(f"{time.monotonic():.3f} " + message.replace("\n", " | "), flush=True)
        if "STOPPING=1" in message:
            break
except socket.timeout:
    pass
PY
listener=$!
LIVE_PIDS+=("$listener")
live_wait_for 5 "the notify socket" test -S "$LIVE_DIR/notify.sock"

NOTIFY_SOCKET=$LIVE_DIR/notify.sock WATCHDOG_USEC=400000 "$FLOWFEATD" --read capture.pcap --replay-speed 4 \
  --output out --progress never --no-metrics >daemon.out 2>daemon.log &
pid=$!
LIVE_PIDS+=("$pid")
sleep 2.5
kill -TERM "$pid"
wait "$pid" || live_fail "exit status $? after SIGTERM: $(tail -3 daemon.log)"
wait "$listener" || true
cat messages.txt

first=$(head -1 messages.txt)
[[ "$first" == *"READY=1"* ]] || live_fail "the first message is not READY=1: $first"
pings=$(grep -c "WATCHDOG=1" messages.txt || true)
[ "$pings" -ge 5 ] || live_fail "$pings keep-alives in 2.5 s with WatchdogSec=0.4 s (expected one every 0.2 s)"
tail -1 messages.txt | grep -q "STOPPING=1" || live_fail "the last message is not STOPPING=1"
echo "PASS: READY, $pings keep-alives, STOPPING"
