#!/usr/bin/env bash
# Builds the container image (Dockerfile) with podman, without a registry: the base images debian:12
# and debian:12-slim are made here by debootstrap from the Debian mirror apt is configured with.
#
# Usage: scripts/container-image.sh [build] [--tag NAME] [--run-tests] [--no-layers] [--refresh]
#        scripts/container-image.sh configure | base [--refresh]
#   configure    writes podman's settings for this machine (see below) and nothing else
#   base         configure, then make localhost/debian:12 and localhost/debian:12-slim unless they exist
#   build        configure, base, then `podman build` the Dockerfile (the default)
#   --tag NAME   the image's name (default flowfeat)
#   --run-tests  run the test suite inside the build as well (--build-arg RUN_TESTS=1; slow)
#   --no-layers  keep no build cache (podman build --layers=false): only the image is left, not the
#                builder stage's layers (some 800 MB), at the cost of building every step again
#   --refresh    debootstrap the base images anew instead of reusing the cached root file system
#
# Root only (debootstrap, podman's system storage). Tools: podman, runc, debootstrap (Debian packages,
# scripts/install-deps.sh installs them).
#
# podman's settings, in /etc/containers/containers.conf.d/50-flowfeat.conf so that plain `podman`
# commands (the README's) use them too:
#   - runtime runc: crun refuses machines with hybrid cgroups (v1 controllers and the unified tree);
#   - default_ulimits nofile=20000 and nproc=32768: podman otherwise asks for 1048576 open files,
#     above the hard limit some machines (this project's CI among them) grant, and runc then fails
#     to start any container.
#
# The base images:
#   - debian:12 is `debootstrap --variant=minbase bookworm`: the packages of priority required and
#     apt (dpkg, bash, coreutils...), like the official image, with apt's sources for bookworm, bookworm-updates and
#     bookworm-security pointed at this machine's mirror, no downloaded packages or package lists
#     kept, and apt set up the way the official images set it (no .deb cache, no translations);
#   - debian:12-slim is the same system with the official slim variant's dpkg exclusions applied:
#     no documentation (copyright files kept), man pages, info pages or locales, now or later.
# The root file system is cached in ${XDG_CACHE_HOME:-~/.cache}/flowfeat/container (a second run
# imports it in seconds); --refresh makes it again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

command=build
tag=flowfeat
run_tests=0
layers=1
refresh=0
[ $# -gt 0 ] && case "$1" in configure | base | build) command=$1; shift ;; esac
while [ $# -gt 0 ]; do
  case "$1" in
    --tag) tag=$2; shift 2 ;;
    --run-tests) run_tests=1; shift ;;
    --no-layers) layers=0; shift ;;
    --refresh) refresh=1; shift ;;
    *) echo "usage: $0 [configure|base|build] [--tag NAME] [--run-tests] [--no-layers] [--refresh]" >&2; exit 2 ;;
  esac
done

say() { echo "container-image: $*"; }
die() {
  echo "container-image: error: $*" >&2
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and podman's system storage)"
for tool in podman runc debootstrap apt-get apt-config tar; do
  command -v "$tool" >/dev/null || die "$tool is not installed (scripts/install-deps.sh installs it)"
done

configure() {
  local dir=/etc/containers/containers.conf.d file
  file=$dir/50-flowfeat.conf
  local wanted
  wanted=$(
    cat <<'EOF'
# Written by flowfeat's scripts/container-image.sh: podman on machines with hybrid cgroups (crun
# refuses them) and a hard limit of 20000 open files (podman's default of 1048576 exceeds it).
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
EOF
  )
  if [ "$(cat "$file" 2>/dev/null)" != "$wanted" ]; then
    mkdir -p "$dir"
    printf '%s\n' "$wanted" >"$file"
    say "wrote $file (runtime runc, ulimits nofile=20000 nproc=32768)"
  fi
  local runtime
  runtime=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1) || die "podman does not work: $runtime"
  [ "$runtime" = runc ] || die "podman uses the runtime $runtime, not runc (is CONTAINERS_CONF set?)"
}

# The mirror and suites of Debian 12 apt uses here, as "URI SUITE" lines (main component).
debian_sources() {
  apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 'Component: main' |
    awk '$2 ~ /^bookworm(-updates|-security)?$/' | sort -u
}

# make_rootfs DIR: debootstrap, then what the official images do to the result.
make_rootfs() {
  local dir=$1 mirror sources
  sources=$(debian_sources)
  mirror=$(awk '$2 == "bookworm" { print $1; exit }' <<<"$sources")
  [ -n "$mirror" ] || die "apt knows no Debian 12 (bookworm) mirror here: see /etc/apt/sources.list(.d)"
  say "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$dir" "$mirror" >"$dir.debootstrap.log" 2>&1 ||
    die "debootstrap failed: $(tail -5 "$dir.debootstrap.log")"

  # apt's sources: one deb822 file, as in the official images, with this machine's mirrors.
  rm -f "$dir/etc/apt/sources.list"
  awk '{ suites[$1] = suites[$1] (suites[$1] == "" ? "" : " ") $2 }
       END { for (uri in suites) {
               printf "Types: deb\nURIs: %s\nSuites: %s\nComponents: main\n", uri, suites[uri]
               printf "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n" } }' \
    <<<"$sources" >"$dir/etc/apt/sources.list.d/debian.sources"
  # The settings this machine's apt needs to use that mirror (a proxy, a snapshot's expired dates).
  apt-config dump | grep -E '^Acquire::(Check-Valid-Until|Check-Date|https?::Proxy) ' \
    >"$dir/etc/apt/apt.conf.d/90host-mirror" || rm -f "$dir/etc/apt/apt.conf.d/90host-mirror"
  # apt as in the official images: no .deb cache after installs, no translations, compressed lists,
  # suggestions never kept; services never started by package scripts.
  cat >"$dir/etc/apt/apt.conf.d/docker-clean" <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::Languages "none";' >"$dir/etc/apt/apt.conf.d/docker-no-languages"
  echo 'Acquire::GzipIndexes "true";' >"$dir/etc/apt/apt.conf.d/docker-gzip-indexes"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$dir/etc/apt/apt.conf.d/docker-autoremove-suggests"
  printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d"
  chmod 755 "$dir/usr/sbin/policy-rc.d"

  # Nothing of this machine or of the download: podman provides resolv.conf, hosts and hostname.
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/cache/apt/*.bin "$dir"/var/lib/apt/lists/* \
    "$dir"/var/log/bootstrap.log "$dir"/tmp/* "$dir"/var/tmp/*
  mkdir -p "$dir/var/lib/apt/lists/partial"
  : >"$dir/etc/resolv.conf"
  : >"$dir/etc/hostname"
  [ ! -e "$dir/etc/machine-id" ] || : >"$dir/etc/machine-id"
}

# slim DIR: the official slim variant's exclusions, for later installs and for what is there.
slim() {
  local dir=$1
  cat >"$dir/etc/dpkg/dpkg.cfg.d/docker" <<'EOF'
# The "slim" variant: files a container rarely needs are excluded, now and in later installs.
path-exclude /usr/share/doc/*
# Copyright files are kept, for legal reasons.
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/linda/*
path-exclude /usr/share/lintian/overrides/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/man/*
EOF
  find "$dir/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
  find "$dir/usr/share/doc" -mindepth 1 -depth -type d -empty -delete
  local sub
  for sub in groff info linda lintian/overrides locale man; do
    [ ! -d "$dir/usr/share/$sub" ] || find "$dir/usr/share/$sub" -mindepth 1 -delete
  done
}

image_exists() { podman image exists "localhost/$1"; }

# import TARBALL NAME: the root file system as an image, with the official images' CMD.
import() {
  podman import --quiet --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --message "debootstrap --variant=minbase bookworm (flowfeat scripts/container-image.sh)" \
    "$1" "localhost/$2" >/dev/null || die "podman import $1 failed"
  say "made localhost/$2 from $1"
}

base() {
  if [ "$refresh" -eq 0 ] && image_exists debian:12 && image_exists debian:12-slim; then
    say "base images localhost/debian:12 and localhost/debian:12-slim exist"
    return 0
  fi
  local cache=${XDG_CACHE_HOME:-$HOME/.cache}/flowfeat/container
  mkdir -p "$cache"
  if [ "$refresh" -eq 1 ] || [ ! -s "$cache/debian-12.tar" ] || [ ! -s "$cache/debian-12-slim.tar" ]; then
    local work
    work=$(mktemp -d "$cache/rootfs.XXXXXX")
    # shellcheck disable=SC2064
    trap "rm -rf '$work'" EXIT
    make_rootfs "$work/rootfs"
    tar -C "$work/rootfs" --numeric-owner --xattrs -cf "$work/debian-12.tar" .
    slim "$work/rootfs"
    tar -C "$work/rootfs" --numeric-owner --xattrs -cf "$work/debian-12-slim.tar" .
    mv "$work/debian-12.tar" "$work/debian-12-slim.tar" "$cache/"
    rm -rf "$work"
    trap - EXIT
    say "cached the root file systems in $cache"
  fi
  import "$cache/debian-12.tar" debian:12
  import "$cache/debian-12-slim.tar" debian:12-slim
}

build() {
  # --pull=never: FROM debian:12 is the local image, never a registry's. --network=host: apt in the
  # build reaches the mirror the way this machine does (no bridge or DNS of podman's own needed).
  local args=(--pull=never --network=host --tag "$tag" --file "$root/Dockerfile")
  [ "$run_tests" -eq 0 ] || args+=(--build-arg RUN_TESTS=1)
  [ "$layers" -eq 1 ] || args+=(--layers=false)
  say "podman build ${args[*]} $root"
  podman build "${args[@]}" "$root" || die "podman build failed"
  say "built $tag: $(podman image inspect --format '{{.Id}} {{.Size}} bytes' "$tag")"
}

configure
[ "$command" = configure ] && exit 0
base
[ "$command" = base ] && exit 0
build
