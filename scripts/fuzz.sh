#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for the given number of seconds (default 60):
# the decoder, the capture file reading path, the ground-truth CSV, the standardizer state file and
# the YAML configuration. Each starts from a seed corpus made of the project's own fixtures (a
# generated capture and its ground truth, a state file, the shipped configuration), kept in
# build-fuzz/corpus/<target> with what libFuzzer adds to it. A crash stops the run: its input is left
# as build-fuzz/crash-<sha1> and becomes a regression test (tests/fuzz/README.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build_dir=$root/build-fuzz
targets=(decoder_fuzzer pcap_source_fuzzer ground_truth_fuzzer state_file_fuzzer config_fuzzer)
CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -DFLOWFEAT_BUILD_FUZZERS=ON -DFLOWFEAT_BUILD_TESTS=ON \
  -DFLOWFEAT_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target "${targets[@]}" flowfeat-gen

# Seeds from the project's own fixtures; the fuzz build's generator is instrumented too, which is
# slow but fine for a capture this small.
seeds=$build_dir/seeds
if [ ! -f "$seeds/.complete" ]; then
  rm -rf "$seeds"
  mkdir -p "$seeds"/{decoder_fuzzer,pcap_source_fuzzer,ground_truth_fuzzer,state_file_fuzzer,config_fuzzer}
  ASAN_OPTIONS=detect_leaks=0 "$build_dir/tools/flowfeat-gen" --out "$seeds/small.pcap" --truth "$seeds/truth.csv" \
    --flows 12 --duration 2 >/dev/null
  head -c 60000 "$seeds/small.pcap" >"$seeds/pcap_source_fuzzer/start.pcap"
  head -c 4000 "$seeds/small.pcap" >"$seeds/pcap_source_fuzzer/cut.pcap"  # a capture cut short
  # The ground-truth target's first byte picks the layout (tests/fuzz/ground_truth_fuzzer.cpp).
  { printf '\x00'; head -n 40 "$seeds/truth.csv"; } >"$seeds/ground_truth_fuzzer/truth.csv"
  printf '\x00\xef\xbb\xbfsrcip, sport ,dstip,dsport,proto,Label\n10.0.0.1,1,10.0.0.2,2,tcp,1\n' \
    >"$seeds/ground_truth_fuzzer/bom.csv"
  printf '\x01srcip,sport,dstip,dsport,proto,start,end,Label\n10.0.0.1,1,10.0.0.2,2,tcp,14/11/2023 22:13,14/11/2023 22:20,1\n' \
    >"$seeds/ground_truth_fuzzer/times.csv"
  printf '\x03175.45.176.3,0x000b,149.171.126.16,-,icmp,INT,0,0,0,0,0,0,0,-,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1421927414,1421927416,0,0,0,0,0,0,0,,0,,1,1,1,1,1,1,1, Reconnaissance ,1\r\n' \
    >"$seeds/ground_truth_fuzzer/unsw.csv"
  printf '\x04\xef\xbb\xbfFlow ID, Source IP, Source Port, Destination IP, Destination Port, Protocol, Timestamp, Flow Duration, Label\r\nx,172.16.0.1,53058,192.168.10.50,80,6,7/7/2017 3:57,5000000,DDoS\r\n' \
    >"$seeds/ground_truth_fuzzer/cic.csv"
  cp "$root/config/flowfeat.yaml" "$seeds/config_fuzzer/"
  printf 'flows:\n  idle_timeout: 5\noutput:\n  kafka:\n    properties:\n      acks: "1"\n' \
    >"$seeds/config_fuzzer/small.yaml"
  cat >"$seeds/state_file_fuzzer/running.state" <<'STATE'
# flowfeat standardizer state
version 1
mode running
samples 129
column bidirectional_packets count 129 mean 11.155038759689923 mean_low -6.938893903907228e-16 m2 188884.89922480614
column src2dst_bytes count 100 mean 989 mean_low -8.881784197001252e-16 m2 46
STATE
  printf '# flowfeat standardizer state\nversion 1\nmode ewm\nsamples 3\ncolumn fan_in_dst count 3 mean 2.5 var 0.25\n' \
    >"$seeds/state_file_fuzzer/ewm.state"
  # A version 2 state with the derived flags' quantiles after 3 records (markers where they start).
  python3 - "$seeds/state_file_fuzzer/quantiles.state" <<'PY'
import sys
percents = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 15, 25, 50, 75, 85, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99]
markers = 2 * len(percents) + 3
inc = [0.0] * markers
inc[-1] = 1.0
for i, p in enumerate(percents):
    inc[2 * i + 2] = p / 100.0
for i in range(len(percents) + 1):
    inc[2 * i + 1] = 0.5 * (inc[2 * i] + inc[2 * i + 2])
desired = ",".join(repr(1.0 + 2.0 * (len(percents) + 1.0) * f) for f in inc)
positions = ",".join(str(i + 1) for i in range(markers))
heights = ",".join(["3", "1", "2"] + ["0"] * (markers - 3))
lines = ["# flowfeat standardizer state", "version 2", "mode running", "samples 3",
         "column bidirectional_packets count 3 mean 2 mean_low 0 m2 2",
         "quantiles records 3 warmup 1000 percents " + ",".join(map(str, percents))]
for name in ["bidirectional_packets", "fan_out_dst", "bidirectional_duration_ms", "fan_in_dst",
             "bidirectional_mean_piat_ms", "bidirectional_bytes"]:
    lines.append(f"quantile {name} heights {heights} positions {positions} desired {desired}")
lines.append("end")
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY
  # Frames for the decoder: the records of the generated capture, one file each (first 24).
  python3 - "$seeds/small.pcap" "$seeds/decoder_fuzzer" <<'PY'
import struct, sys
data = open(sys.argv[1], "rb").read()
at, n = 24, 0
while at + 16 <= len(data) and n < 24:
    incl = struct.unpack_from("<I", data, at + 8)[0]
    frame = data[at + 16:at + 16 + incl]
    # byte 0 picks the link type (1: Ethernet), byte 1 the quirks and the wire length
    open(f"{sys.argv[2]}/frame{n}", "wb").write(bytes([1, 0]) + frame)
    at += 16 + incl
    n += 1
PY
  touch "$seeds/.complete"
fi

for target in "${targets[@]}"; do
  corpus=$build_dir/corpus/${target%_fuzzer}
  mkdir -p "$corpus"
  log=$build_dir/$target.log
  echo "== $target, $seconds s"
  # libFuzzer reports every new input; keep that in a log and show the end (all of it on failure).
  if ! (cd "$build_dir" && "$build_dir/tests/fuzz/$target" -max_total_time="$seconds" -print_final_stats=1 \
    -timeout=10 -max_len=65536 "$corpus" "$seeds/$target" >"$log" 2>&1); then
    cat "$log"
    exit 1
  fi
  grep -E "^stat::number_of_executed_units|^stat::peak_rss_mb|^#[0-9]+.*DONE" "$log" | tr '\n' ' '
  echo
done
