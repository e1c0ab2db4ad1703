"""standardize.state_file: the Python front end reads and writes the daemon's state file, so runs one
after another continue the standardizer's statistics and the derived flags' quantiles."""

from __future__ import annotations

import subprocess

import pandas as pd

import flowfeat


def _captures(build_dir, folder, days):
    """Generated captures three days apart, as a sensor restarted between them would see them."""
    captures = []
    for day in range(days):
        capture = folder / f"day{day}.pcap"
        subprocess.run(
            [build_dir / "tools" / "flowfeat-gen", "--out", capture, "--truth", folder / f"day{day}.csv",
             "--seed", str(60 + day), "--flows", "700", "--duration", "60", "--start", str(1_700_000_000 + day * 259_200)],
            check=True,
            capture_output=True,
        )
        captures.append(capture)
    return captures


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    # Every value as text (floats in shortest round-trip form), so frames of different categories compare.
    return frame.reset_index(drop=True).astype(str)


def test_runs_sharing_the_state_file_give_the_records_of_one_stream(build_dir, tmp_path):
    captures = _captures(build_dir, tmp_path, 2)
    state = tmp_path / "state" / "flowfeat.state"
    one_stream = flowfeat.Streamer(captures).to_pandas()
    assert not state.exists()
    parts = [flowfeat.Streamer(capture, standardize__state_file=state).to_pandas() for capture in captures]
    text = state.read_text()
    assert "\nversion 2\n" in text and "\nquantiles records " in text and "\nquantile bidirectional_packets " in text
    together = pd.concat([_as_text(part) for part in parts], ignore_index=True)
    assert together.equals(_as_text(one_stream))
    flags = ["potential_broadcast_attack", "suspicious_port_protocol", "potential_scan", "potential_ddos",
             "potential_exfiltration"]
    assert one_stream[flags].to_numpy().any(), "the captures should raise quantile flags"
    # Without the state file the second run starts afresh and differs.
    alone = flowfeat.Streamer(captures[1]).to_pandas()
    assert not _as_text(alone).equals(_as_text(parts[1]))
