#!/usr/bin/env bash
# Builds the Python package as a wheel (`pip wheel .`), checks that it installs and runs in a fresh
# virtual environment with nothing but its declared dependencies, then runs the Python tests
# against it in a second fresh environment with the pinned test requirements.
# Usage: scripts/python-test.sh BUILD_DIR [PYTEST ARGS...]
#   BUILD_DIR: the CMake build folder of flowfeatd and flowfeat-gen (the tests compare with them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [PYTEST ARGS...]" >&2; exit 2; }
build_dir=$(cd "$1" && pwd)
shift
python=${PYTHON:-python3}
work=$build_dir/python
rm -rf "$work"
mkdir -p "$work"

echo "== python: pip wheel ."
"$python" -m venv "$work/build-env"
"$work/build-env/bin/pip" install -q --upgrade pip
"$work/build-env/bin/pip" wheel -q --no-deps -w "$work/wheels" "$root"
wheel=$(ls "$work"/wheels/flowfeat-*.whl)

echo "== python: the wheel alone in a fresh environment"
"$python" -m venv "$work/wheel-env"
"$work/wheel-env/bin/pip" install -q "$wheel"
"$build_dir/tools/flowfeat-gen" --out "$work/smoke.pcap" --truth "$work/smoke-truth.csv" --flows 200 >/dev/null
(cd "$work" && "$work/wheel-env/bin/python" - "$work/smoke.pcap" "$work/smoke-truth.csv" <<'PY'
import sys
import flowfeat
df = flowfeat.Streamer(sys.argv[1], labels=sys.argv[2]).to_pandas()
assert len(df) > 100 and df["label"].sum() > 0, df
print(f"flowfeat {flowfeat.__version__}: {len(df)} records, {int(df['label'].sum())} labelled attacks")
PY
)

echo "== python: tests"
"$python" -m venv "$work/test-env"
"$work/test-env/bin/pip" install -q -r "$root/python/requirements-test.txt" "$wheel"
cd "$work"
FLOWFEAT_BUILD_DIR=$build_dir "$work/test-env/bin/python" -m pytest -q -p no:cacheprovider \
  --rootdir "$root" -c "$root/pyproject.toml" "$root/python/tests" "$@"
