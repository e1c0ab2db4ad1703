"""Streamer: a capture (or a live interface) in, flowfeat's records out, as Arrow batches, a pandas
DataFrame, a pyarrow Table or record objects."""

from __future__ import annotations

import collections
import logging
import os
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pyarrow as pa

from . import _flowfeat, _progress, _settings
from ._errors import CaptureError

_log = logging.getLogger("flowfeat")

# Records per Arrow batch, and batches the pipeline may run ahead of the reader: together they
# bound the memory a run holds for a slow reader.
_BATCH_ROWS = 65536
_QUEUE_BATCHES = 4
_POLL_SECONDS = 0.25


def forward_log() -> list[str]:
    """Hands the library's log messages to Python's logging (logger "flowfeat"); returns the errors."""
    errors = []
    for level, message in _flowfeat.take_log():
        _log.log(level, "%s", message)
        if level >= logging.ERROR:
            errors.append(message)
    return errors


def _paths(source: Any) -> list[str]:
    if source is None:
        return []
    if isinstance(source, (str, os.PathLike)):
        source = [source]
    paths = [os.fspath(p) for p in source]
    for path in paths:
        if not os.path.exists(path):
            raise CaptureError(2, "no such capture file or folder", path)
    return paths


def _interfaces(interface: Any) -> list[str]:
    if interface is None:
        return []
    return [interface] if isinstance(interface, str) else list(interface)


def _labels_section(labels: Any, settings: dict) -> None:
    """labels= is a ground-truth file (labels.file) or the labels section as a dict."""
    if labels is not None:
        settings["labels"] = labels if isinstance(labels, Mapping) else {"file": os.fspath(labels)}


def _attribute(column: str) -> str:
    """The attribute of a record for a column: its name, with any character that cannot be in a
    Python name turned into "_" ("src_ip_class_Class A" -> record.src_ip_class_Class_A)."""
    return re.sub(r"\W", "_", column)


class Streamer:
    """Flow records of a capture, computed by flowfeat's pipeline (the daemon's own library).

    ``source`` is what ``flowfeatd --read`` takes: a capture file (pcap or pcapng), a folder of
    them, or a list of files and folders, read in order as one stream. ``interface`` is what
    ``--interface`` takes: one name or a list; the run then captures until it is stopped
    (:meth:`stop`, Ctrl-C, or leaving the iteration). ``config`` is a YAML file of the daemon's;
    ``labels`` a ground-truth CSV (``labels.file``). Every other keyword sets a key of the
    configuration (see :func:`flowfeat.configuration_keys`): ``idle_timeout=60``,
    ``flows__dpi__enabled=False``, ``standardize={"mode": "off"}``. The configuration is checked at
    once by the daemon's loader: a bad key or value raises :class:`ConfigError` listing every
    problem.

    Each use (iteration, :meth:`to_pandas`, :meth:`to_arrow`, the Arrow stream) runs the pipeline
    afresh, with Python's lock released; records come in batches through a bounded queue, so
    iterating holds bounded memory whatever the size of the capture. Ctrl-C ends a run as SIGTERM
    ends the daemon's: reading stops, every open flow is ended and its record delivered, and a
    warning says so; a second Ctrl-C raises KeyboardInterrupt.

    ``progress`` shows a bar (tqdm's when installed, in Jupyter too); by default only when standard
    error is a terminal.
    """

    def __init__(
        self,
        source: str | os.PathLike | Sequence[str | os.PathLike] | None = None,
        *,
        interface: str | Sequence[str] | None = None,
        config: str | os.PathLike | None = None,
        labels: str | os.PathLike | Mapping | None = None,
        progress: bool | None = None,
        **settings: Any,
    ):
        _labels_section(labels, settings)
        self._config_file = os.fspath(config) if config is not None else ""
        self._keywords = _settings.document(settings)
        self._files = _paths(source)
        self._interfaces = _interfaces(interface)
        self._progress = _progress.wanted(progress)
        self._run: Any = None
        self.summary: dict | None = None
        """What the last run read and produced (packets, records, flows ended, ...); with labels, how
        the flows matched them and, when matching by time labelled little, why (``labels_mismatch``)."""
        try:
            self._schema = pa.Schema._import_from_c_capsule(
                _flowfeat.schema(self._config_file, self._keywords, self._files, self._interfaces, True)
            )
        finally:
            forward_log()
        self._record_type = collections.namedtuple("Record", [_attribute(n) for n in self._schema.names], rename=True)

    @property
    def schema(self) -> pa.Schema:
        """The columns of the records and their Arrow types; each field's metadata has its description."""
        return self._schema

    def _start(self):
        run = _flowfeat.Run(self._config_file, self._keywords, self._files, self._interfaces, _BATCH_ROWS, _QUEUE_BATCHES)
        self._run = run
        return run

    def batches(self) -> Iterator[pa.RecordBatch]:
        """The records as pyarrow RecordBatches, as they leave the pipeline."""
        run = self._start()
        bar = _progress.Progress(self._progress)
        errors: list[str] = []
        try:
            while True:
                item = run.next(_POLL_SECONDS)
                errors += forward_log()
                bar.update(run.progress, run.live)
                if item is True:
                    continue
                if item is False:
                    break
                yield pa.RecordBatch._import_from_c_capsule(run.schema(), item)
            bar.finish(run.progress, run.live)
            self.summary = run.summary
            if run.interrupted:
                warnings.warn(
                    f"flowfeat: interrupted; the run stopped early and delivered {self.summary['records']} records "
                    "(every open flow ended)",
                    RuntimeWarning,
                    stacklevel=3,
                )
        finally:
            run.close()
            self._run = None
            forward_log()

    def __iter__(self) -> Iterator[Any]:
        """Records one by one, as named tuples: ``record.src_ip``, ``record.fan_in_dst`` (a character
        that cannot be in a Python name becomes "_": ``record.src_ip_class_Class_A``)."""
        make = self._record_type._make
        for batch in self.batches():
            # Slices of a batch, so a batch's records are not all Python objects at once.
            for start in range(0, batch.num_rows, 4096):
                part = batch.slice(start, 4096)
                yield from map(make, zip(*(column.to_pylist() for column in part.columns)))

    def to_arrow(self) -> pa.Table:
        """Every record as a pyarrow Table."""
        return pa.Table.from_batches(list(self.batches()), schema=self._schema)

    def to_pandas(self):
        """Every record as a pandas DataFrame: integer columns as integers (uint8/uint16 for the
        narrow identity fields, int64 for counters), floats as float64 (the very doubles the daemon
        writes), encodings and flags as bool, application_name, attack_cat and sensor as
        categoricals, addresses as strings."""
        table = self.to_arrow()
        return table.to_pandas(split_blocks=True, self_destruct=True)

    def to_polars(self):
        """Every record as a polars DataFrame, read from the Arrow stream (needs polars)."""
        import polars

        return polars.DataFrame(self)

    def __arrow_c_stream__(self, requested_schema: Any = None):
        """The Arrow PyCapsule stream interface: pyarrow.table(s), polars.DataFrame(s) and DuckDB
        read the records without a text round trip. Each call runs the pipeline afresh."""
        return self._start().stream()

    def stop(self) -> None:
        """Ends the current run as Ctrl-C does (from another thread, say, for a live capture)."""
        if self._run is not None:
            self._run.stop()

    def __repr__(self) -> str:
        source = self._files or self._interfaces
        return f"flowfeat.Streamer({source!r}, {len(self._schema)} columns)"


def schema(config: str | os.PathLike | None = None, **settings: Any) -> pa.Schema:
    """The columns a configuration produces and their Arrow types, like ``flowfeatd --print-schema``
    (field metadata carries each column's description and group)."""
    _labels_section(settings.pop("labels", None), settings)
    try:
        capsule = _flowfeat.schema(os.fspath(config) if config else "", _settings.document(settings), [], [], False)
    finally:
        forward_log()
    return pa.Schema._import_from_c_capsule(capsule)
