#!/usr/bin/env python3
"""Writes a capture of waves: FLOWS UDP flows that all start within the first SPREAD seconds and
each send one 60-byte frame every INTERVAL seconds for DURATION seconds, in time order. With the
default active timeout (120 s) every flow ends and starts again at about the same moment every
120 s: the active-timeout waves of a sensor started on a busy link.

usage: wave_capture.py OUT.pcap [--flows N] [--interval S] [--duration S] [--spread S]
"""
import argparse
import struct

START = 1_700_000_000  # 2023-11-14 22:13:20 UTC, as the other generated captures


def frame(index):
    """An Ethernet/IPv4/UDP frame of flow `index`: 10.(64 + index / 65536).x.y:port -> 10.200.0.1:9000."""
    src = bytes([10, 64 + (index >> 16), (index >> 8) & 0xFF, index & 0xFF])
    dst = bytes([10, 200, 0, 1])
    payload = b"w" * 18
    udp = struct.pack("!HHHH", 1024 + index % 60000, 9000, 8 + len(payload), 0) + payload
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, src, dst)
    checksum = sum(struct.unpack("!10H", header))
    checksum = (checksum & 0xFFFF) + (checksum >> 16)
    checksum = ~((checksum & 0xFFFF) + (checksum >> 16)) & 0xFFFF
    header = header[:10] + struct.pack("!H", checksum) + header[12:]
    return b"\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00" + header + udp


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--flows", type=int, default=100_000)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--duration", type=float, default=400.0)
    parser.add_argument("--spread", type=float, default=2.0)
    args = parser.parse_args()
    frames = [frame(i) for i in range(args.flows)]
    rounds = int(args.duration / args.interval)
    with open(args.out, "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for r in range(rounds):
            base = r * args.interval
            for i, data in enumerate(frames):
                # Round r of flow i: spread over the round as the first round spreads the starts.
                t = base + (i / args.flows) * min(args.spread, args.interval)
                micros = round(t * 1e6)
                out.write(struct.pack("<IIII", START + micros // 1_000_000, micros % 1_000_000, len(data), len(data)))
                out.write(data)
    print(f"packets={rounds * args.flows} flows={args.flows}")


if __name__ == "__main__":
    main()
