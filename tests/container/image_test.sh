#!/usr/bin/env bash
# The container image, built and run: scripts/container-image.sh builds the Dockerfile with podman
# (base images made by debootstrap, no registry), then the image runs as the README's Docker section
# documents (podman run -d --network=host --cap-drop ALL --cap-add NET_RAW ... --interface IF)
# while tcpreplay sends a generated capture into a veth pair. Checked: the process runs as the user
# flowfeat, the metrics endpoint counts every packet sent, `podman stop` drains (exit status 0), and
# the records in the volume equal those of the host's flowfeatd reading the same capture.
#
# "The host's network" of the container is that of a test namespace: podman itself runs in it
# (nsenter --net, the mount namespace left alone), so the capture sees only the veth pair and the
# metrics endpoint listens on the namespace's loopback, not the machine's port 9877.
#
# Needs root, podman, runc, debootstrap, tcpreplay, curl, python3; skips (77) without them, unless
# FLOWFEAT_REQUIRE_LIVE=1 (CI), where it fails.
# Usage: image_test.sh SOURCE_DIR FLOWFEATD FLOWFEAT_GEN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../live/lib.sh"
source_dir=$1
flowfeatd=$2
flowfeat_gen=$3

live_require podman runc debootstrap tcpreplay curl python3 nsenter
podman info >/dev/null 2>&1 || live_skip "podman does not work here: $(podman info 2>&1 | tail -1)"

name=flowfeat-test-$$
image=localhost/flowfeat:test-$$
volume=$name
built=0
container_cleanup() {
  podman rm -f -t 0 "$name" >/dev/null 2>&1 || true
  podman volume rm -f "$volume" >/dev/null 2>&1 || true
  [ "$built" -eq 0 ] || podman rmi -f "$image" >/dev/null 2>&1 || true
  live_cleanup
}
live_setup
trap container_cleanup EXIT
chmod 755 "$LIVE_DIR"

# podman in the test's namespace: --network=host then means that namespace.
in_ns_podman() { nsenter --net="/run/netns/$LIVE_NS" podman "$@"; }
started=$SECONDS
elapsed() { echo "$((SECONDS - started)) s"; }

echo "== build: scripts/container-image.sh build --tag $image --no-layers"
built=1
if ! "$source_dir/scripts/container-image.sh" build --tag "$image" --no-layers >"$LIVE_DIR/build.log" 2>&1; then
  tail -40 "$LIVE_DIR/build.log" >&2
  live_fail "the image build failed (log above)"
fi
grep '^container-image:' "$LIVE_DIR/build.log"
echo "built in $(elapsed)"
[ "$(podman image inspect --format '{{.Config.User}}' "$image")" = flowfeat ] ||
  live_fail "the image does not run as the user flowfeat"

echo "== traffic: flowfeat-gen, and the records of the host's flowfeatd reading it"
"$flowfeat_gen" --out "$LIVE_DIR/traffic.pcap" --truth "$LIVE_DIR/truth.csv" --flows 150 --duration 15 --seed 11
# The image's configuration file, as the container reads it.
"$flowfeatd" --config "$source_dir/config/flowfeat.yaml" --read "$LIVE_DIR/traffic.pcap" \
  --output "$LIVE_DIR/file" --progress never --no-metrics >"$LIVE_DIR/file.log" 2>&1 ||
  live_fail "offline run failed: $(tail -5 "$LIVE_DIR/file.log")"

echo "== run, as the README documents, capturing on ffcap"
in_ns_podman run -d --name "$name" --network=host --cap-drop ALL --cap-add NET_RAW --stop-timeout 90 \
  -v "$volume:/var/lib/flowfeat" "$image" --interface ffcap >/dev/null ||
  live_fail "podman run failed"
container_alive() { [ "$(podman inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" = true ]; }
metrics_up() {
  container_alive || live_fail "the container exited: $(podman logs "$name" 2>&1 | tail -10)"
  live_in curl -sf http://127.0.0.1:9877/metrics >/dev/null
}
live_wait_for 60 "the container's metrics endpoint on 127.0.0.1:9877" metrics_up
live_in curl -sf http://127.0.0.1:9877/metrics | grep -q '^flowfeat_build_info{' ||
  live_fail "the metrics endpoint serves no flowfeat_build_info"

# The process: user flowfeat, and no capability left once the capture is open.
pid=$(podman inspect --format '{{.State.Pid}}' "$name")
status=/proc/$pid/status
uid=$(awk '/^Uid:/ { print $2 }' "$status")
user=$(podman exec "$name" id -un "$uid" 2>/dev/null) || live_fail "no user with uid $uid in the image"
[ "$user" = flowfeat ] || live_fail "flowfeatd runs as $user (uid $uid), not flowfeat"
[ "$(awk '/^CapEff:/ { print $2 }' "$status")" = 0000000000000000 ] ||
  live_fail "flowfeatd kept capabilities: $(grep ^Cap "$status" | tr '\n' ' ')"
echo "flowfeatd runs as $user (uid $uid) with no effective capability"

sent=$(live_replay "$LIVE_DIR/traffic.pcap" --topspeed)
[ "${sent:-0}" -gt 0 ] || live_fail "tcpreplay sent nothing"
received_all() { [ "$(live_metric flowfeat_packets_received_total)" -ge "$sent" ]; }
live_wait_for 30 "$sent packets on the metrics endpoint" received_all
received=$(live_metric flowfeat_packets_received_total)
kernel=$(live_metric 'flowfeat_packets_dropped_total{place="kernel"}')
created=$(live_metric flowfeat_flows_created_total)
echo "metrics: sent $sent, flowfeat_packets_received_total $received, dropped by the kernel $kernel," \
  "flowfeat_flows_created_total $created"
[ "$received" -eq "$sent" ] || live_fail "$received packets received for $sent sent"
[ "$kernel" -eq 0 ] || live_fail "the kernel dropped $kernel packets"
[ "$created" -gt 0 ] || live_fail "no flow created"

echo "== podman stop: the drain ends every flow and writes it"
podman stop -t 90 "$name" >/dev/null || live_fail "podman stop failed"
code=$(podman inspect --format '{{.State.ExitCode}}' "$name")
podman logs "$name" >"$LIVE_DIR/container.log" 2>&1 || true
[ "$code" -eq 0 ] || live_fail "exit status $code after podman stop: $(tail -10 "$LIVE_DIR/container.log")"

data=$(podman volume inspect --format '{{.Mountpoint}}' "$volume")
mapfile -t files < <(find "$data" -maxdepth 1 -name 'flows-*.csv' | sort)
[ "${#files[@]}" -gt 0 ] || live_fail "no record file in the volume: $(ls -la "$data")"
header=$(head -1 "${files[0]}")
[[ "$header" == *src_ip*dst_ip*src_port*dst_port*protocol* ]] || live_fail "no CSV header in ${files[0]}: $header"
rows=$(cat "${files[@]}" | grep -vcxF "$header" || true)
[ "$rows" -gt 0 ] || live_fail "the record files hold no record"
[ -s "$data/standardizer.state" ] || live_fail "no standardizer state saved in the volume"
[ "$(stat -c %u "${files[0]}")" = "$uid" ] || live_fail "${files[0]} is not owned by flowfeat (uid $uid)"
echo "volume: ${#files[@]} record files, $rows records, standardizer.state"
python3 "$source_dir/tests/live/compare_records.py" "$LIVE_DIR/file" "$data" ||
  live_fail "the container's records differ from the host's reading the same capture"
echo "PASS ($(elapsed))"
