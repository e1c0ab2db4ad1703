#!/usr/bin/env bash
# live_ceiling.sh [--mix imix|small] [--seconds N] [--threads "1 2"] [--tunings "LIST"|none]
#                 [--tune-threads N] [--tune-rate R] [--resolution PCT] [--no-perf]
#
# The live capture ceiling (root): the highest packet rate flowfeatd captures without losing a
# packet, with 1 and 2 capture threads, and where the CPU goes at that rate. The traffic is
# bench/live_mix.sh's mix (64 k flows that stay open, 0.5 % of the frames starting new ones, 60 to
# 1514-byte frames), sent into one end of a veth pair while flowfeatd captures on the other
# (tests/live/lib.sh: a network namespace of its own). Everything, the sender included, runs on the
# machine's cores.
#
# Senders. trafgen (netsniff-ng) generates the mix: at top speed it sends straight through its
# TX_RING; for a given rate, 1 M frames of it are written to a capture once and sent by tcpreplay
# from memory (--preload-pcap, --timer=nano, --pps with --pps-multi so that it sends a burst every
# 100 us), looped. trafgen's own rate option (-b) is no pacer: each second it sends that second's
# frames at top speed and then sleeps; its gap option (-t) sleeps after every frame and tops out at
# about 25 k frames/s here, and a tbf qdisc re-arms a timer per frame (about 3 us a frame in this VM).
#
#  1. The sender alone (no capture): trafgen's TX_RING with one and two processes, tcpreplay from
#     memory at top speed and paced at 1 M frames/s: what sending and the kernel's receive path cost
#     without a packet socket.
#  2. For each capture-thread count: one daemon, warmed up with 4 M frames (every flow past nDPI's
#     20 packets, the flow table at its steady size), then steps of --seconds (default 10) at a
#     paced rate: a ladder (100 k, 200 k, ... frames/s) up to the first rate with a loss, then
#     bisection down to --resolution (default 5 %) of the rate, and a confirmation of the best rate.
#     A rate that loses frames is tried a second time (a shared machine's other work causes losses
#     of its own) and passes if either run does; the confirmation is one more such try. A step
#     passes when flowfeatd received every frame that reached ffcap (flowfeat_packets_received_total
#     against the veth's rx_packets) and dropped none: flowfeat_packets_dropped_total{place=
#     "kernel"} (ring full), {place="interface"} and {place="queue"} (every batch of the pipeline in
#     use) unchanged. Then one step at trafgen's top speed.
#  3. The CPU account of one more step at the best rate: per-thread CPU of flowfeatd (/proc/PID/task/*/stat),
#     the sender's, the CPUs' busy/idle/softirq (/proc/stat), and a perf profile of both CPUs (perf
#     record -a, cpu-clock) split into sender, kernel send path, kernel receive path (the packet
#     socket's copy into the ring apart), capture threads, flow shards, nDPI, records stages, oneTBB,
#     other processes and idle, in % of one CPU and in ns per frame.
#  4. Tunings flowfeatd offers, each beside the default in the same conditions (--tune-threads,
#     default 1): a fresh daemon, the warm-up, an account step at --tune-rate (default 800 k/s:
#     losses, ns of CPU per frame of flowfeatd, its capture threads, its graph and the kernel's
#     packet socket), a step at 1 M/s and one at top speed: queue256 (pipeline.queue_batches: 256),
#     ring256 (capture.buffer_mib: 256), nodpi (--no-dpi), workers1 (--workers 1), snaplen256
#     (capture.snaplen: 256), immediate (capture.immediate: true).
#
# flowfeatd runs with --active-timeout 1800 so that no wave of active-timeout ends (the mix's flows
# all start in the warm-up) falls into a step; the new flows still end idle (60 s) all along.
# Environment: FLOWFEAT_BUILD_DIR (default build/); the binary is copied at the start, so a rebuild
# meanwhile changes nothing. FLOWFEAT_KEEP_LIVE_DIR=1 keeps the scratch folder (logs, profiles).
set -euo pipefail

usage() {
  echo "usage: $0 [--mix imix|small] [--seconds N] [--threads \"1 2\"] [--tunings LIST|none] [--tune-threads N]" \
    "[--tune-rate R] [--resolution PCT] [--no-perf]" >&2
  exit 2
}
mix=imix
seconds=10
thread_counts="1 2"
tunings="queue256 ring256 nodpi workers1 snaplen256 immediate"
resolution=5
use_perf=1
tune_threads=1
tune_rate=800000
while (($# > 0)); do
  case $1 in
    --mix) (($# >= 2)) || usage; mix=$2; shift 2 ;;
    --seconds) (($# >= 2)) || usage; seconds=$2; shift 2 ;;
    --threads) (($# >= 2)) || usage; thread_counts=$2; shift 2 ;;
    --tunings) (($# >= 2)) || usage; tunings=$2; shift 2 ;;
    --resolution) (($# >= 2)) || usage; resolution=$2; shift 2 ;;
    --no-perf) use_perf=0; shift ;;
    --tune-threads) (($# >= 2)) || usage; tune_threads=$2; shift 2 ;;
    --tune-rate) (($# >= 2)) || usage; tune_rate=$2; shift 2 ;;
    *) usage ;;
  esac
done
[[ $seconds =~ ^[0-9]+$ ]] && ((seconds >= 4)) || { echo "--seconds must be at least 4" >&2; exit 2; }
[ "$tunings" = none ] && tunings=""

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${FLOWFEAT_BUILD_DIR:-$repo_root/build}
export FLOWFEAT_REQUIRE_LIVE=1
source "$repo_root/tests/live/lib.sh"
live_require trafgen tcpreplay curl python3
[ -x "$build_dir/daemon/app/flowfeatd" ] || live_fail "not built: $build_dir/daemon/app/flowfeatd"
if ((use_perf)) && ! command -v perf >/dev/null; then
  echo "perf not found (Debian package linux-perf): no profile" >&2
  use_perf=0
fi
live_setup
mkdir -p "$LIVE_DIR/bin"
cp "$build_dir/daemon/app/flowfeatd" "$LIVE_DIR/bin/"
FLOWFEATD=$LIVE_DIR/bin/flowfeatd
"$repo_root/bench/live_mix.sh" "$mix" >"$LIVE_DIR/mix.cfg"
# The capture tcpreplay sends from; a fixed seed, so every run sends the same frames.
trafgen -i "$LIVE_DIR/mix.cfg" --rand -E 1 -o "$LIVE_DIR/mix.pcap" -n 1000000 -P 1 >/dev/null 2>&1 ||
  live_fail "trafgen could not write the mix"
MIX_FRAMES=1000000

echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) CPUs ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo));" \
  "kernel $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "flowfeatd $("$FLOWFEATD" --version 2>&1 | head -1), repository at $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo '?');" \
  "mix $mix; $seconds s a step; $(trafgen -v 2>&1 | head -1)"

# --- helpers -----------------------------------------------------------------------------------

# send RATE COUNT [PROCESSES]: sends COUNT frames into ffsend, paced at RATE frames/s by tcpreplay
# from memory (RATE "replaytop": tcpreplay at top speed), or with RATE "top" by trafgen's TX_RING
# (PROCESSES processes). Sets SENT, SEND_SECONDS (first frame to last, as the sender reports it) and
# SEND_CPU (user + system seconds of the sender from its first frame on: tcpreplay's loading of the
# capture into memory is left out).
send() {
  local rate=$1 count=$2 processes=${3:-1} command
  if [ "$rate" = top ]; then
    command=(trafgen -i "$LIVE_DIR/mix.cfg" -o ffsend --rand -n "$count" -P "$processes" --no-sock-mem -Q)
  else
    local pace=(--topspeed) loops=$(((count + MIX_FRAMES - 1) / MIX_FRAMES))
    if [ "$rate" != replaytop ]; then
      local multi=$((rate / 10000))
      ((multi >= 1)) || multi=1
      pace=(--timer=nano --pps="$rate" --pps-multi="$multi")
    fi
    command=(tcpreplay -q -K --no-flow-stats "${pace[@]}" --loop="$loops" --limit="$count" -i ffsend "$LIVE_DIR/mix.pcap")
  fi
  local out=$LIVE_DIR/send.txt start a pid ticks=0 deadline=$((SECONDS + 60))
  read -r start _ < <(veth)
  live_in /usr/bin/time -f "cpu %U %S" "${command[@]}" >"$out" 2>&1 &
  pid=$!
  while read -r a _ < <(veth) && [ "$a" -eq "$start" ] && kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
    sleep 0.02
  done
  local p
  for p in $(descendants "$pid"); do
    ticks=$((ticks + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  SENDER_PIDS=$(descendants "$pid")
  wait "$pid" || live_fail "${command[0]} failed: $(tr -d '\r' <"$out")"
  local report
  report=$(tr -d '\r' <"$out")
  if [ "$rate" = top ]; then
    SENT=$(awk '/packets outgoing/ { print $1; exit }' <<<"$report")
    SEND_SECONDS=$(awk '/ sec, .* usec on CPU/ { s = $1 + $3 / 1e6; if (s > m) m = s } END { printf "%.3f", m }' <<<"$report")
  else
    SENT=$(awk '/Successful packets:/ { print $3; exit }' <<<"$report")
    SEND_SECONDS=$(awk '/^Actual:/ { for (i = 1; i < NF; i++) if ($i == "in") { print $(i + 1); exit } }' <<<"$report")
  fi
  SEND_CPU=$(awk -v t="$ticks" '/^cpu / { printf "%.2f", $2 + $3 - t / 100 }' <<<"$report")
  [ -n "$SENT" ] && [ -n "$SEND_SECONDS" ] || live_fail "cannot read the sender's report: $report"
}

# cpu_times: "busy idle user system softirq" in ticks (USER_HZ), summed over the CPUs.
cpu_times() {
  awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6, $2 + $3, $4, $7 + $8 }' /proc/stat
}

# thread_ticks PID: "tid:ticks" (utime + stime) of every thread.
thread_ticks() {
  local task
  for task in /proc/"$1"/task/*; do
    awk -v t="${task##*/}" '{ sub(/^.*\) /, ""); printf "%s:%d ", t, $12 + $13 }' "$task/stat" 2>/dev/null || true
  done
}

# descendants PID: the processes below PID, recursively.
descendants() {
  local child
  for child in $(pgrep -P "$1" || true); do
    echo -n "$child "
    descendants "$child"
  done
}

DAEMON_PID=""
# daemon_start THREADS [ARGS...]: flowfeatd on ffcap, metrics up.
daemon_start() {
  local threads=$1
  shift
  rm -rf "$LIVE_DIR/out"
  live_background "daemon-$threads-$RANDOM" "$FLOWFEATD" --interface ffcap --capture-threads "$threads" \
    --output "$LIVE_DIR/out" --progress never --active-timeout 1800 "$@"
  DAEMON_PID=$LIVE_PID
  live_wait_for 30 "flowfeatd's metrics endpoint" live_in curl -sf http://127.0.0.1:9877/metrics
}

daemon_stop() {
  kill -TERM "$DAEMON_PID" 2>/dev/null || true
  wait "$DAEMON_PID" 2>/dev/null || true
  DAEMON_PID=""
  rm -rf "$LIVE_DIR/out"
}

# counters: "received kernel queue interface flows_active" from one scrape.
counters() {
  local text
  text=$(live_in curl -sf http://127.0.0.1:9877/metrics) || live_fail "flowfeatd stopped answering: $(tail -3 "$LIVE_DIR"/daemon-*.log)"
  echo "$(metric_value flowfeat_packets_received_total <<<"$text") $(metric_value 'flowfeat_packets_dropped_total{place="kernel"}' <<<"$text")" \
    "$(metric_value 'flowfeat_packets_dropped_total{place="queue"}' <<<"$text") $(metric_value 'flowfeat_packets_dropped_total{place="interface"}' <<<"$text")" \
    "$(metric_value flowfeat_flows_active <<<"$text")"
}

# veth: "rx_packets rx_dropped" of ffcap: every frame that reached the capture side.
veth() { echo $(live_in cat /sys/class/net/ffcap/statistics/rx_packets /sys/class/net/ffcap/statistics/rx_dropped); }

# warm_up: 4 M frames at 300 k/s, so that every flow of the mix is open and past DPI.
warm_up() {
  send 300000 4000000
  sleep 2
  read -r _ _ _ _ WARM_FLOWS < <(counters)
}

# step RATE [account]: one step at RATE; sets PASS (1/0) and prints a line. With "account", the
# CPU of everything is sampled over the middle of the step (and profiled with perf).
step() {
  local rate=$1 account=${2:-}
  local r0 k0 q0 i0 r1 k1 q1 i1 a0 a1 v0 v1 count
  read -r r0 k0 q0 i0 _ < <(counters)
  read -r a0 v0 < <(veth)
  if [ "$rate" = top ]; then count=$((1500000 * seconds)); else count=$((rate * seconds)); fi
  if [ -n "$account" ]; then
    account_step "$rate" "$count"
  else
    send "$rate" "$count"
  fi
  read -r a1 v1 < <(veth)
  local arrived=$((a1 - a0))
  # Whatever is still in the ring or the pipeline is counted within a few seconds.
  local deadline=$((SECONDS + 15))
  while :; do
    read -r r1 k1 q1 i1 _ < <(counters)
    [ $((r1 - r0 + k1 - k0)) -ge "$arrived" ] && break
    [ "$SECONDS" -ge "$deadline" ] && break
    sleep 0.2
  done
  local received=$((r1 - r0)) kernel=$((k1 - k0)) queue=$((q1 - q0)) interface=$((i1 - i0))
  PASS=0
  [ "$arrived" -eq "$SENT" ] && [ "$received" -eq "$arrived" ] && [ "$kernel" -eq 0 ] && [ "$queue" -eq 0 ] &&
    [ "$interface" -eq 0 ] && PASS=1
  ACHIEVED=$(awk -v n="$SENT" -v s="$SEND_SECONDS" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }')
  # A sender more than 3 % short of the rate asked for tested a lower rate than that.
  SHORT=0
  [ "$rate" != top ] && ((ACHIEVED * 100 < rate * 97)) && SHORT=1
  local verdict
  verdict=$( ((PASS)) && echo pass || echo LOSS)
  ((SHORT)) && verdict="$verdict (sender short of the rate)"
  printf "  %-7s %-8s %9s %9s %9s %9s %8s %9s %8s %5s  %s\n" "$STEP_THREADS" "$rate" "$ACHIEVED" "$SENT" "$arrived" \
    "$received" "$kernel" "$queue" "$((v1 - v0))" "$(cut -d' ' -f1 /proc/loadavg)" "$verdict"
  sleep 2
}

step_header() {
  printf "  %-7s %-8s %9s %9s %9s %9s %8s %9s %8s %5s\n" threads rate "sent/s" sent "at ffcap" received \
    "kernel" "queue" "veth drop" "load"
}

# try RATE: a step at RATE, and on a loss a second one (a shared machine's other work can cause a
# loss of its own): PASS when either passes.
try() {
  step "$1"
  ((PASS)) && return 0
  step "$1"
}

# search THREADS: ladder then bisection; sets BEST (the highest rate that passed, 0 when none did),
# CONFIRMED (1 when one more try at BEST passed as well) and SENDER_LIMITED (1 when the sender could
# not reach a rate and flowfeatd lost nothing at what it did send: BEST is then the sender's rate).
search() {
  STEP_THREADS=$1
  local low=0 high="" rate
  SENDER_LIMITED=0
  for rate in 100000 200000 300000 400000 500000 600000 700000 800000 1000000 1200000 1400000; do
    try "$rate"
    if ((PASS && SHORT)); then
      low=$ACHIEVED
      SENDER_LIMITED=1
      break
    fi
    if ((PASS)); then low=$rate; else high=$rate; break; fi
  done
  if [ -n "$high" ]; then
    while (((high - low) * 100 > resolution * high)); do
      rate=$(((low + high) / 2 / 5000 * 5000))
      ((rate > low)) || break
      try "$rate"
      if ((PASS && !SHORT)); then low=$rate; else high=$rate; fi
    done
  fi
  BEST=$low
  CONFIRMED=0
  if ((low > 0)); then
    try "$low"
    CONFIRMED=$PASS
  fi
}

# account_step RATE COUNT: sends in the background and samples the CPU over the middle of the step.
account_step() {
  local rate=$1 count=$2 window=$((seconds - 3))
  local report=$LIVE_DIR/account-send.txt
  (
    send "$rate" "$count"
    echo "$SENT $SEND_SECONDS $SEND_CPU" >"$report"
  ) &
  local sender=$!
  # tcpreplay loads the capture first: sample once the frames flow, after a second of them.
  local start a deadline=$((SECONDS + 30))
  read -r start _ < <(veth)
  while read -r a _ < <(veth) && [ "$a" -eq "$start" ] && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.05; done
  sleep 1
  local sender_pids t0 t1 c0 c1 s0 s1 r0 r1
  sender_pids=$(descendants "$sender")
  read -r r0 _ < <(counters)
  t0=$(thread_ticks "$DAEMON_PID")
  c0=$(cpu_times)
  s0=$(for p in $sender_pids; do thread_ticks "$p"; done)
  local began=$EPOCHREALTIME
  if ((use_perf)); then
    perf record -q -a -g -F 997 -o "$LIVE_DIR/perf.data" -- sleep "$window" >/dev/null 2>&1 || sleep "$window"
  else
    sleep "$window"
  fi
  read -r r1 _ < <(counters)
  t1=$(thread_ticks "$DAEMON_PID")
  c1=$(cpu_times)
  s1=$(for p in $sender_pids; do thread_ticks "$p"; done)
  local elapsed
  elapsed=$(awk -v a="$began" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
  wait "$sender"
  read -r SENT SEND_SECONDS SEND_CPU <"$report"
  ACCOUNT="$elapsed|$((r1 - r0))|$t0|$t1|$c0|$c1|$s0|$s1|$window"
}

# account_report THREADS RATE: the CPU account of the last account step.
account_report() {
  local threads=$1 rate=$2
  local perf_text=""
  if ((use_perf)) && [ -s "$LIVE_DIR/perf.data" ]; then
    perf_text=$LIVE_DIR/perf-$threads.txt
    perf script -i "$LIVE_DIR/perf.data" -F comm,pid,tid,ip,sym,dso 2>/dev/null >"$perf_text" || perf_text=""
  fi
  python3 - "$threads" "$rate" "$DAEMON_PID" "$ACCOUNT" "$perf_text" "$LIVE_DIR/account-summary.txt" <<'PYTHON'
import collections
import re
import sys

threads, rate, daemon_pid, account, perf_text, summary_path = sys.argv[1:7]
summary = {}
window, frames, t0, t1, c0, c1, s0, s1, perf_window = account.split("|")
window, frames, perf_window = float(window), int(frames), float(perf_window)
hz = 100.0


def ticks(text):
    out = {}
    for item in text.split():
        tid, value = item.split(":")
        out[tid] = int(value)
    return out


def delta(a, b):
    a, b = ticks(a), ticks(b)
    return {tid: b[tid] - a.get(tid, 0) for tid in b}


cpu0, cpu1 = [list(map(int, c.split())) for c in (c0, c1)]
busy, idle, user, system, softirq = [(y - x) / hz for x, y in zip(cpu0, cpu1)]
total = busy + idle
daemon = delta(t0, t1)
sender = delta(s0, s1)
print(f"\n  CPU over {window:.1f} s of the step at {rate} frames/s ({frames} frames received, "
      f"{frames / window:.0f}/s), threads={threads}; 100 % = one CPU")
print(f"    CPUs (/proc/stat): busy {busy / window * 100:.0f} %, idle {idle / window * 100:.0f} % "
      f"(user {user / window * 100:.0f} %, system {system / window * 100:.0f} %, softirq {softirq / window * 100:.0f} %)")
sender_s = sum(sender.values()) / hz
daemon_s = sum(daemon.values()) / hz
print(f"    sender: {sender_s / window * 100:.0f} % (its system time includes the receive softirq run on its way out)")
print(f"    flowfeatd: {daemon_s / window * 100:.0f} %, by thread: "
      + ", ".join(f"{tid} {v / hz / window * 100:.0f} %" for tid, v in sorted(daemon.items(), key=lambda kv: -kv[1]) if v > 0))
print(f"    everything else: {max(0.0, busy - sender_s - daemon_s) / window * 100:.0f} % (other processes, softirq on idle CPUs)")
per_frame = 1e9 / frames if frames else 0
summary.update(frames_per_s=f"{frames / window:.0f}", flowfeatd_ns=f"{daemon_s * per_frame:.0f}",
               sender_ns=f"{sender_s * per_frame:.0f}", idle_pct=f"{idle / window * 100:.0f}")


def write_summary():
    with open(summary_path, "w") as f:
        for k, v in summary.items():
            f.write(f"{k}={v}\n")


write_summary()
if not perf_text:
    sys.exit(0)

# perf samples: (comm, tid, [(sym, dso), ...] from the leaf up).
samples = []
current = None
with open(perf_text, errors="replace") as f:
    for line in f:
        if not line.strip():
            if current:
                samples.append(current)
            current = None
            continue
        if not line.startswith((" ", "\t")):
            head = line.split()
            # comm may hold spaces: the last two fields are pid/tid.
            m = re.match(r"^(.*?)\s+(\d+)/(\d+)\s*$", line.rstrip())
            if m:
                current = (m.group(1), m.group(2), m.group(3), [])
            else:
                current = (" ".join(head[:-1]), head[-1], head[-1], [])
            continue
        if current is None:
            continue
        m = re.match(r"^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$", line)
        if m:
            current[3].append((m.group(1), m.group(2)))
if current:
    samples.append(current)

CAPTURE = re.compile(r"LivePcapSource|CaptureStage|Decoder|capture_detail|take_frame|StreamStamper|::capture\(|take_slot|::submit")
FLOW = re.compile(r"FlowShard|FlowTable|FlowKey|FlowState|flow_table|ApplicationClassifier|FlowStats|PacketBatch")
RECORDS = re.compile(r"Window|Enrich|Standardiz|Quantile|Format|Sink|Record|Csv|Json|Encoder|Label|GroundTruth|Sequencer")


def frames_of(stack):
    return [(s, d.rsplit("/", 1)[-1]) for s, d in stack]


def kernel(dso):
    return dso.startswith("[kernel") or dso.endswith(".ko") or dso == "[unknown]"


def receive_path(stack):
    syms = " ".join(s for s, _ in stack)
    return any(k in syms for k in ("net_rx_action", "process_backlog", "__netif_receive_skb", "netif_receive_skb"))


def packet_socket(stack):
    syms = " ".join(s for s, _ in stack)
    return any(k in syms for k in ("tpacket_rcv", "packet_rcv_fanout", "packet_rcv", "run_filter", "bpf_prog"))


# First pass: which flowfeatd threads capture (their own samples in libpcap or the capture code).
per_thread = collections.Counter()
capture_hits = collections.Counter()
for comm, pid, tid, stack in samples:
    if pid != daemon_pid:
        continue
    per_thread[tid] += 1
    for sym, dso in frames_of(stack)[:6]:
        if dso.startswith("libpcap") or CAPTURE.search(sym) or "tpacket" in sym or "packet_poll" in sym:
            capture_hits[tid] += 1
            break
capture_threads = {tid for tid, n in per_thread.items() if capture_hits[tid] > 0.2 * n}

buckets = collections.Counter()
top = collections.Counter()
for comm, pid, tid, stack in samples:
    fr = frames_of(stack)
    leaf_sym, leaf_dso = fr[0] if fr else ("?", "?")
    if receive_path(fr):
        # The receive softirq runs wherever it was raised or interrupted: on the sender's way out,
        # on an idle CPU, in ksoftirqd, or over a flowfeatd thread.
        b = "kernel receive: packet socket (fanout, copy into the ring)" if packet_socket(fr) else "kernel receive: backlog, IP, veth"
    elif comm in ("trafgen", "tcpreplay"):
        b = "sender: kernel send path (sendto, veth xmit)" if kernel(leaf_dso) else f"sender: {comm} user space"
    elif pid == daemon_pid:
        if comm.startswith("MHD-"):
            b = "flowfeatd: metrics endpoint"
        elif tid in capture_threads:
            b = "flowfeatd capture thread(s): " + ("kernel (poll, ring)" if kernel(leaf_dso) else
                                                  "libpcap" if leaf_dso.startswith("libpcap") else "read, decode, batch")
        else:
            if leaf_dso.startswith("libndpi"):
                b = "flowfeatd graph: nDPI"
            elif leaf_dso.startswith("libtbb"):
                b = "flowfeatd graph: oneTBB scheduler (spin, steal)"
            elif kernel(leaf_dso):
                b = "flowfeatd graph: kernel (futex, scheduling, faults)"
            else:
                b = "flowfeatd graph: other (libc, libstdc++)"
                for sym, dso in fr:
                    if dso.startswith("libndpi"):
                        b = "flowfeatd graph: nDPI"
                        break
                    if FLOW.search(sym):
                        b = "flowfeatd graph: flow shards (flow table, counters)"
                        break
                    if RECORDS.search(sym):
                        b = "flowfeatd graph: records (window, enrich, standardize, format, sink)"
                        break
            top[(leaf_sym[:70], leaf_dso)] += 1
    elif comm.startswith("ksoftirqd"):
        b = "kernel: other softirq work"
    elif comm == "swapper":
        b = "idle"
    elif comm == "perf":
        b = "perf itself"
    else:
        b = "other processes"
    buckets[b] += 1

n = sum(buckets.values())
cpus = n / (997.0 * perf_window)
print(f"\n  perf profile ({n} samples at 997 Hz on {cpus:.2f} CPUs over {perf_window:.0f} s); "
      f"capture threads: {', '.join(sorted(capture_threads)) or 'none found'}")
print(f"    {'part':66} {'% of 1 CPU':>10} {'ns/frame':>9}")
order = sorted(buckets.items(), key=lambda kv: (kv[0] in ("idle",), -kv[1]))
for name, count in order:
    share = count / n * cpus
    ns = share * 1e9 / (frames / window) if frames else 0
    print(f"    {name:66} {share * 100:9.1f}  {ns:9.0f}")
work = sum(c for b, c in buckets.items() if b not in ("idle", "other processes", "perf itself"))
ns_total = work / n * cpus * 1e9 / (frames / window) if frames else 0
print(f"    {'sender + kernel + flowfeatd, per frame':66} {work / n * cpus * 100:9.1f}  {ns_total:9.0f}"
      f"   -> {cpus:.0f} CPUs at this cost: at most {cpus * 1e9 / ns_total if ns_total else 0:,.0f} frames/s")
def ns_of(prefix):
    return sum(c for b, c in buckets.items() if b.startswith(prefix)) / n * cpus * 1e9 / (frames / window) if frames else 0


summary.update(socket_ns=f"{ns_of('kernel receive: packet socket'):.0f}", receive_ns=f"{ns_of('kernel receive'):.0f}",
               capture_ns=f"{ns_of('flowfeatd capture'):.0f}", graph_ns=f"{ns_of('flowfeatd graph'):.0f}")
write_summary()
print("    busiest flowfeatd graph symbols: " + "; ".join(
    f"{sym} ({dso}) {c / n * cpus * 100:.1f} %" for (sym, dso), c in top.most_common(8)))
PYTHON
}

# --- 1. the sender alone ------------------------------------------------------------------------
echo
echo "== 1. the sender alone: into the veth pair, nothing capturing (the sender's CPU includes the"
echo "   kernel's receive path, which runs on its way out of sendto)"
printf "  %-36s %9s %10s %8s %9s\n" sender frames "frames/s" "CPU s" "ns/frame"
sender_line() {
  local cpu
  cpu=$(awk -v c="$SEND_CPU" -v p="${2:-0}" 'BEGIN { printf "%.2f", c - p }')
  printf "  %-36s %9s %10.0f %8s %9.0f\n" "$1" "$SENT" "$(awk -v n="$SENT" -v s="$SEND_SECONDS" 'BEGIN { print n / s }')" \
    "$cpu" "$(awk -v c="$cpu" -v n="$SENT" 'BEGIN { print c * 1e9 / n }')"
}
for processes in 1 2; do
  send top 3000000 "$processes"
  sender_line "trafgen TX_RING, $processes process(es)"
done
send replaytop 3000000
sender_line "tcpreplay from memory, top speed"
send 1000000 5000000
sender_line "tcpreplay from memory, paced 1 M/s"
alone_ns=$(awk -v c="$SEND_CPU" -v n="$SENT" 'BEGIN { printf "%.0f", c * 1e9 / n }')

# --- 2 and 3. the ceiling per thread count ------------------------------------------------------
declare -A best_of confirmed_of sender_limited_of
for threads in $thread_counts; do
  echo
  echo "== 2. flowfeatd with $threads capture thread(s): highest rate without a loss"
  daemon_start "$threads"
  warm_up
  echo "  warm-up: 4 M frames, $WARM_FLOWS flows open"
  step_header
  search "$threads"
  best_of[$threads]=$BEST
  confirmed_of[$threads]=$CONFIRMED
  echo "  threads=$threads: highest rate without a loss: $BEST frames/s ($( ((CONFIRMED)) && echo "confirmed by another run" || echo "NOT confirmed: the last tries lost frames")$( ((SENDER_LIMITED)) && echo "; the sender's limit, not flowfeatd's"))"
  sender_limited_of[$threads]=$SENDER_LIMITED
  STEP_THREADS=$threads
  step top
  echo "  (top speed: TX_RING, unpaced)"
  if ((BEST > 0)); then
    echo
    echo "== 3. where the time goes at $BEST frames/s, $threads capture thread(s)"
    step "$BEST" account
    account_report "$threads" "$BEST"
  fi
  daemon_stop
done

# --- 4. tunings ---------------------------------------------------------------------------------
# At the rates where the sender (not flowfeatd) sets the limit a search says little, so each tuning
# is compared with the default in the same conditions: one account step at --tune-rate (losses, CPU
# per frame of flowfeatd, of its capture threads and graph, and of the kernel's packet socket), a
# step at 1 M frames/s and one at trafgen's top speed.
if [ -n "$tunings" ]; then
  echo
  echo "== 4. tunings, $tune_threads capture thread(s): an account step at $tune_rate frames/s, a step at 1 M/s and one at top speed"
  declare -A tuned
  for tuning in default $tunings; do
    args=()
    config=$LIVE_DIR/$tuning.yaml
    case $tuning in
      default) ;;
      queue256) printf 'pipeline:\n  queue_batches: 256\n' >"$config"; args=(--config "$config") ;;
      ring256) printf 'capture:\n  buffer_mib: 256\n' >"$config"; args=(--config "$config") ;;
      snaplen256) printf 'capture:\n  snaplen: 256\n' >"$config"; args=(--config "$config") ;;
      immediate) printf 'capture:\n  immediate: true\n' >"$config"; args=(--config "$config") ;;
      nodpi) args=(--no-dpi) ;;
      workers1) args=(--workers 1) ;;
      *) echo "  unknown tuning $tuning, skipped"; continue ;;
    esac
    echo "  -- $tuning: ${args[*]:-(no option)}"
    daemon_start "$tune_threads" "${args[@]}"
    warm_up
    step_header
    STEP_THREADS=$tune_threads
    step "$tune_rate" account
    at_rate=$( ((PASS)) && echo pass || echo LOSS)
    account_report "$tune_threads" "$tune_rate" >"$LIVE_DIR/account-$tuning.txt"
    step 1000000
    at_million=$( ((PASS)) && echo pass || echo "LOSS")
    ((SHORT)) && at_million="$at_million ($ACHIEVED/s)"
    step top
    at_top="$( ((PASS)) && echo pass || echo LOSS) ($ACHIEVED/s)"
    rss=$(awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$DAEMON_PID/status")
    unset "${!acct_@}"
    # shellcheck disable=SC1090
    source <(sed 's/^/acct_/' "$LIVE_DIR/account-summary.txt")
    tuned[$tuning]=$(printf "%-11s %-8s %-20s %-18s %7s %8s %6s %7s %6s %5s" "$tuning" "$at_rate" "$at_million" "$at_top" \
      "${acct_flowfeatd_ns:-?}" "${acct_capture_ns:-?}" "${acct_graph_ns:-?}" "${acct_socket_ns:-?}" "${acct_idle_pct:-?}" "$rss")
    daemon_stop
  done
  echo
  printf "  %-11s %-8s %-20s %-18s %7s %8s %6s %7s %6s %5s\n" tuning "$tune_rate" "1 M/s" "top speed" "ffd ns" "capt ns" \
    "graph" "socket" "idle%" "RSS"
  for tuning in default $tunings; do [ -n "${tuned[$tuning]:-}" ] && echo "  ${tuned[$tuning]}"; done
  echo "  (ns per frame at $tune_rate frames/s: flowfeatd all threads (/proc), its capture threads and graph (perf), the"
  echo "   kernel's packet socket (perf); idle% of one CPU; RSS MiB at the end)"
fi

echo
echo "== summary ($mix, $(date -u +%Y-%m-%d), load average now $(cut -d' ' -f1-3 /proc/loadavg))"
for threads in $thread_counts; do
  echo "  $threads capture thread(s): ${best_of[$threads]} frames/s without a loss$( ((confirmed_of[$threads])) || echo " (not confirmed)")$( ((sender_limited_of[$threads])) && echo " (the sender's limit)")"
done
echo "  sender alone, tcpreplay paced at 1 M/s: $alone_ns ns per frame (send and receive path, no packet socket)"
