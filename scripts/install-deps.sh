#!/usr/bin/env bash
# Installs everything flowfeat needs to build, test and benchmark, from Debian 12 packages only.
# Usage: scripts/install-deps.sh [--runtime-only]
set -euo pipefail

build_pkgs=(
  build-essential cmake pkg-config git ca-certificates
  libpcap-dev libtbb-dev libspdlog-dev libfmt-dev libyaml-cpp-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libabsl-dev libndpi-dev libboost-dev libsystemd-dev libcap-dev zlib1g-dev
  librdkafka-dev nlohmann-json3-dev
  clang libclang-rt-14-dev
)
# The Kafka tests run a real broker: Apache Kafka from Maven Central (scripts/kafka-start.sh) on Java 17.
# The Python package builds against Python's headers in a virtual environment (PyPI for the rest).
tool_pkgs=(tshark tcpreplay wireshark-common python3 python3-dev python3-venv python3-pip curl iproute2 prometheus systemd
  systemd-container
  kcat maven openjdk-17-jre-headless)

export DEBIAN_FRONTEND=noninteractive
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)

"${sudo_cmd[@]}" apt-get update -qq
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${sudo_cmd[@]}" debconf-set-selections
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${build_pkgs[@]}" "${tool_pkgs[@]}" >/dev/null
