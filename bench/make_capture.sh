#!/usr/bin/env bash
# make_capture.sh OUT.pcap [COPIES]
#
# Builds the benchmark capture from the real captures of nfstream's test set (see bench/README.md):
# the distinct Ethernet captures, each shifted to start 0.25 s after the previous one and merged
# (base), then COPIES (default 10) copies of base with addresses remapped by `tcprewrite --seed=k`
# and shifted by k * 600 s, merged into OUT.pcap. Deterministic: same inputs, same output.
#
# Environment: FLOWFEAT_PCAP_DIR, the shared captures folder (default ../shared/pcaps from the
# repository root). Needs editcap, mergecap, capinfos (wireshark-common) and tcprewrite (tcpreplay).
set -euo pipefail

usage() {
  echo "usage: $0 OUT.pcap [COPIES]" >&2
  exit 2
}
[[ $# -ge 1 && $# -le 2 ]] || usage
out=$1
copies=${2:-10}
[[ $copies =~ ^[1-9][0-9]*$ ]] || { echo "COPIES must be a positive integer, not '$copies'" >&2; exit 2; }

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
pcap_dir=${FLOWFEAT_PCAP_DIR:-$repo_root/../shared/pcaps}
source_dir=$pcap_dir/nfstream/tests/pcaps
[[ -d $source_dir ]] || { echo "no captures at $source_dir (set FLOWFEAT_PCAP_DIR)" >&2; exit 1; }
source_dir=$(cd "$source_dir" && pwd)

for tool in capinfos editcap mergecap tcprewrite sha256sum; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done

out_dir=$(cd "$(dirname "$out")" && pwd) || { echo "no folder for $out" >&2; exit 1; }
out=$out_dir/$(basename "$out")
# A generated capture is hundreds of MB: keep it out of the tracked tree.
if git -C "$repo_root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  case $out_dir/ in
    "$repo_root"/*)
      if ! git -C "$repo_root" check-ignore -q "$out"; then
        echo "refusing to write $out inside the repository; write it outside (e.g. /tmp) or in a git-ignored folder" >&2
        exit 1
      fi
      ;;
  esac
fi

work=$(mktemp -d "$out_dir/.make_capture.XXXXXX")
trap 'rm -rf "$work"' EXIT
start_seconds=$SECONDS

# T0 is fixed so the output does not depend on the inputs' own dates.
t0_us=1700000000000000
spacing_us=250000

# Microseconds since the epoch from capinfos' "seconds.fraction" (6 or 9 fraction digits).
to_us() {
  local seconds=${1%%.*} fraction=
  [[ $1 == *.* ]] && fraction=${1#*.}
  fraction=${fraction}000000
  echo $((10#$seconds * 1000000 + 10#${fraction:0:6}))
}

# Signed seconds with six decimals, as editcap -t takes them.
to_seconds() {
  local us=$1 sign=
  if ((us < 0)); then
    sign=-
    us=$((-us))
  fi
  printf '%s%d.%06d' "$sign" $((us / 1000000)) $((us % 1000000))
}

echo "selecting Ethernet captures in $source_dir" >&2
declare -A seen
i=0
skipped=0
shifted=()
while IFS= read -r -d '' file; do
  # -T table, -E encapsulation, -c packets, -a start time, -S seconds since the epoch, -r no header.
  if ! info=$(capinfos -T -r -M -E -c -a -S "$file" 2>/dev/null); then
    skipped=$((skipped + 1))
    continue
  fi
  IFS=$'\t' read -r _ encapsulation packets start <<<"$info"
  if [[ $encapsulation != ether || ! $packets =~ ^[0-9]+$ || $packets -eq 0 || ! $start =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
    skipped=$((skipped + 1))
    continue
  fi
  digest=$(sha256sum <"$file")
  digest=${digest%% *}
  if [[ -n ${seen[$digest]:-} ]]; then
    skipped=$((skipped + 1))
    continue
  fi
  seen[$digest]=1
  offset_us=$((t0_us + i * spacing_us - $(to_us "$start")))
  shifted_file=$work/in-$(printf '%04d' "$i").pcap
  if ! editcap -F pcap -t "$(to_seconds "$offset_us")" "$file" "$shifted_file" 2>"$work/editcap.err"; then
    echo "skipping $file: $(head -n1 "$work/editcap.err")" >&2
    rm -f "$shifted_file"
    skipped=$((skipped + 1))
    continue
  fi
  shifted+=("$shifted_file")
  i=$((i + 1))
done < <(find "$source_dir" -maxdepth 1 -type f -print0 | LC_ALL=C sort -z)
((i > 0)) || { echo "no Ethernet capture found in $source_dir" >&2; exit 1; }
echo "base: $i captures ($skipped skipped: other link types, unreadable, empty, unusable start time or duplicate)" >&2

mergecap -F pcap -w "$work/base.pcap" "${shifted[@]}"
rm -f "${shifted[@]}"

copy_files=()
for ((k = 1; k <= copies; k++)); do
  echo "copy $k/$copies" >&2
  tcprewrite --seed="$k" --fixcsum --infile="$work/base.pcap" --outfile="$work/rewritten.pcap" \
    >/dev/null 2>"$work/tcprewrite.err" || { cat "$work/tcprewrite.err" >&2; exit 1; }
  editcap -F pcap -t $((k * 600)) "$work/rewritten.pcap" "$work/copy-$k.pcap"
  copy_files+=("$work/copy-$k.pcap")
done
rm -f "$work/rewritten.pcap"

mergecap -F pcap -w "$work/out.pcap" "${copy_files[@]}"
mv -f "$work/out.pcap" "$out"

echo "wrote $out in $((SECONDS - start_seconds)) s" >&2
packets=$(capinfos -T -r -M -c "$out" | cut -f2)
echo "packets=$packets"
