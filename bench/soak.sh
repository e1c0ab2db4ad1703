#!/usr/bin/env bash
# soak.sh [--minutes N] [--rate FRAMES_PER_S] [--interval S] [--warm-up S] [--capture-threads N]
#         [--buffer-mib N] [--feed fifo|loop] [--out DIR] [-- FLOWFEATD_ARGS...]
# soak.sh --replot DIR
#
# A soak of flowfeatd on a live feed (root): N minutes (default 10) of bench/live_mix.sh's mix at a
# steady rate (default 300 000 frames/s) into a veth pair (tests/live/lib.sh), sampled every
# --interval seconds (default 2): RSS (all, anonymous, file-backed), open file descriptors, threads,
# CPU, and from the metrics endpoint the open flows, the queue depth of every stage, the fan
# window's gauges, records written, files rotated and packets dropped. After the warm-up (default
# 180 s: the first active timeout, 120 s, ends every flow of the mix at once, and the new flows' first
# idle timeouts take 60 s) it prints min/median/max of RSS and its least-squares slope, and PASS or
# FAIL for:
#   - RSS flat: max - min within 5 % of the median, and the fitted change over the measured span
#     within 2.5 % of the median (no trend);
#   - file descriptors and threads constant (fds within 2 of each other: a rotation opens the next
#     file before it closes the last);
#   - nothing else grows: open flows, queue depths and the window's flows, hosts and held records,
#     median of the last third of the samples within 10 % (plus a slack of 2) of the first third's;
#   - no frame dropped, in the kernel or at the queue (the ring's fullest and the capture's latest
#     frame, from the capture health metrics, are printed beside it).
# It writes DIR/soak.tsv (one row a sample), DIR/soak.png (gnuplot: RSS and open flows; queue depths
# and the packet rate) and DIR/soak-summary.txt; DIR defaults to a new /tmp/flowfeat-soak-DATE.
# --replot DIR draws DIR/soak.png again from DIR/soak.tsv.
#
# The feed never repeats: trafgen generates the mix without end (random flows of a fixed population,
# 0.5 % of the frames opening a flow that is never seen again) into a FIFO as a pcap stream, and
# tcpreplay reads it and sends it paced (--pps with a burst every 100 us). So at rate R, R/200 new
# flows a second start and end idle after 60 s, and the 64 k flows that stay open end on the active
# timeout every 120 s and start again: the flow table, the fan window and the record path all work at
# a steady state. flowfeatd runs with its defaults but for the record files: 64 MiB each, the last 3
# kept (output.rotate_bytes, output.keep_files), so the disk stays bounded and rotation is exercised,
# and the kernel ring of each capture thread, --buffer-mib (capture.buffer_mib, default 64).
# The FIFO feeds at most about 190 000 frames/s here (a write and a read a frame); above that,
# --feed loop sends from memory as the ceiling benchmark does: trafgen writes 1 M frames of the mix
# once, tcpreplay preloads them and loops (2 s a loop at 500 000 frames/s; 10 M frames, 11 GB in
# tcpreplay's memory, held it to 310 000 frames/s). The flows that the FIFO
# feed opens and lets end idle then come back every loop and stay open, so the churn is the first
# loop's only, and the waves are larger: every flow, those included, reaches its active timeout
# together every 120 s.
# The sender shares the cores with flowfeatd (and with whatever else runs on the machine).
# Environment: FLOWFEAT_BUILD_DIR (default build/); the binary is copied at the start.
set -euo pipefail

usage() {
  echo "usage: $0 [--minutes N] [--rate FRAMES_PER_S] [--interval S] [--warm-up S] [--capture-threads N] [--buffer-mib N] [--feed fifo|loop] [--out DIR] [-- FLOWFEATD_ARGS...]" >&2
  echo "       $0 --replot DIR" >&2
  exit 2
}
# plot DIR MINUTES RATE WARM_UP DATE: draws DIR/soak.png from DIR/soak.tsv.
plot() {
  local dir=$1 minutes=$2 rate=$3 warm_up=$4 day=$5
  gnuplot <<EOF
set terminal pngcairo size 1000,600 font ",10" noenhanced
set output "$dir/soak.png"
set datafile separator "\t"
set key autotitle columnhead
set multiplot layout 2,1 title "flowfeatd soak: $minutes min, $rate frames/s asked (received: below), $day, $(nproc) CPUs shared (dashes: end of the warm-up)"
set lmargin 10
set rmargin 10
set grid
set arrow 1 from $warm_up, graph 0 to $warm_up, graph 1 nohead dashtype 2 lc rgb "gray40"
set ylabel "MiB"
set y2label "open flows (thousands)"
set yrange [0:*]
set y2range [0:*]
set ytics nomirror
set y2tics
set key bottom right
plot "$dir/soak.tsv" using 1:2 with lines lw 2 title "RSS", \
     "" using 1:3 with lines title "anonymous RSS", \
     "" using 1:(\$8 / 1000) axes x1y2 with lines title "open flows (right)"
set xlabel "seconds"
set ylabel "queue depth (batches)"
set y2label "thousand frames"
set ytics 1
set key top right
prev = 0
plot "$dir/soak.tsv" using 1:9 with points pt 7 ps 0.5 title "queue depth: flow", \
     "" using 1:10 with points pt 7 ps 0.5 title "enrich", \
     "" using 1:11 with points pt 7 ps 0.5 title "standardize", \
     "" using 1:12 with points pt 7 ps 0.5 title "sink", \
     "" using 1:(\$19 / 1000) axes x1y2 with lines lc rgb "gray50" title "received per s (right)", \
     "" using 1:(d = (\$20 + \$21 - prev) / 1000, prev = \$20 + \$21, d) axes x1y2 with impulses lw 2 lc rgb "red" title "dropped (kernel and queue) per sample (right)"
unset multiplot
EOF
}

minutes=10
rate=300000
interval=2
warm_up=180
capture_threads=1
buffer_mib=64
feed=fifo
out=""
replot=""
extra=()
while (($# > 0)); do
  case $1 in
    --minutes) (($# >= 2)) || usage; minutes=$2; shift 2 ;;
    --rate) (($# >= 2)) || usage; rate=$2; shift 2 ;;
    --interval) (($# >= 2)) || usage; interval=$2; shift 2 ;;
    --warm-up) (($# >= 2)) || usage; warm_up=$2; shift 2 ;;
    --capture-threads) (($# >= 2)) || usage; capture_threads=$2; shift 2 ;;
    --buffer-mib) (($# >= 2)) || usage; buffer_mib=$2; shift 2 ;;
    --feed) (($# >= 2)) || usage; feed=$2; shift 2 ;;
    --out) (($# >= 2)) || usage; out=$2; shift 2 ;;
    --replot) (($# >= 2)) || usage; replot=$2; shift 2 ;;
    --) shift; extra=("$@"); break ;;
    *) usage ;;
  esac
done
# --replot DIR: draws DIR/soak.png again from DIR/soak.tsv (the run's settings from its summary).
if [ -n "$replot" ]; then
  header=$(grep -m1 '^soak:' "$replot/soak-summary.txt")
  day=$(grep -m1 '^date:' "$replot/soak-summary.txt" | sed 's/^date: \([0-9-]*\)T.*/\1/')
  plot "$replot" "$(sed 's/^soak: \([0-9]*\) min.*/\1/' <<<"$header")" "$(sed 's/.* at \([0-9]*\) frames.*/\1/' <<<"$header")" \
    "$(sed 's/.*warm-up \([0-9]*\) s.*/\1/' <<<"$header")" "$day"
  echo "plot: $replot/soak.png"
  exit 0
fi
[[ $feed == fifo || $feed == loop ]] || { echo "--feed is fifo or loop" >&2; exit 2; }
for v in minutes rate interval warm_up capture_threads buffer_mib; do
  [[ ${!v} =~ ^[0-9]+$ ]] && ((${!v} > 0)) || { echo "--${v/_/-} must be a positive integer" >&2; exit 2; }
done
((warm_up + 10 * interval < minutes * 60)) || { echo "the warm-up leaves too few samples in $minutes minute(s)" >&2; exit 2; }

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${FLOWFEAT_BUILD_DIR:-$repo_root/build}
export FLOWFEAT_REQUIRE_LIVE=1
source "$repo_root/tests/live/lib.sh"
live_require trafgen tcpreplay curl python3 gnuplot
[ -x "$build_dir/daemon/app/flowfeatd" ] || live_fail "not built: $build_dir/daemon/app/flowfeatd"
[ -n "$out" ] || out=/tmp/flowfeat-soak-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$out"
out=$(cd "$out" && pwd)
live_setup
mkdir -p "$LIVE_DIR/bin"
cp "$build_dir/daemon/app/flowfeatd" "$LIVE_DIR/bin/"
FLOWFEATD=$LIVE_DIR/bin/flowfeatd
"$repo_root/bench/live_mix.sh" imix >"$LIVE_DIR/mix.cfg"
cat >"$LIVE_DIR/soak.yaml" <<EOF
capture:
  buffer_mib: $buffer_mib
output:
  rotate_bytes: 67108864
  keep_files: 3
EOF

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(nproc) CPUs; kernel $(uname -r); load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "flowfeatd $("$FLOWFEATD" --version 2>&1 | head -1), repository at $(git -C "$repo_root" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "soak: $minutes min at $rate frames/s, $capture_threads capture thread(s), ring $buffer_mib MiB, feed $feed, a sample every $interval s, warm-up $warm_up s;" \
    "flowfeatd arguments: ${extra[*]:-(defaults)}"
} | tee "$out/soak-summary.txt"

mkdir -p "$LIVE_DIR/out"
live_background daemon "$FLOWFEATD" --interface ffcap --capture-threads "$capture_threads" --config "$LIVE_DIR/soak.yaml" \
  --output "$LIVE_DIR/out" --progress never "${extra[@]}"
daemon=$LIVE_PID
live_wait_for 30 "flowfeatd's metrics endpoint" live_in curl -sf http://127.0.0.1:9877/metrics

# The feed: trafgen -> FIFO (a pcap stream) -> tcpreplay, paced. trafgen blocks when tcpreplay falls
# behind, and stops (SIGPIPE) when tcpreplay exits. Or (--feed loop) 1 M frames written once and
# sent from memory, looped.
multi=$((rate / 10000))
((multi >= 1)) || multi=1
generator=""
if [ "$feed" = fifo ]; then
  mkfifo "$LIVE_DIR/feed.pcap"
  trafgen -i "$LIVE_DIR/mix.cfg" --rand -o "$LIVE_DIR/feed.pcap" -n 0 -P 1 -C >"$LIVE_DIR/trafgen.log" 2>&1 &
  generator=$!
  LIVE_PIDS+=("$generator")
  preload=()
else
  trafgen -i "$LIVE_DIR/mix.cfg" --rand -o "$LIVE_DIR/feed.pcap" -n 1000000 -P 1 -C >"$LIVE_DIR/trafgen.log" 2>&1 ||
    live_fail "trafgen could not write the feed: $(tail -3 "$LIVE_DIR/trafgen.log")"
  preload=(--preload-pcap --loop=0)
fi
live_background tcpreplay tcpreplay -q --no-flow-stats --timer=nano --pps="$rate" --pps-multi="$multi" "${preload[@]}" \
  --duration=$((minutes * 60)) -i ffsend "$LIVE_DIR/feed.pcap"
sender=$LIVE_PID

tsv=$out/soak.tsv
printf "seconds\trss_mib\tanon_mib\tfile_mib\tfds\tthreads\tcpu_pct\tflows_active\tq_flow\tq_enrich\tq_standardize\tq_sink\twindow_flows\twindow_hosts\twindow_held\trecords_written\tfiles_rotated\treceived\trx_pps\tdropped_kernel\tdropped_queue\tflows_created\tended_idle\tended_active\tended_evicted\tring_fill\tbacklog_s\n" >"$tsv"

started=$EPOCHREALTIME
last_received=0
last_ticks=0
last_time=$started
echo "sampling every $interval s for $minutes min into $tsv"
while kill -0 "$sender" 2>/dev/null; do
  now=$EPOCHREALTIME
  metrics=$(live_in curl -sf --max-time 2 http://127.0.0.1:9877/metrics) || { sleep "$interval"; continue; }
  status=/proc/$daemon/status
  [ -r "$status" ] || live_fail "flowfeatd exited: $(tail -5 "$LIVE_DIR/daemon.log")"
  read -r rss anon file threads < <(awk '/^VmRSS:/ { r = $2 } /^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 } /^Threads:/ { t = $2 }
    END { printf "%.1f %.1f %.1f %d\n", r / 1024, a / 1024, f / 1024, t }' "$status")
  fds=$(find "/proc/$daemon/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
  ticks=0
  for task in /proc/"$daemon"/task/*; do
    ticks=$((ticks + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "$task/stat" 2>/dev/null || echo 0)))
  done
  m() { metric_value "$1" <<<"$metrics"; }
  received=$(m flowfeat_packets_received_total)
  read -r elapsed dt < <(awk -v a="$started" -v b="$now" -v l="$last_time" 'BEGIN { printf "%.1f %.3f\n", b - a, b - l }')
  rx_pps=$(awk -v r="$received" -v l="$last_received" -v d="$dt" 'BEGIN { printf "%.0f", (d > 0 ? (r - l) / d : 0) }')
  cpu=$(awk -v t="$ticks" -v l="$last_ticks" -v d="$dt" 'BEGIN { printf "%.1f", (d > 0 ? (t - l) / d : 0) }')
  printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n" \
    "$elapsed" "$rss" "$anon" "$file" "$fds" "$threads" "$cpu" "$(m flowfeat_flows_active)" \
    "$(m 'flowfeat_queue_depth{stage="flow"}')" "$(m 'flowfeat_queue_depth{stage="enrich"}')" \
    "$(m 'flowfeat_queue_depth{stage="standardize"}')" "$(m 'flowfeat_queue_depth{stage="sink"}')" \
    "$(m flowfeat_host_window_flows)" "$(m flowfeat_host_window_hosts)" "$(m flowfeat_host_window_held_records)" \
    "$(m flowfeat_records_written_total)" "$(m flowfeat_output_files_rotated_total)" "$received" "$rx_pps" \
    "$(m 'flowfeat_packets_dropped_total{place="kernel"}')" "$(m 'flowfeat_packets_dropped_total{place="queue"}')" \
    "$(m flowfeat_flows_created_total)" "$(m 'flowfeat_flows_ended_total{reason="idle"}')" \
    "$(m 'flowfeat_flows_ended_total{reason="active"}')" "$(m 'flowfeat_flows_ended_total{reason="evicted"}')" \
    "$(metric_value flowfeat_capture_ring_fill_ratio '%.4f' <<<"$metrics")" \
    "$(metric_value flowfeat_capture_backlog_seconds '%.3f' <<<"$metrics")" >>"$tsv"
  last_received=$received
  last_ticks=$ticks
  last_time=$now
  # Sleep to the next multiple of the interval.
  sleep "$(awk -v a="$started" -v b="$EPOCHREALTIME" -v i="$interval" 'BEGIN { s = i - ((b - a) % i); printf "%.3f", (s < 0.05 ? s + i : s) }')"
done
wait "$sender" || true
# trafgen stops on its own when the FIFO's reader is gone; make sure of it.
if [ -n "$generator" ]; then
  for pid in $(pgrep -P "$generator" || true) "$generator"; do kill -9 "$pid" 2>/dev/null || true; done
  wait "$generator" 2>/dev/null || true
fi
sent=$(awk '/Successful packets:/ { print $3 }' "$LIVE_DIR/tcpreplay.log")
arrived=$(live_in cat /sys/class/net/ffcap/statistics/rx_packets)
sleep 2
kill -TERM "$daemon"
daemon_status=0
wait "$daemon" || daemon_status=$?
{
  echo "sender: $sent frames sent ($(awk -v n="${sent:-0}" -v s=$((minutes * 60)) 'BEGIN { printf "%.0f", n / s }') frames/s), $arrived reached ffcap"
  echo "flowfeatd after SIGTERM: exit status $daemon_status;" \
    "$(grep -E '^flowfeatd:|records:|LOST' "$LIVE_DIR/daemon.log" | tr '\n' ' ')"
} | tee -a "$out/soak-summary.txt"

python3 - "$tsv" "$warm_up" >>"$out/soak-summary.txt" <<'PYTHON'
import csv
import statistics
import sys

path, warm_up = sys.argv[1], float(sys.argv[2])
rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(open(path), delimiter="\t")]
steady = [r for r in rows if r["seconds"] >= warm_up]
verdicts = []


def check(name, ok, detail):
    verdicts.append(ok)
    print(f"  {'PASS' if ok else 'FAIL'}  {name}: {detail}")


def fit(xs, ys):
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0


print(f"\n{len(rows)} samples, {len(steady)} after the warm-up of {warm_up:.0f} s "
      f"({steady[0]['seconds']:.0f} s to {steady[-1]['seconds']:.0f} s)")
xs = [r["seconds"] for r in steady]
span = xs[-1] - xs[0]
for column, label in (("rss_mib", "RSS"), ("anon_mib", "anonymous RSS"), ("file_mib", "file-backed RSS")):
    ys = [r[column] for r in steady]
    slope = fit(xs, ys)
    med = statistics.median(ys)
    print(f"  {label:16} min {min(ys):8.1f}  median {med:8.1f}  max {max(ys):8.1f} MiB;"
          f"  spread {(max(ys) - min(ys)) / med * 100:5.2f} % of the median;"
          f"  slope {slope * 60:+.3f} MiB/min ({slope * span / med * 100:+.2f} % over {span / 60:.1f} min)")
rss = [r["rss_mib"] for r in steady]
med = statistics.median(rss)
spread = (max(rss) - min(rss)) / med * 100
trend = fit(xs, rss) * span / med * 100
whole = [r["rss_mib"] for r in rows]
print(f"  whole run: RSS from {whole[0]:.1f} MiB at {rows[0]['seconds']:.0f} s to a peak of {max(whole):.1f} MiB")
print()
check("RSS within 5 %", spread <= 5.0, f"max - min = {max(rss) - min(rss):.1f} MiB = {spread:.2f} % of the median {med:.1f} MiB")
check("RSS without a trend", abs(trend) <= 2.5, f"fitted change {trend:+.2f} % of the median over {span / 60:.1f} min (limit 2.5 %)")
fds = [r["fds"] for r in steady]
check("file descriptors constant", max(fds) - min(fds) <= 2 and fds[-1] <= fds[0] + 1,
      f"{min(fds):.0f} to {max(fds):.0f}, first {fds[0]:.0f}, last {fds[-1]:.0f}")
threads = [r["threads"] for r in steady]
check("threads constant", max(threads) == min(threads), f"{min(threads):.0f} to {max(threads):.0f}")
third = max(1, len(steady) // 3)
for column, label in (("flows_active", "open flows"), ("q_flow", "queue depth, flow"), ("q_enrich", "queue depth, enrich"),
                      ("q_standardize", "queue depth, standardize"), ("q_sink", "queue depth, sink"),
                      ("window_flows", "window flows"), ("window_hosts", "window hosts"),
                      ("window_held", "window held records")):
    first = statistics.median(r[column] for r in steady[:third])
    last = statistics.median(r[column] for r in steady[-third:])
    check(f"{label} does not grow", last <= first * 1.1 + 2,
          f"median {first:.0f} in the first third, {last:.0f} in the last (max {max(r[column] for r in steady):.0f})")
drops_k = rows[-1]["dropped_kernel"]
drops_q = rows[-1]["dropped_queue"]
check("no frame dropped", drops_k + drops_q == 0,
      f"kernel {drops_k:.0f}, queue {drops_q:.0f} of {rows[-1]['received']:.0f} received; kernel ring at most"
      f" {100 * max(r['ring_fill'] for r in rows):.1f} % full, a frame read at most {max(r['backlog_s'] for r in rows):.3f} s"
      f" late (samples every few seconds)")
rates = [r["rx_pps"] for r in steady]
cpu = [r["cpu_pct"] for r in steady]
print(f"  (not judged) rate received {statistics.median(rates):.0f}/s (median);"
      f" flowfeatd CPU {statistics.median(cpu):.0f} % of one CPU (median);"
      f" records written {rows[-1]['records_written']:.0f}, files rotated {rows[-1]['files_rotated']:.0f},"
      f" flows created {rows[-1]['flows_created']:.0f} (ended idle {rows[-1]['ended_idle']:.0f},"
      f" active {rows[-1]['ended_active']:.0f}, evicted {rows[-1]['ended_evicted']:.0f})")
print()
print("SOAK: " + ("PASS" if all(verdicts) else "FAIL"))
PYTHON
sed -n '/^[0-9]* samples/,$p' "$out/soak-summary.txt"

plot "$out" "$minutes" "$rate" "$warm_up" "$(date -u +%Y-%m-%d)"
echo "plot: $out/soak.png; samples: $tsv; summary: $out/soak-summary.txt"
grep -q "^SOAK: PASS" "$out/soak-summary.txt"
