"""Shared fixtures of the Python tests.

Environment:
- FLOWFEAT_BUILD_DIR: the CMake build folder holding flowfeatd and flowfeat-gen (the comparisons with
  the daemon and the generated traffic); those tests skip without it, fail with FLOWFEAT_REQUIRE_BUILD=1.
- FLOWFEAT_PCAP_DIR, FLOWFEAT_REFERENCE_DIR: the shared captures and NFStream's reference outputs;
  those tests skip without them, fail with FLOWFEAT_REQUIRE_SHARED=1.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest


def _required(variable: str) -> bool:
    return os.environ.get(variable) == "1"


def _folder(variable: str, required_by: str, what: str) -> Path:
    value = os.environ.get(variable, "")
    if value and Path(value).is_dir():
        return Path(value)
    message = f"{what}: set {variable}"
    if _required(required_by):
        pytest.fail(message + f" ({required_by}=1)")
    pytest.skip(message)


@pytest.fixture(scope="session")
def build_dir() -> Path:
    return _folder("FLOWFEAT_BUILD_DIR", "FLOWFEAT_REQUIRE_BUILD", "the CMake build folder of flowfeatd")


@pytest.fixture(scope="session")
def daemon(build_dir: Path) -> Path:
    return build_dir / "daemon" / "app" / "flowfeatd"


@pytest.fixture(scope="session")
def pcap_dir() -> Path:
    return _folder("FLOWFEAT_PCAP_DIR", "FLOWFEAT_REQUIRE_SHARED", "the shared captures")


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    return _folder("FLOWFEAT_REFERENCE_DIR", "FLOWFEAT_REQUIRE_SHARED", "the reference outputs")


@pytest.fixture(scope="session")
def generated(build_dir: Path, tmp_path_factory) -> tuple[Path, Path]:
    """A generated capture of normal traffic and attacks, and its ground truth (flowfeat-gen)."""
    folder = tmp_path_factory.mktemp("generated")
    capture, truth = folder / "traffic.pcap", folder / "truth.csv"
    subprocess.run(
        [build_dir / "tools" / "flowfeat-gen", "--out", capture, "--truth", truth, "--seed", "7", "--flows", "3000"],
        check=True,
        capture_output=True,
    )
    return capture, truth


def run_daemon(daemon: Path, folder: Path, inputs: list, schema: pa.Schema, config_text: str = "") -> pd.DataFrame:
    """The daemon's CSV records of inputs (one stream), read with pandas: floats in round-trip
    precision, nan where the daemon wrote nan, text kept as written (an empty attack_cat stays empty)."""
    config = folder / "flowfeat.yaml"
    config.write_text(config_text)
    out = folder / "records"
    result = subprocess.run(
        [daemon, "--config", config, "--output", out, "--no-metrics", "--progress", "never", "--read", *inputs],
        capture_output=True,
        text=True,
    )
    assert result.returncode in (0, 1), result.stderr  # 1: some input could not be read completely
    files = sorted(out.glob("flows-*.csv"))
    assert len(files) == 1, files  # the default rotation (256 MiB, an hour) does not cut a test run
    # Read as text, then typed here: Python's float() gives back the exact double of a shortest
    # round-trip text, whatever pandas' own float parser does.
    frame = pd.read_csv(files[0], dtype=str, keep_default_na=False)
    for field in schema:
        if pa.types.is_floating(field.type):
            frame[field.name] = np.array([float(v) for v in frame[field.name]], dtype=np.float64)
        elif pa.types.is_integer(field.type) or pa.types.is_boolean(field.type):
            frame[field.name] = frame[field.name].astype(np.int64)
    return frame


def assert_same_records(expected: pd.DataFrame, actual: pd.DataFrame, schema: pa.Schema) -> None:
    """Column for column, value for value; floats bit for bit (NaN where NaN)."""
    assert list(actual.columns) == list(expected.columns)
    assert len(actual) == len(expected)
    for field in schema:
        name = field.name
        want, got = expected[name].to_numpy(), actual[name].to_numpy()
        if pa.types.is_floating(field.type):
            want, got = want.astype(np.float64), got.astype(np.float64)
            same = (want.view(np.int64) == got.view(np.int64)) | (np.isnan(want) & np.isnan(got))
        elif pa.types.is_integer(field.type) or pa.types.is_boolean(field.type):
            same = want.astype(np.int64) == got.astype(np.int64)
        else:
            same = want.astype(str) == got.astype(str)
        bad = np.flatnonzero(~same)
        assert bad.size == 0, f"{name}: {bad.size} values differ, first at row {bad[0]}: {want[bad[0]]!r} != {got[bad[0]]!r}"
