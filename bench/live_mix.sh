#!/usr/bin/env bash
# live_mix.sh [imix|small]
#
# Prints a trafgen(8) configuration of a steady traffic mix for the live benchmarks (live_ceiling.sh,
# soak.sh). Send it with `trafgen --rand`: every frame is one of the 200 packets below, picked at
# random (the copies of a packet are its weight), and the client side of every frame (address, port)
# is drawn at random (drnd) from its family's range, the same range in both directions: each frame
# goes to a random flow of a fixed population, in either direction, interleaved as on a busy link,
# and the population is stationary. Per 200 frames, on average:
#
#   family           frames   frame bytes (imix)          flows
#   web, TCP 443     59 up      60, 50 down 1514           251 clients x 128 ports = 32128
#   QUIC, UDP 443    20 up      92, 20 down 1292           127 clients x 97 ports  = 12319
#   RTP, UDP/IPv6    20 one-way 646                         53 hosts x 67 ports    =  3551
#   DNS, UDP 53      15 queries 82, 15 answers 180          31 clients x 509 ports = 15779
#   new flows, TCP    1 SYN     60 from a random address of 10.7/16 and port: 0.5 % of the frames
#                               start a flow that is never seen again and ends idle
#
# 63 777 flows that stay open plus R/200 new ones a second at R frames a second; imix averages 619
# bytes a frame (48 % of the frames 92 bytes or less, 35 % 1 292 or more); small sends every frame at
# 60 bytes (62 for IPv6, its headers alone) over the same flows, for the per-packet costs. At 1 M
# frames/s a web flow sees 16 frames a second. Several trafgen processes (--cpus) each send their
# own random sequence over the same flows.
set -euo pipefail
kind=${1:-imix}
case $kind in
  imix | small) ;;
  *) echo "usage: live_mix.sh [imix|small]" >&2; exit 2 ;;
esac

# pad HEADER_BYTES FRAME_BYTES: the payload that makes the frame FRAME_BYTES long (imix) or 60 (small),
# none when the headers are longer.
pad() {
  local headers=$1 frame=$2
  [ "$kind" = small ] && frame=60
  echo $((frame > headers ? frame - headers : 0))
}

eth='eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01)'
eth6='eth(da=02:00:00:00:00:02, sa=02:00:00:00:00:01, type=0x86dd)'
# Headers: Ethernet 14, IPv4 20, IPv6 40, TCP 20, UDP 8.
web_down="{ $eth, ipv4(sa=10.2.0.10, da=10.1.0.0, da[3]=drnd(1, 251), ttl=64, df), tcp(sp=443, dp=drnd(32768, 32895), ack, psh, win=501), fill(0x17, $(pad 54 1514)) }"
web_up="{ $eth, ipv4(sa=10.1.0.0, sa[3]=drnd(1, 251), da=10.2.0.10, ttl=64, df), tcp(sp=drnd(32768, 32895), dp=443, ack, win=4096), fill(0x00, $(pad 54 60)) }"
dns_query="{ $eth, ipv4(sa=10.3.0.0, sa[3]=drnd(1, 31), da=10.4.0.53, ttl=64), udp(sp=drnd(40000, 40508), dp=53), fill(0x61, $(pad 42 82)) }"
dns_answer="{ $eth, ipv4(sa=10.4.0.53, da=10.3.0.0, da[3]=drnd(1, 31), ttl=64), udp(sp=53, dp=drnd(40000, 40508)), fill(0x62, $(pad 42 180)) }"
quic_down="{ $eth, ipv4(sa=10.6.0.1, da=10.5.0.0, da[3]=drnd(1, 127), ttl=64), udp(sp=443, dp=drnd(50000, 50096)), fill(0x40, $(pad 42 1292)) }"
quic_up="{ $eth, ipv4(sa=10.5.0.0, sa[3]=drnd(1, 127), da=10.6.0.1, ttl=64), udp(sp=drnd(50000, 50096), dp=443), fill(0x41, $(pad 42 92)) }"
rtp="{ $eth6, ipv6(sa=2001:db8:1::, sa[15]=drnd(1, 53), da=2001:db8:2::1, hl=64), udp(sp=drnd(60000, 60066), dp=5004), fill(0x80, $(pad 62 646)) }"
syn="{ $eth, ipv4(sa=10.7.0.0, sa[2:2]=drnd(), da=10.8.0.1, ttl=64), tcp(sp=drnd(1024, 65535), dp=80, syn, win=64240), fill(0x00, $(pad 54 60)) }"

# repeat N PACKET: N copies (each has its own counters, all in step).
repeat() {
  local i
  for ((i = 0; i < $1; i++)); do echo "$2"; done
}

echo "# flowfeat live benchmark mix ($kind), from bench/live_mix.sh: 200 packets, send with trafgen --rand"
repeat 59 "$web_up"
repeat 50 "$web_down"
repeat 20 "$quic_up"
repeat 20 "$quic_down"
repeat 20 "$rtp"
repeat 15 "$dns_query"
repeat 15 "$dns_answer"
echo "$syn"
