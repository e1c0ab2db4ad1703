# The known traffic of the exact live tests (sourced after lib.sh): trafgen sends its packets round
# robin and its counters (dinc) start afresh in every burst, so each burst holds every flow the
# same number of times:
#   500 UDP/IPv4 flows     10.11.0.1:20000-20499 <-> 10.12.0.1:5353   2 x 128 bytes out, 2 x 300 back
#   250 TCP/IPv4 flows     10.11.0.2:30000-30249 <-> 10.12.0.2:443    4 x 1514 bytes out, 4 x 60 back
#   100 UDP/IPv6 flows     2001:db8:11::1:40000-40099 -> 2001:db8:12::1:5004   10 x 200 bytes
PATTERN_BURST_FRAMES=5000

# pattern_write FILE: the trafgen configuration of the pattern.
pattern_write() {
  local eth='eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01)'
  cat >"$1" <<CFG
{ $eth, ipv4(sa=10.11.0.1, da=10.12.0.1, ttl=64), udp(sp=dinc(20000, 20499), dp=5353), fill(0x61, 86) }
{ $eth, ipv4(sa=10.12.0.1, da=10.11.0.1, ttl=64), udp(sp=5353, dp=dinc(20000, 20499)), fill(0x62, 258) }
{ $eth, ipv4(sa=10.11.0.2, da=10.12.0.2, ttl=64, df), tcp(sp=dinc(30000, 30249), dp=443, ack, psh, win=512), fill(0x17, 1460) }
{ $eth, ipv4(sa=10.12.0.2, da=10.11.0.2, ttl=64, df), tcp(sp=443, dp=dinc(30000, 30249), ack, win=512), fill(0x00, 6) }
{ eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01, type=0x86dd), ipv6(sa=2001:db8:11::1, da=2001:db8:12::1, hl=64), udp(sp=dinc(40000, 40099), dp=5004), fill(0x80, 138) }
CFG
}

# pattern_send CONFIG BURSTS [PAUSE]: sends BURSTS bursts of the pattern into ffsend, PAUSE seconds
# apart (default 0.03); prints the frames trafgen sent.
pattern_send() {
  local config=$1 bursts=$2 pause=${3:-0.03} burst out sent=0
  for ((burst = 0; burst < bursts; burst++)); do
    out=$(live_in trafgen -i "$config" -o ffsend -n "$PATTERN_BURST_FRAMES" -P 1 --no-sock-mem -Q -C 2>&1 | tr -d '\r') ||
      live_fail "trafgen failed: $out"
    sent=$((sent + $(awk '/packets outgoing/ { print $1 }' <<<"$out")))
    sleep "$pause"
  done
  echo "$sent"
}

# pattern_check DIR BURSTS: the records in DIR are exactly the pattern's 850 flows, each with the
# packet and byte counts of BURSTS bursts.
pattern_check() {
  python3 - "$1" "$2" <<'PYTHON'
import csv
import glob
import os
import sys

directory, bursts = sys.argv[1], int(sys.argv[2])
rows = []
for path in sorted(glob.glob(os.path.join(directory, "flows-*.csv"))):
    with open(path, newline="") as f:
        rows.extend(csv.DictReader(f))

# (client, client port, server, server port, protocol) -> (packets out, bytes out, packets back, bytes back)
expected = {}
for port in range(20000, 20500):
    expected[("10.11.0.1", port, "10.12.0.1", 5353, 17)] = (2 * bursts, 2 * bursts * 128, 2 * bursts, 2 * bursts * 300)
for port in range(30000, 30250):
    expected[("10.11.0.2", port, "10.12.0.2", 443, 6)] = (4 * bursts, 4 * bursts * 1514, 4 * bursts, 4 * bursts * 60)
for port in range(40000, 40100):
    expected[("2001:db8:11::1", port, "2001:db8:12::1", 5004, 17)] = (10 * bursts, 10 * bursts * 200, 0, 0)

seen = {}
problems = []
for r in rows:
    key = (r["src_ip"], int(r["src_port"]), r["dst_ip"], int(r["dst_port"]), int(r["protocol"]))
    got = (int(r["src2dst_packets"]), int(r["src2dst_bytes"]), int(r["dst2src_packets"]), int(r["dst2src_bytes"]))
    if key in seen:
        problems.append(f"flow {key} has more than one record")
    seen[key] = got
    if key not in expected:
        problems.append(f"unexpected flow {key} {got}")
    elif got != expected[key]:
        problems.append(f"flow {key}: (packets, bytes) out and back {got}, expected {expected[key]}")
    elif int(r["bidirectional_packets"]) != got[0] + got[2] or int(r["bidirectional_bytes"]) != got[1] + got[3]:
        problems.append(f"flow {key}: bidirectional counts are not the sum of both directions")
for key in expected.keys() - seen.keys():
    problems.append(f"flow {key} has no record")
for p in problems[:20]:
    print(p)
print(f"{len(rows)} records, {len(expected)} flows sent: " + (f"{len(problems)} problems" if problems else "exactly as sent"))
sys.exit(1 if problems else 0)
PYTHON
}

# records_packets DIR: the sum of bidirectional_packets over the records in DIR.
records_packets() {
  python3 - "$1" <<'PYTHON'
import csv
import glob
import os
import sys

total = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "flows-*.csv"))):
    with open(path, newline="") as f:
        total += sum(int(r["bidirectional_packets"]) for r in csv.DictReader(f))
print(total)
PYTHON
}
