#!/usr/bin/env bash
# Installs everything flowfeat needs to build, test and benchmark, from Debian 12 packages only.
# Usage: scripts/install-deps.sh [--build-only]
#   --build-only  only what compiling flowfeatd and its tools needs (the container image's builder
#                 stage): no test frameworks, clang, capture tools, podman or benchmark peers.
set -euo pipefail

build_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --build-only) build_only=1; shift ;;
    *) echo "usage: $0 [--build-only]" >&2; exit 2 ;;
  esac
done

# Compiling flowfeatd and tools/ (tests and benchmarks off).
compile_pkgs=(
  build-essential cmake pkg-config
  libpcap-dev libtbb-dev libspdlog-dev libfmt-dev libyaml-cpp-dev prometheus-cpp-dev
  libabsl-dev libndpi-dev libboost-dev libsystemd-dev libcap-dev zlib1g-dev
  librdkafka-dev nlohmann-json3-dev
  # The metrics endpoint: libmicrohttpd, its TLS by GnuTLS, password hashes by libxcrypt.
  libmicrohttpd-dev libgnutls28-dev libcrypt-dev
)
build_pkgs=(
  "${compile_pkgs[@]}" git ca-certificates
  libgtest-dev libgmock-dev
  clang libclang-rt-14-dev
)
# The Kafka tests run a real broker: Apache Kafka from Maven Central (scripts/kafka-start.sh) on Java 17.
# The Python package builds against Python's headers in a virtual environment (PyPI for the rest).
# openssl makes the test CA and certificates of the metrics endpoint's TLS test.
tool_pkgs=(tshark tcpreplay wireshark-common python3 python3-dev python3-venv python3-pip curl iproute2 prometheus systemd
  openssl
  systemd-container
  kcat maven openjdk-17-jre-headless
  # The container image is built and run with podman (runc: crun refuses hybrid cgroups) from
  # base images made by debootstrap; trafgen (netsniff-ng) sends at the live ceiling.
  podman runc debootstrap slirp4netns fuse-overlayfs netsniff-ng
  # Benchmarks: peers measured beside flowfeatd, timing, profiles and plots.
  softflowd argus-server argus-client libndpi-bin time linux-perf valgrind gnuplot-nox)

export DEBIAN_FRONTEND=noninteractive
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

"${sudo_cmd[@]}" apt-get update -qq
if [ "$build_only" -eq 1 ]; then
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${compile_pkgs[@]}" >/dev/null
  exit 0
fi
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo_cmd[@]}" debconf-set-selections
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${build_pkgs[@]}" "${tool_pkgs[@]}" >/dev/null
