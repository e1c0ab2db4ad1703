"""to_pandas() equals the daemon's CSV of the same input read with pandas: column for column, value
for value, floats bit for bit. The package is a front end over the daemon's library, so any
difference is a bug in how records cross into Python."""

from __future__ import annotations

import pytest

import flowfeat
from conftest import assert_same_records, run_daemon


@pytest.mark.parametrize("columns", ["all", "flow"])
def test_generated_traffic_with_labels(daemon, generated, tmp_path, columns):
    capture, truth = generated
    config = f"labels:\n  file: {truth}\noutput:\n  columns: {columns}\n"
    (tmp_path / "python.yaml").write_text(config)
    streamer = flowfeat.Streamer(capture, config=tmp_path / "python.yaml")
    assert "label" in streamer.schema.names and "attack_cat" in streamer.schema.names
    actual = streamer.to_pandas()
    expected = run_daemon(daemon, tmp_path, [capture], streamer.schema, config)
    assert len(actual) > 1000
    assert actual["label"].sum() > 0, "the ground truth labels some flows as attacks"
    assert_same_records(expected, actual, streamer.schema)


def test_keywords_and_file_make_the_same_configuration(generated, tmp_path):
    capture, truth = generated
    (tmp_path / "flowfeat.yaml").write_text(f"labels:\n  file: {truth}\nflows:\n  idle_timeout: 30\n")
    from_file = flowfeat.Streamer(capture, config=tmp_path / "flowfeat.yaml").to_pandas()
    from_keywords = flowfeat.Streamer(capture, labels=truth, idle_timeout=30).to_pandas()
    assert from_file.equals(from_keywords)
    default = flowfeat.Streamer(capture, labels=truth).to_pandas()
    assert len(default) != len(from_keywords), "a shorter idle timeout cuts more flows"


def _captures_with_reference(pcap_dir, reference_dir) -> list:
    captures = []
    for reference in sorted(reference_dir.rglob("*.csv")):
        capture = pcap_dir / reference.relative_to(reference_dir).with_suffix("")
        if capture.is_file():
            captures.append(capture)
    return captures


@pytest.mark.parametrize("reference_quirks", [False, True], ids=["default", "reference_quirks"])
def test_every_shared_capture_with_a_reference(daemon, pcap_dir, reference_dir, tmp_path, reference_quirks):
    # Every capture that has a reference output, read as one stream by both: one run each instead of
    # a thousand, and flows that span files are compared too.
    captures = _captures_with_reference(pcap_dir, reference_dir)
    assert len(captures) > 500
    config = f"flows:\n  reference_quirks: {str(reference_quirks).lower()}\n"
    (tmp_path / "python.yaml").write_text(config)
    streamer = flowfeat.Streamer(captures, config=tmp_path / "python.yaml")
    actual = streamer.to_pandas()
    expected = run_daemon(daemon, tmp_path, captures, streamer.schema, config)
    assert len(actual) > 10000
    assert_same_records(expected, actual, streamer.schema)
