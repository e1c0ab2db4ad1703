"""The Streamer API: sources, keywords, records, schema, errors."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading

import pandas as pd
import pyarrow as pa
import pytest

import flowfeat


def test_version_is_the_daemons(daemon):
    out = subprocess.run([daemon, "--version"], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["flowfeatd", flowfeat.__version__]


def test_schema_is_the_daemons(daemon, generated):
    _, truth = generated
    printed = subprocess.run([daemon, "--print-schema", "--labels", truth], capture_output=True, text=True, check=True)
    # name, type and description are padded to common widths; a name may hold a space ("Class A").
    columns = [re.match(r"(.+?) +(string|uint|float)  ", line).groups() for line in printed.stdout.splitlines()]
    schema = flowfeat.schema(labels=truth)
    assert [name for name, _ in columns] == schema.names
    for (name, kind), field in zip(columns, schema):
        if kind == "float":
            assert pa.types.is_float64(field.type), name
        elif kind == "uint":
            assert pa.types.is_integer(field.type) or pa.types.is_boolean(field.type), name
        else:
            assert pa.types.is_string(field.type) or pa.types.is_dictionary(field.type), name
    assert schema.field("bidirectional_packets").metadata[b"description"] == b"packets in both directions"


def test_dtypes_of_to_pandas(generated):
    capture, truth = generated
    df = flowfeat.Streamer(capture, labels=truth).to_pandas()
    assert df["src_port"].dtype == "uint16" and df["protocol"].dtype == "uint8"
    assert df["bidirectional_packets"].dtype == "int64" and df["fan_in_dst"].dtype == "int64"
    assert df["bidirectional_mean_ps"].dtype == "float64"
    assert df["potential_scan"].dtype == "bool"
    assert isinstance(df["application_name"].dtype, pd.CategoricalDtype)
    assert isinstance(df["attack_cat"].dtype, pd.CategoricalDtype)
    assert (df["bidirectional_packets"] == df["src2dst_packets"] + df["dst2src_packets"]).all()


def test_records_one_by_one_match_the_table(generated):
    capture, _ = generated
    streamer = flowfeat.Streamer(capture)
    table = streamer.to_arrow()
    records = list(streamer)
    assert len(records) == table.num_rows
    first = records[0]
    assert first.src_ip == table["src_ip"][0].as_py()
    assert first.bidirectional_packets == table["bidirectional_packets"][0].as_py()
    assert isinstance(first.potential_scan, bool) and isinstance(first.fan_in_dst, int)
    assert [r.bidirectional_first_seen_ms for r in records] == table["bidirectional_first_seen_ms"].to_pylist()


def test_leaving_an_iteration_early_ends_the_run(generated):
    capture, _ = generated
    streamer = flowfeat.Streamer(capture)
    for count, _ in enumerate(streamer, 1):
        if count == 10:
            break
    again = sum(1 for _ in flowfeat.Streamer(capture))
    assert again > 10


def test_a_folder_and_a_list_are_one_stream(generated, tmp_path):
    capture, _ = generated
    folder = tmp_path / "captures"
    folder.mkdir()
    os.symlink(capture, folder / "a.pcap")
    from_folder = flowfeat.Streamer(folder).to_pandas()
    from_list = flowfeat.Streamer([capture]).to_pandas()
    assert from_folder.equals(from_list)


@pytest.mark.parametrize(
    "keywords, key",
    [
        ({"idle_timeout": 60}, None),
        ({"flows__idle_timeout": 60}, None),
        ({"flows": {"idle_timeout": 60, "dpi": {"enabled": False}}}, None),
        ({"capture_threads": 2}, None),
        ({"idle_timeout": "sixty"}, "flows.idle_timeout"),
        ({"idle_timeout": -1}, "flows.idle_timeout"),
        ({"dpi_enabled": "yes please"}, "flows.dpi.enabled"),
        ({"max_flows": 10}, "flows__max_flows"),  # flows.max_flows or window.max_flows
        ({"no_such_key": 1}, "no_such_key"),
        ({"flows": {"idle_timeout": 60, "nope": 1}}, "flows.nope"),
    ],
)
def test_keywords_are_checked_as_the_daemon_checks_them(generated, keywords, key):
    capture, _ = generated
    if key is None:
        flowfeat.Streamer(capture, **keywords)
        return
    with pytest.raises(flowfeat.ConfigError) as error:
        flowfeat.Streamer(capture, **keywords)
    assert key in str(error.value)


def test_every_bad_value_is_listed_at_once(generated):
    capture, _ = generated
    with pytest.raises(flowfeat.ConfigError) as error:
        flowfeat.Streamer(capture, idle_timeout=0, active_timeout="x", workers=1000)
    message = str(error.value)
    for key in ("flows.idle_timeout", "flows.active_timeout", "pipeline.workers"):
        assert key in message
    assert isinstance(error.value, ValueError)


def test_a_bad_configuration_file(generated, tmp_path):
    capture, _ = generated
    bad = tmp_path / "bad.yaml"
    bad.write_text("flows:\n  idle_timeout: [1]\n")
    with pytest.raises(flowfeat.ConfigError, match="bad.yaml:2: flows.idle_timeout"):
        flowfeat.Streamer(capture, config=bad)


def test_bad_sources(generated, tmp_path):
    capture, _ = generated
    with pytest.raises(flowfeat.CaptureError, match="no such capture"):
        flowfeat.Streamer(tmp_path / "missing.pcap")
    text = tmp_path / "notes.pcap"
    text.write_text("not a capture\n")
    with pytest.raises(flowfeat.CaptureError, match="not a readable capture"):
        flowfeat.Streamer(text)
    with pytest.raises(flowfeat.ConfigError, match="no input"):
        flowfeat.Streamer()
    with pytest.raises(flowfeat.ConfigError, match="give one source"):
        flowfeat.Streamer(capture, interface="lo")
    with pytest.raises(flowfeat.ConfigError, match="labels"):
        flowfeat.Streamer(capture, labels=tmp_path / "missing-truth.csv")


def test_a_bad_file_in_a_folder_is_skipped_with_an_error_logged(generated, tmp_path, caplog):
    capture, _ = generated
    folder = tmp_path / "captures"
    folder.mkdir()
    os.symlink(capture, folder / "a.pcap")
    (folder / "b.pcap").write_text("not a capture\n")
    df = flowfeat.Streamer(folder).to_pandas()
    assert len(df) == len(flowfeat.Streamer(capture).to_pandas())
    assert any("b.pcap" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records)


def _native_threads() -> list[str]:
    names = []
    for task in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{task}/comm") as comm:
                names.append(comm.read().strip())
        except FileNotFoundError:  # ended meanwhile
            pass
    return names


def test_failures_leave_no_threads_behind(generated, tmp_path):
    capture, _ = generated
    flowfeat.Streamer(capture).to_arrow()  # oneTBB's worker pool exists from the first run on
    python_threads = threading.active_count()
    native_threads = len(_native_threads())
    for _ in range(3):
        with pytest.raises(flowfeat.ConfigError):
            flowfeat.Streamer(capture, idle_timeout="x")
        with pytest.raises(flowfeat.CaptureError):
            flowfeat.Streamer(tmp_path / "missing.pcap")
        for count, _ in enumerate(flowfeat.Streamer(capture), 1):
            if count == 3:
                break
        flowfeat.Streamer(capture).to_arrow()
    assert flowfeat._flowfeat.threads_running() == 0
    assert threading.active_count() == python_threads
    # oneTBB's workers come and go, at most one a core, whatever the number of runs.
    assert len(_native_threads()) <= native_threads + os.cpu_count()


def test_two_streamers_at_once(generated):
    capture, _ = generated
    one, two = flowfeat.Streamer(capture), flowfeat.Streamer(capture)
    rows = [0, 0]
    for a, b in zip(one.batches(), two.batches()):
        rows[0] += a.num_rows
        rows[1] += b.num_rows
    assert rows[0] == rows[1] > 0


def test_summary_after_a_run(generated):
    capture, _ = generated
    streamer = flowfeat.Streamer(capture)
    df = streamer.to_pandas()
    assert streamer.summary["records"] == len(df)
    assert streamer.summary["packets_read"] >= df["bidirectional_packets"].sum()
    assert streamer.summary["records_lost"] == 0


def test_a_failing_stage_raises_its_message(generated, tmp_path):
    capture, _ = generated
    # The final save of the standardizer's statistics cannot be written: the standardize stage fails.
    streamer = flowfeat.Streamer(
        capture, output__files=True, output__directory=tmp_path / "out", standardize__state_file="/proc/flowfeat.state"
    )
    with pytest.raises(flowfeat.PipelineError, match="standardize stage: .*/proc/flowfeat.state"):
        streamer.to_pandas()
    assert flowfeat._flowfeat.threads_running() == 0
    assert len(flowfeat.Streamer(capture).to_pandas()) > 0, "the next run works"


def test_output_files_too_when_asked(generated, tmp_path):
    capture, _ = generated
    df = flowfeat.Streamer(capture, output__files=True, output__directory=tmp_path / "out").to_pandas()
    written = list((tmp_path / "out").glob("flows-*.csv"))
    assert len(written) == 1
    assert sum(1 for _ in written[0].open()) == len(df) + 1  # and the header


def test_progress_bar_on_request(generated):
    capture, _ = generated
    script = "import sys, flowfeat; flowfeat.Streamer(sys.argv[1], progress=True).to_pandas()"
    shown = subprocess.run([sys.executable, "-c", script, capture], capture_output=True, text=True, check=True)
    assert "flowfeat" in shown.stderr and "records" in shown.stderr
    quiet = subprocess.run([sys.executable, "-c", script.replace("True", "None"), capture], capture_output=True, text=True, check=True)
    assert quiet.stderr == "", "no bar when standard error is not a terminal"
