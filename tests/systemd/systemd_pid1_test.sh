#!/usr/bin/env bash
# flowfeat.service under a real systemd as PID 1. Boots this machine's own systemd in a container:
# systemd-nspawn over the host's /usr with a throwaway tmpfs root (--volatile=yes) and its own
# network namespace, the `cmake --install` tree bound read-only at its prefix /opt/flowfeat. A
# oneshot unit in there runs systemd_pid1_inner.sh, which installs the shipped unit and checks it
# (start, sandbox, reload, watchdog, crash recovery, stop, bad configuration), then the container
# exits with that script's status.
# Needs root and systemd-nspawn (Debian's systemd-container); skips (77) without them, unless
# FLOWFEAT_REQUIRE_LIVE=1.
# Usage: systemd_pid1_test.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../live/lib.sh"
build=$1
cmake=${CMAKE_COMMAND:-cmake}

[ "$(id -u)" -eq 0 ] || live_skip "needs root (systemd-nspawn)"
command -v systemd-nspawn >/dev/null || live_skip "systemd-nspawn is not installed (systemd-container)"
[ -x /usr/lib/systemd/systemd ] || live_skip "no systemd in /usr/lib/systemd"
command -v nsenter >/dev/null || live_skip "nsenter is not installed"

work=$(mktemp -d)
machine=flowfeat-pid1-$$
nspawn_pid=""
cgroups=()
cleanup() {
  if [ -n "$nspawn_pid" ] && kill -0 "$nspawn_pid" 2>/dev/null; then
    # SIGTERM asks nspawn to power the container off; a container that does not go is killed with
    # its PID 1, which takes every process of its PID namespace along.
    local leader
    leader=$(pgrep -P "$nspawn_pid" || true)
    kill -TERM "$nspawn_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 0.2; done
    [ -z "$leader" ] || kill -KILL "$leader" 2>/dev/null || true
    kill -KILL "$nspawn_pid" 2>/dev/null || true
    wait "$nspawn_pid" 2>/dev/null || true
  fi
  # The container's cgroups, below ours; they are empty once its processes are gone.
  local cgroup
  for cgroup in "${cgroups[@]}"; do
    find "$cgroup" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  rmdir "/run/systemd/nspawn/propagate/$machine" 2>/dev/null || true
  [ -n "${FLOWFEAT_KEEP_LIVE_DIR:-}" ] || rm -rf "$work"
}
trap cleanup EXIT

# The install tree, staged: with the prefix /opt/flowfeat its paths (and the unit's ExecStart=) are
# valid once bound into the container. A prefix under /tmp would not do: PrivateTmp= hides it.
# Staged under DESTDIR, so nothing lands in the host's /opt.
DESTDIR=$work/stage "$cmake" --install "$build" --prefix /opt/flowfeat >"$work/install.log" 2>&1 ||
  { cat "$work/install.log" >&2; live_fail "cmake --install"; }
[ -x "$work/stage/opt/flowfeat/bin/flowfeatd" ] || live_fail "cmake --install installed no flowfeatd"

mkdir -p "$work/test" "$work/results" "$work/units"
cp "$here/systemd_pid1_inner.sh" "$here/../support/shell_helpers.sh" "$work/test/"
# Capture on lo; short timeouts so records come out within seconds.
cat >"$work/test/flowfeat-lo.yaml" <<'EOF'
capture:
  interfaces: [lo]
flows:
  idle_timeout: 1
window:
  span: 1
pipeline:
  workers: 1
EOF
cat >"$work/units/flowfeat-pid1-test.service" <<'EOF'
[Unit]
Description=flowfeat.service checks under systemd as PID 1
# The container's manager exits when the checks end, with their exit status.
SuccessAction=exit
FailureAction=exit

[Service]
Type=oneshot
ExecStart=/bin/bash /test/systemd_pid1_inner.sh
StandardOutput=journal+console
StandardError=journal+console
TimeoutStartSec=100
EOF

# nspawn moves itself and the container into cgroups below the one it starts in: give it one of the
# test's own in each hierarchy (cgroup v2 alone, or the hybrid layout's name=systemd and unified).
if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
  hierarchies=(/sys/fs/cgroup)
else
  hierarchies=()
  for dir in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified; do
    [ -d "$dir" ] && hierarchies+=("$dir")
  done
fi
[ "${#hierarchies[@]}" -gt 0 ] || live_skip "no cgroup hierarchy for systemd in /sys/fs/cgroup"
for dir in "${hierarchies[@]}"; do
  mkdir "$dir/$machine" || live_skip "cannot create a cgroup in $dir"
  cgroups+=("$dir/$machine")
done

# --private-network: the container's own lo, so the capture sees the test's traffic alone and the
# metrics port is free. The empty /etc of --volatile=yes lacks Debian's /etc/alternatives, through
# which /usr/bin/awk and others resolve: it is bound from the host. systemd.unit= boots into the
# test unit and its dependencies (sysinit, basic) only, not every service that the presets would
# enable in that empty /etc.
nspawn=(systemd-nspawn --quiet -D / --volatile=yes --boot --register=no --keep-unit
  --machine="$machine" --private-network
  --bind-ro="$work/units/flowfeat-pid1-test.service:/etc/systemd/system/flowfeat-pid1-test.service"
  --bind-ro="$work/stage/opt/flowfeat:/opt/flowfeat"
  --bind-ro="$work/test:/test"
  --bind-ro=/etc/alternatives
  --bind="$work/results:/results"
  systemd.firstboot=off systemd.unit=flowfeat-pid1-test.service)
echo "${nspawn[*]}"
start=$SECONDS
(
  for cgroup in "${cgroups[@]}"; do echo "$BASHPID" >"$cgroup/cgroup.procs"; done
  exec "${nspawn[@]}" </dev/null >"$work/console.log" 2>&1
) &
nspawn_pid=$!
deadline=$((SECONDS + 120))
while kill -0 "$nspawn_pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
if kill -0 "$nspawn_pid" 2>/dev/null; then
  tail -n 40 "$work/console.log" >&2
  live_fail "the container still runs after 120 s"
fi
status=0
wait "$nspawn_pid" || status=$?
nspawn_pid=""
cat "$work/results/steps.log" 2>/dev/null || true
if [ "$status" -ne 0 ] || ! grep -qx PASS "$work/results/steps.log" 2>/dev/null; then
  echo "--- container console (last lines)" >&2
  tail -n 30 "$work/console.log" >&2
  echo "--- flowfeat.service's journal (last lines)" >&2
  grep -E 'flowfeat(d|\.service)' "$work/results/journal.txt" 2>/dev/null | tail -n 40 >&2 || true
  live_fail "checks in the container failed (systemd-nspawn exit status $status)"
fi
echo "PASS: flowfeat.service under systemd $(systemctl --version | awk 'NR == 1 { print $2 }') as PID 1, in $((SECONDS - start)) s"
