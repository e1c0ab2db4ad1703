# flowfeatd as a container sensor, built and tested by the same scripts as CI.
#   docker build -t flowfeat .
#   docker run -d --name flowfeat --network host --cap-drop ALL --cap-add NET_RAW --stop-timeout 90 \
#     -v flowfeat:/var/lib/flowfeat flowfeat --interface eth0

FROM debian:12 AS builder
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN scripts/install-deps.sh
COPY . .
# Tests that need more than a build container allows (network namespaces) skip themselves.
RUN scripts/test.sh --no-install
RUN DESTDIR=/staging cmake --install build --prefix /usr --strip

FROM debian:12-slim
# Runtime libraries of flowfeatd. tests/systemd/check_runtime_packages.sh reads this list and checks
# that it provides every library the binary loads.
ARG RUNTIME_PACKAGES="\
    libabsl20220623 \
    libcap2 \
    libfmt9 \
    libndpi4.2 \
    libpcap0.8 \
    libprometheus-cpp-core1.0 \
    libprometheus-cpp-pull1.0 \
    librdkafka1 \
    libspdlog1.10 \
    libsystemd0 \
    libtbb12 \
    libyaml-cpp0.7 \
    zlib1g"
COPY --from=builder /staging/usr/bin/flowfeatd /usr/bin/flowfeatd
COPY --from=builder /staging/etc/flowfeat/ /etc/flowfeat/
COPY --from=builder /staging/usr/share/doc/flowfeat/ /usr/share/doc/flowfeat/
# Docker gives added capabilities to root only; the unprivileged user gets CAP_NET_RAW from the file
# (flowfeatd drops it once the capture is open). libcap2-bin is needed for setcap alone.
RUN apt-get update \
    && apt-get install -y --no-install-recommends $RUNTIME_PACKAGES libcap2-bin \
    && setcap cap_net_raw+ep /usr/bin/flowfeatd \
    && apt-get purge -y --auto-remove libcap2-bin \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --home-dir /var/lib/flowfeat --shell /usr/sbin/nologin flowfeat \
    && install -d -o flowfeat -g flowfeat -m 0700 /var/lib/flowfeat

USER flowfeat
# Record files and the standardizer state (standardizer.state, the default beside the records).
VOLUME /var/lib/flowfeat
# The metrics endpoint listens on 127.0.0.1 unless started with --metrics-listen 0.0.0.0:9877.
EXPOSE 9877
ENTRYPOINT ["/usr/bin/flowfeatd", "--config", "/etc/flowfeat/flowfeat.yaml", \
            "--output", "/var/lib/flowfeat", "--progress", "never"]
