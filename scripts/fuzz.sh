#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for the given number of seconds (default 60).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build_dir=$root/build-fuzz
CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -DFLOWFEAT_BUILD_FUZZERS=ON -DFLOWFEAT_BUILD_TESTS=ON \
  -DFLOWFEAT_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target decoder_fuzzer
corpus=$build_dir/corpus/decoder
mkdir -p "$corpus"
log=$build_dir/decoder_fuzzer.log
# libFuzzer reports every new input; keep that in a log and show the end (all of it on failure).
if ! "$build_dir/tests/fuzz/decoder_fuzzer" -max_total_time="$seconds" -print_final_stats=1 "$corpus" >"$log" 2>&1; then
  cat "$log"
  exit 1
fi
tail -n 12 "$log"
