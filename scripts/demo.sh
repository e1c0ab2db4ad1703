#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds flowfeat, generates the embedded demo traffic (a capture
# of mixed normal traffic and attacks, with its ground truth) and replays it through flowfeatd, which
# labels the flows with that ground truth.
# Usage: scripts/demo.sh [--no-install]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ "${1:-}" = "--no-install" ] || "$root/scripts/install-deps.sh"
"$root/scripts/build.sh" "$root/build" -DFLOWFEAT_BUILD_TESTS=OFF -DFLOWFEAT_BUILD_BENCH=OFF

demo=$root/demo
mkdir -p "$demo"
"$root/build/tools/flowfeat-gen" --out "$demo/traffic.pcap" --truth "$demo/truth.csv" --seed 1
rm -rf "$demo/records"  # a fresh run: no older files, no saved standardizer statistics
"$root/build/daemon/app/flowfeatd" --config "$root/config/flowfeat.yaml" \
  --read "$demo/traffic.pcap" --labels "$demo/truth.csv" --output "$demo/records"
echo "ground truth: $demo/truth.csv"
echo "records: $(ls "$demo"/records/flows-*)"
