"""Live capture from Python, as root: the loopback interface, two capture threads in a fanout group,
UDP sent by the test itself; stop() from another thread ends the run and delivers every flow."""

from __future__ import annotations

import os
import socket
import threading
import time

import pytest

import flowfeat

PORT = 45678


@pytest.fixture(scope="module")
def root():
    if os.geteuid() != 0:
        if os.environ.get("FLOWFEAT_REQUIRE_LIVE") == "1":
            pytest.fail("live capture needs root (FLOWFEAT_REQUIRE_LIVE=1)")
        pytest.skip("live capture needs root")


def test_live_capture_until_stopped(root):
    streamer = flowfeat.Streamer(interface="lo", capture_threads=2, capture__filter=f"udp and dst port {PORT}")
    batches = []
    reader = threading.Thread(target=lambda: batches.extend(streamer.batches()))
    reader.start()
    time.sleep(1.0)  # the sockets are open
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    senders = []
    for i in range(20):  # 20 flows of 5 packets each
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("127.0.0.1", 0))
        senders.append(s)
        for _ in range(5):
            s.sendto(b"x" * (10 + i), ("127.0.0.1", PORT))
    time.sleep(1.5)  # a partial batch goes out on a quiet link
    arrived_before_stop = sum(b.num_rows for b in batches)
    streamer.stop()
    reader.join(timeout=15)
    assert not reader.is_alive()
    for s in senders + [sender]:
        s.close()
    rows = [row for b in batches for row in b.to_pylist()]
    assert len(rows) == 20, rows
    assert all(r["bidirectional_packets"] == 5 and r["dst_port"] == PORT for r in rows)
    assert sorted(r["bidirectional_bytes"] for r in rows) == sorted(5 * (14 + 20 + 8 + 10 + i) for i in range(20))
    assert arrived_before_stop == 0, "the flows were open (idle 60 s) until stop() ended them"
    assert streamer.summary["packets_read"] >= 100
