#!/usr/bin/env bash
# Checks the runtime packages of the Docker image (ARG RUNTIME_PACKAGES in the Dockerfile) without
# Docker: every name is a package apt knows, and those packages, their dependencies and the packages
# of every Debian image (priority required, essential) provide every library flowfeatd loads (ldd).
# Usage: check_runtime_packages.sh FLOWFEATD DOCKERFILE
set -euo pipefail
binary=$1
dockerfile=$2

for tool in dpkg dpkg-query apt-cache ldd; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed"; exit 77; }
done
fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# The ARG's value, one name a line (backslash-continued lines of the Dockerfile).
mapfile -t listed < <(sed -n '/^ARG RUNTIME_PACKAGES="/,/"$/p' "$dockerfile" |
  sed 's/^ARG RUNTIME_PACKAGES="//; s/["\\]//g' | tr -s ' \t' '\n' | sed '/^$/d')
[ "${#listed[@]}" -gt 0 ] || fail "no ARG RUNTIME_PACKAGES=\"...\" in $dockerfile"
echo "runtime packages: ${listed[*]}"

# Packages apt could install: a candidate version other than (none).
installable=$(apt-cache policy "${listed[@]}" 2>/dev/null |
  awk '/^[^ ].*:$/ { name = substr($0, 1, length($0) - 1) } $1 == "Candidate:" && $2 != "(none)" { print name }')
for package in "${listed[@]}"; do
  grep -qxF "$package" <<<"$installable" || fail "$package: no such package in the archive apt knows"
done

# closure PACKAGE...: the packages apt installs for these, dependencies included, one a line.
closure() {
  apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances "$@" | grep -v '^[ <]' | sed 's/:.*//'
}
declare -A with_list=() in_base_image=()
while read -r package; do with_list[$package]=1; done < <(closure "${listed[@]}")
# Every Debian image holds the required and essential packages (installed here as well).
mapfile -t base < <(dpkg-query -W -f='${Package} ${Priority} ${Essential}\n' | awk '$2 == "required" || $3 == "yes" { print $1 }')
while read -r package; do in_base_image[$package]=1; done < <(closure "${base[@]}")

# owner LIBRARY: the package that installed the file; /lib and /usr/lib are one folder on Debian 12.
owner() {
  local path candidates=("$1" "$(readlink -f "$1")")
  for path in "${candidates[@]}"; do
    candidates+=("${path/#\/usr\/lib\//\/lib\/}" "${path/#\/lib\//\/usr\/lib\/}")
  done
  for path in "${candidates[@]}"; do
    if found=$(dpkg -S "$path" 2>/dev/null); then
      found=${found%%: *}
      echo "${found%%[:,]*}"
      return 0
    fi
  done
  return 1
}

ldd_output=$(ldd "$binary") || fail "ldd $binary failed"
if grep -q "not found" <<<"$ldd_output"; then
  fail "libraries missing here: $(grep "not found" <<<"$ldd_output" | tr -s ' \t\n' ' ')"
fi
uncovered=0
while read -r library; do
  package=$(owner "$library") || fail "$library belongs to no Debian package"
  if [[ " ${listed[*]} " == *" $package "* ]]; then
    how="listed"
  elif [ -n "${with_list[$package]:-}" ]; then
    how="dependency of a listed package"
  elif [ -n "${in_base_image[$package]:-}" ]; then
    how="in every Debian image"
  else
    how="MISSING"
    uncovered=$((uncovered + 1))
  fi
  printf '%-55s %-28s %s\n' "$library" "$package" "$how"
done < <(awk '$2 == "=>" { print $3 }' <<<"$ldd_output" | sort -u)

[ "$uncovered" -eq 0 ] || fail "$uncovered libraries come from packages missing in RUNTIME_PACKAGES"
echo "OK: the runtime packages provide every library of $binary"
