#!/usr/bin/env python3
"""Holds idle and slow-header connections open to an HTTP endpoint for a while, reopening each one
the server closes, and sends it malformed requests; then prints what it saw as JSON.

Each idle connection sends nothing; each slow one sends a request line (with --tls, the start of a
TLS handshake record) and then one byte every --trickle seconds, never finishing. The malformed
requests go over TLS with --tls (trusting --cafile), so they reach the HTTP parser. Connections come from loopback addresses 127.0.1.1 ...
(all of 127/8 is loopback on Linux), --per-address of them each. Loopback only, bounded in
connections and time.

Usage: hold_connections.py PORT --idle N --slow N --seconds S [--per-address N] [--trickle S]
                           [--tls --cafile CA.crt]
       hold_connections.py PORT --flood-from ADDRESS --count N     (one address opening N at once)
"""
import argparse
import json
import random
import resource
import selectors
import socket
import ssl
import threading
import time

lock = threading.Lock()

MALFORMED = [
    b"GET /metrics\x00\x00\x00 HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /metrics HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(5000)) + b"\r\n",
    b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\nabc",
    b"GET /../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /metrics/../metrics/.. HTTP/1.0\r\n\r\n",
    b"\x00" * 4096,
    b"GET / HTTP/9.9\r\n\r\n",
]


def connect(port, source):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind((source, 0))
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    return s


def send_malformed(port, end, sent, cafile, seed):
    """Until end, the malformed requests and a little random junk every second, from an address of
    their own, each on a connection of its own."""
    rng = random.Random(seed)
    context = ssl.create_default_context(cafile=cafile) if cafile else None
    while time.monotonic() < end:
        started = time.monotonic()
        for request in MALFORMED + [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 2000)))]:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=3, source_address=("127.0.2.1", 0)) as m:
                    if context:
                        m = context.wrap_socket(m, server_hostname="127.0.0.1")
                    m.sendall(request)
                    while m.recv(65536):
                        pass
            except OSError:
                pass
            with lock:
                sent[0] += 1
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


def hold(args):
    wanted = args.idle + args.slow
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, wanted + 256)), hard))
    addresses = [f"127.0.1.{1 + i}" for i in range((wanted + args.per_address - 1) // args.per_address)]
    selector = selectors.DefaultSelector()
    kinds = ["idle"] * args.idle + ["slow"] * args.slow
    lifetimes = {"idle": [], "slow": []}
    opened = 0
    held_samples = []
    conns = {}  # slot -> (socket, opened at, next trickle)

    def open_slot(slot):
        nonlocal opened
        s = connect(args.port, addresses[slot % len(addresses)])
        now = time.monotonic()
        conns[slot] = (s, now, now)
        selector.register(s, selectors.EVENT_READ, slot)
        opened += 1
        if kinds[slot] == "slow":
            try:
                s.send(b"\x16\x03\x01\x02\x00" if args.tls else b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            except OSError:
                pass

    for slot in range(wanted):
        open_slot(slot)
    end = time.monotonic() + args.seconds
    malformed_sent = [0]
    # Four senders: a request the server waits on (incomplete, junk) holds its sender until cut.
    senders = [threading.Thread(target=send_malformed, args=(args.port, end, malformed_sent, args.cafile, seed))
               for seed in range(4)]
    for sender in senders:
        sender.start()
    next_sample = time.monotonic() + 1
    while time.monotonic() < end:
        for key, _ in selector.select(timeout=0.05):
            slot = key.data
            s, since, _ = conns[slot]
            try:
                data = s.recv(65536)
            except OSError:
                data = b""
            if data:
                continue  # an answer (408, 400...): the close follows
            lifetimes[kinds[slot]].append(time.monotonic() - since)
            selector.unregister(s)
            s.close()
            open_slot(slot)
        now = time.monotonic()
        for slot, (s, since, next_byte) in list(conns.items()):
            if kinds[slot] == "slow" and now >= next_byte:
                try:
                    s.send(b"a")
                except OSError:
                    pass
                conns[slot] = (s, since, now + args.trickle)
        if now >= next_sample:
            held_samples.append(len(conns))
            next_sample = now + 1
    for s, _, _ in conns.values():
        s.close()
    for sender in senders:
        sender.join()
    print(json.dumps({
        "held": wanted, "opened": opened, "malformed_sent": malformed_sent[0], "min_held": min(held_samples, default=0),
        "closed_idle": len(lifetimes["idle"]), "closed_slow": len(lifetimes["slow"]),
        "max_lifetime_idle": max(lifetimes["idle"], default=0.0),
        "max_lifetime_slow": max(lifetimes["slow"], default=0.0),
        "min_lifetime_idle": min(lifetimes["idle"], default=0.0),
        "min_lifetime_slow": min(lifetimes["slow"], default=0.0),
    }))


def flood(args):
    sockets = [connect(args.port, args.flood_from) for _ in range(args.count)]
    time.sleep(1.0)
    still_open = 0
    for s in sockets:
        try:
            still_open += 0 if s.recv(1) == b"" else 1
        except BlockingIOError:
            still_open += 1  # nothing to read and not closed
        except OSError:
            pass
        s.close()
    print(json.dumps({"opened": args.count, "still_open": still_open}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("port", type=int)
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--slow", type=int, default=0)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--per-address", type=int, default=10)
    parser.add_argument("--trickle", type=float, default=0.5)
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--cafile")
    parser.add_argument("--flood-from")
    parser.add_argument("--count", type=int, default=0)
    args = parser.parse_args()
    if args.idle + args.slow > 2000 or args.count > 2000 or args.seconds > 600:
        parser.error("bounded: at most 2000 connections for at most 600 s")
    flood(args) if args.flood_from else hold(args)


if __name__ == "__main__":
    main()
