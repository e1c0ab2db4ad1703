#!/usr/bin/env bash
# Installs the build as an operator would and checks the result: the files in place, a systemd unit
# that starts the installed binary with the installed configuration, accepted by
# `systemd-analyze verify`, and a sandbox whose `systemd-analyze security` exposure level is at most
# 3.0.
# Usage: check_service_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
max_exposure=3.0
cmake=${CMAKE_COMMAND:-cmake}

command -v systemd-analyze >/dev/null || { echo "SKIP: systemd-analyze is not installed"; exit 77; }
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

install_into() {  # install_into LOG cmake-install-arguments...
  local log=$1
  shift
  "$cmake" --install "$build" "$@" >"$log" 2>&1 || { cat "$log" >&2; fail "cmake --install $*"; }
}

# unit_argument UNIT OPTION: the word after OPTION on the unit's ExecStart= line.
unit_argument() {
  sed -n 's/^ExecStart=//p' "$1" | tr ' ' '\n' | grep -A1 -xF -- "$2" | tail -n 1
}

# 1. `cmake --install build --prefix /usr`, staged under DESTDIR: the layout a package would have.
stage=$work/stage
DESTDIR=$stage install_into "$work/install-usr.log" --prefix /usr
unit=$stage/usr/lib/systemd/system/flowfeat.service
doc=$stage/usr/share/doc/flowfeat
expected=("$stage/usr/bin/flowfeatd" "$stage/etc/flowfeat/flowfeat.yaml" "$unit" "$doc/README.md")
for page in "$source"/docs/*.md; do
  expected+=("$doc/docs/${page##*/}")
done
if [ -d "$source/dashboards" ]; then
  while read -r file; do
    expected+=("$doc/dashboards/$file")
  done < <(cd "$source/dashboards" && find . -type f | sed 's|^\./||')
fi
for file in "${expected[@]}"; do
  [ -f "$file" ] || fail "${file#"$stage"} was not installed"
done
cmp -s "$source/config/flowfeat.yaml" "$stage/etc/flowfeat/flowfeat.yaml" ||
  fail "/etc/flowfeat/flowfeat.yaml differs from config/flowfeat.yaml"
! grep -nE '@[A-Za-z_]+@' "$unit" || fail "the unit has placeholders left"

binary=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")
[ "$binary" = /usr/bin/flowfeatd ] || fail "ExecStart runs $binary, not /usr/bin/flowfeatd"
[ -x "$stage$binary" ] || fail "ExecStart's $binary is not the installed executable"
config=$(unit_argument "$unit" --config)
[ "$config" = /etc/flowfeat/flowfeat.yaml ] || fail "--config $config, not /etc/flowfeat/flowfeat.yaml"
echo "OK: layout of --prefix /usr ($(find "$stage" -type f | wc -l) files), ExecStart=$binary --config $config"

# An edited configuration survives a reinstall.
echo "# edited by the operator" >>"$stage/etc/flowfeat/flowfeat.yaml"
DESTDIR=$stage install_into "$work/reinstall.log" --prefix /usr
grep -q "^# edited by the operator" "$stage/etc/flowfeat/flowfeat.yaml" ||
  fail "a reinstall replaced the edited /etc/flowfeat/flowfeat.yaml"
echo "OK: a reinstall keeps the edited configuration"

# 2. verify resolves ExecStart= on this machine, so it checks a unit installed into a real prefix,
# whose paths exist here. It warns about unknown keys yet exits 0: any output is a failure too.
prefix=$work/prefix/usr
install_into "$work/install-prefix.log" --prefix "$prefix"
unit=$prefix/lib/systemd/system/flowfeat.service
[ "$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$unit")" = "$prefix/bin/flowfeatd" ] ||
  fail "the unit of --prefix $prefix does not start $prefix/bin/flowfeatd"
[ -f "$(unit_argument "$unit" --config)" ] || fail "the unit's --config file was not installed"
if ! verify_output=$(systemd-analyze verify "$unit" 2>&1) || [ -n "$verify_output" ]; then
  echo "$verify_output" >&2
  fail "systemd-analyze verify rejects the unit"
fi
# The same check must reject a unit whose binary is missing, or it proves nothing.
mkdir "$work/broken"
sed "s|^ExecStart=[^ ]*|ExecStart=$work/missing/flowfeatd|" "$unit" >"$work/broken/flowfeat.service"
if systemd-analyze verify "$work/broken/flowfeat.service" >/dev/null 2>&1; then
  fail "systemd-analyze verify accepts a unit whose binary is missing"
fi
echo "OK: systemd-analyze verify accepts the unit"

# The installed flowfeatd accepts the unit's options and the installed configuration, with the
# folders systemd would pass.
mkdir -p "$work/logs" "$work/state"
read -ra command <<<"$(sed -n 's/^ExecStart=//p' "$unit" |
  sed "s|\${LOGS_DIRECTORY}|$work/logs|g; s|\${STATE_DIRECTORY}|$work/state|g")"
"${command[@]}" --check-config || fail "flowfeatd rejects the unit's command line: ${command[*]}"

# 3. Sandbox exposure (0 = fully locked down, 10 = unprotected).
security=$(systemd-analyze security --offline=true --no-pager "$unit" 2>&1) || true
grep -E '^✗' <<<"$security" || true
score=$(sed -n 's/.*Overall exposure level for flowfeat.service: \([0-9.]*\).*/\1/p' <<<"$security")
[ -n "$score" ] || { echo "$security" >&2; fail "no exposure level in systemd-analyze security's output"; }
echo "exposure level: $score (at most $max_exposure)"
awk -v score="$score" -v max="$max_exposure" 'BEGIN { exit !(score <= max) }' ||
  fail "exposure level $score is above $max_exposure"
