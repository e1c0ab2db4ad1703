"""Ctrl-C ends a run as SIGTERM ends the daemon's: reading stops, every open flow is ended and its
record delivered, and the caller gets the records (with a warning) instead of an exception."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

SCRIPT = """
import sys, warnings
import flowfeat
import pyarrow as pa
s = flowfeat.Streamer(sys.argv[1], replay_speed=1)  # the recorded pace: a minute of traffic
print("started", flush=True)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    if sys.argv[2] == "to_pandas":
        t = s.to_pandas()
        first, last = t["bidirectional_first_seen_ms"].min(), t["bidirectional_last_seen_ms"].max()
    elif sys.argv[2] == "iterate":
        t = list(s)
        first, last = min(r.bidirectional_first_seen_ms for r in t), max(r.bidirectional_last_seen_ms for r in t)
    else:  # pyarrow reading the C stream itself
        t = pa.table(s)
        first, last = min(t["bidirectional_first_seen_ms"].to_pylist()), max(t["bidirectional_last_seen_ms"].to_pylist())
warned = any("interrupted" in str(w.message) for w in caught)
print(len(t), last - first, warned, flush=True)
"""


@pytest.mark.parametrize("reader", ["to_pandas", "iterate", "arrow_stream"])
def test_ctrl_c_delivers_the_open_flows(generated, reader):
    capture, _ = generated
    child = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(capture), reader], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert child.stdout.readline().strip() == "started"
    time.sleep(3)
    started = time.monotonic()
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert time.monotonic() - started < 10, "the run stopped at once, not at the end of the capture"
    records, span_ms, warned = out.split()
    # Flows are open for the whole minute (idle timeout 60 s): every record came from a flow that
    # Ctrl-C ended, within the seconds replayed so far.
    assert int(records) > 50
    assert int(span_ms) < 15_000
    assert warned == ("True" if reader != "arrow_stream" else "False")
