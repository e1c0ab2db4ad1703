"""The Arrow PyCapsule stream: pyarrow, polars and DuckDB read the same rows with the same types."""

from __future__ import annotations

import pyarrow as pa
import pytest

import flowfeat


@pytest.fixture(scope="module")
def streamer(generated):
    capture, truth = generated
    return flowfeat.Streamer(capture, labels=truth)


@pytest.fixture(scope="module")
def expected(streamer) -> pa.Table:
    return streamer.to_arrow()


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary columns decoded, so tables from different readers compare by value."""
    columns = [c.cast(c.type.value_type) if pa.types.is_dictionary(c.type) else c for c in table.columns]
    return pa.table(columns, names=table.column_names)


def test_pyarrow_reads_the_stream(streamer, expected):
    table = pa.table(streamer)
    assert table.schema.equals(expected.schema)
    assert table.equals(expected)
    reader = pa.RecordBatchReader.from_stream(streamer)
    assert reader.read_all().num_rows == expected.num_rows


def test_polars_reads_the_stream(streamer, expected):
    pl = pytest.importorskip("polars")
    frame = pl.DataFrame(streamer)
    assert frame.columns == expected.column_names
    assert frame.height == expected.num_rows
    assert frame.schema["src_port"] == pl.UInt16
    assert frame.schema["bidirectional_packets"] == pl.Int64
    assert frame.schema["potential_scan"] == pl.Boolean
    assert frame.schema["application_name"] == pl.Categorical
    assert _plain(frame.to_arrow()).cast(_plain(expected).schema).equals(_plain(expected))
    assert pl.from_arrow(expected).height == expected.num_rows
    # A plain stream is a column of structs to polars.from_arrow; to_polars() is the frame.
    assert pl.from_arrow(streamer).struct.unnest().equals(frame)
    assert streamer.to_polars().equals(frame)


def test_duckdb_reads_the_stream(streamer, expected):
    duckdb = pytest.importorskip("duckdb")
    s = streamer  # noqa: F841 (DuckDB finds it by name)
    counts = duckdb.sql("select label, count(*) as flows from s group by label order by label").fetchall()
    labels = expected["label"].to_pylist()
    assert counts == [(v, labels.count(v)) for v in sorted(set(labels))]
    table = duckdb.sql("select * from s").arrow()
    if isinstance(table, pa.RecordBatchReader):
        table = table.read_all()
    assert table.column_names == expected.column_names
    assert table.num_rows == expected.num_rows
    for name in ("bidirectional_mean_ps", "src_ip", "fan_in_dst", "potential_scan"):
        assert table[name].to_pylist() == expected[name].to_pylist(), name


def test_pandas_reads_what_pyarrow_reads(streamer, expected):
    df = streamer.to_pandas()
    assert list(df.columns) == expected.column_names
    assert df["bidirectional_bytes"].tolist() == expected["bidirectional_bytes"].to_pylist()
    assert df["application_name"].astype(str).tolist() == expected["application_name"].to_pylist()
