#!/usr/bin/env python3
"""Writes a pcap of FLOWS distinct flows that are all open at once: every flow's first packet comes in
the first half of SECONDS, its answer in the second half, in the same order, so no flow is idle for
more than SECONDS. Even flows are UDP (a small datagram each way), odd ones TCP (SYN, SYN-ACK).

usage: open_flows_pcap.py OUT.pcap [FLOWS (default 1000000)] [SECONDS (default 30)]
"""

import struct
import sys

START_S = 1_700_000_000
CLIENT_MAC = bytes.fromhex("020000000001")
SERVER_MAC = bytes.fromhex("020000000002")
SERVERS = 4096  # 172.16.x.y, so the fan window sees many pairs, not one per flow


def checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def frame(src: bytes, dst: bytes, protocol: int, transport: bytes, from_client: bool) -> bytes:
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(transport), 0, 0x4000, 64, protocol, 0, src, dst)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    macs = SERVER_MAC + CLIENT_MAC if from_client else CLIENT_MAC + SERVER_MAC
    return macs + b"\x08\x00" + header + transport


def packets_of(flow: int):
    """The flow's two frames: (client to server, server to client)."""
    client = struct.pack("!I", 0x0A000000 + flow)  # 10.0.0.0 + flow: every flow its own client
    server = struct.pack("!I", 0xAC100000 + 1 + flow % SERVERS)
    client_port = 1024 + flow % 60000
    server_port = 40000 + flow % 1000
    if flow % 2 == 0:
        payload = struct.pack("!I", flow) + b"flowfeat-open-flows"
        request = struct.pack("!HHHH", client_port, server_port, 8 + len(payload), 0) + payload
        answer = struct.pack("!HHHH", server_port, client_port, 8 + len(payload), 0) + payload
        return frame(client, server, 17, request, True), frame(server, client, 17, answer, False)
    syn = struct.pack("!HHIIBBHHH", client_port, server_port, flow, 0, 0x50, 0x02, 64240, 0, 0)
    syn_ack = struct.pack("!HHIIBBHHH", server_port, client_port, 7 * flow, flow + 1, 0x50, 0x12, 65160, 0, 0)
    return frame(client, server, 6, syn, True), frame(server, client, 6, syn_ack, False)


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    out = sys.argv[1]
    flows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 30.0
    half_us = int(seconds * 1e6 / 2)
    with open(out, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        answers = []
        for direction in (0, 1):
            for flow in range(flows):
                if direction == 0:
                    request, answer = packets_of(flow)
                    answers.append(answer)
                    data = request
                else:
                    data = answers[flow]
                t_us = direction * half_us + flow * half_us // flows
                f.write(struct.pack("<IIII", START_S + t_us // 1_000_000, t_us % 1_000_000, len(data), len(data)))
                f.write(data)
            if direction == 1:
                answers = []
    print(f"{out}: {flows} flows, {2 * flows} packets over {seconds:g} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
