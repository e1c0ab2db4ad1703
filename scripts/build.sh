#!/usr/bin/env bash
# Configures and builds flowfeat. Usage: scripts/build.sh [BUILD_DIR] [extra cmake arguments...]
# FLOWFEAT_PCAP_DIR / FLOWFEAT_REFERENCE_DIR, when set, point the fidelity tests at real captures.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE:-RelWithDebInfo} \
  -DFLOWFEAT_PCAP_DIR="${FLOWFEAT_PCAP_DIR:-}" -DFLOWFEAT_REFERENCE_DIR="${FLOWFEAT_REFERENCE_DIR:-}" "$@" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
