# flowfeatd as a container sensor. Built and run in CI by tests/container/image_test.sh (ctest -L docker),
# with podman and base images made locally by scripts/container-image.sh (see the README's Docker section):
#   scripts/container-image.sh build --tag flowfeat
#   podman run -d --name flowfeat --network=host --cap-drop ALL --cap-add NET_RAW --stop-timeout 90 \
#     -v flowfeat:/var/lib/flowfeat flowfeat --interface eth0
# With Docker, the same: docker build -t flowfeat . and docker run with the options above.

FROM debian:12 AS builder
# The test suite is not run here by default: CI runs it on the host (scripts/test.sh, .ci/run), the
# build and run of this image being one of its tests. RUN_TESTS=1 (--build-arg) runs it here too,
# with every test dependency installed; tests needing more than a build container allows (network
# namespaces, root) skip themselves.
ARG RUN_TESTS=0
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN if [ "$RUN_TESTS" = 1 ]; then scripts/install-deps.sh; else scripts/install-deps.sh --build-only; fi
COPY . .
RUN if [ "$RUN_TESTS" = 1 ]; then scripts/test.sh --no-install; fi
# What the image ships only: flowfeatd (and tools/, which cmake --install needs), a release build
# without the tests and benchmarks.
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=Release -DFLOWFEAT_BUILD_TESTS=OFF -DFLOWFEAT_BUILD_BENCH=OFF \
        -DFLOWFEAT_BUILD_FUZZERS=OFF >/dev/null \
    && cmake --build /build -j"$(nproc)" \
    && DESTDIR=/staging cmake --install /build --prefix /usr --strip >/dev/null

FROM debian:12-slim
# Runtime libraries of flowfeatd. tests/systemd/check_runtime_packages.sh reads this list and checks
# that it provides every library the binary loads.
ARG RUNTIME_PACKAGES="\
    libabsl20220623 \
    libcap2 \
    libcrypt1 \
    libfmt9 \
    libgnutls30 \
    libmicrohttpd12 \
    libndpi4.2 \
    libpcap0.8 \
    libprometheus-cpp-core1.0 \
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
