#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds flowfeat and runs every test: the C++ tests (CTest), then
# the Python package's (scripts/python-test.sh: the wheel built, installed in fresh environments,
# pytest). Real captures and reference outputs are used when ../shared (beside the repository)
# holds them, or wherever FLOWFEAT_PCAP_DIR and FLOWFEAT_REFERENCE_DIR point; those tests skip
# otherwise. A sanitizer build runs the C++ tests only.
# Usage: scripts/test.sh [--sanitizer address|thread] [--no-install] [--exclude REGEX] [--no-python]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sanitizer=""
install=1
python=1
exclude=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitizer) sanitizer=$2; shift 2 ;;
    --no-install) install=0; shift ;;
    --exclude) exclude=(-E "$2"); shift 2 ;;
    --no-python) python=0; shift ;;
    *) echo "usage: $0 [--sanitizer address|thread] [--no-install] [--exclude REGEX] [--no-python]" >&2; exit 2 ;;
  esac
done
[ "$install" -eq 1 ] && "$root/scripts/install-deps.sh"

shared=$(cd "$root/../shared" 2>/dev/null && pwd || true)
export FLOWFEAT_PCAP_DIR=${FLOWFEAT_PCAP_DIR:-${shared:+$shared/pcaps}}
export FLOWFEAT_REFERENCE_DIR=${FLOWFEAT_REFERENCE_DIR:-${shared:+$shared/reference/nfstream}}

build_dir=$root/build${sanitizer:+-$sanitizer}
"$root/scripts/build.sh" "$build_dir" -DFLOWFEAT_SANITIZER="$sanitizer" -DFLOWFEAT_BUILD_TESTS=ON -DFLOWFEAT_BUILD_BENCH=OFF
(cd "$build_dir" && ctest --output-on-failure -j"$(nproc)" --timeout 1500 "${exclude[@]}")
if [ "$python" -eq 1 ] && [ -z "$sanitizer" ]; then
  "$root/scripts/python-test.sh" "$build_dir"
fi
