"""A progress bar for a run: tqdm's when it is installed (a widget in Jupyter), a plain line otherwise."""

from __future__ import annotations

import sys
import time


def wanted(progress: bool | None) -> bool:
    """progress=None: only when standard error is a terminal."""
    if progress is not None:
        return bool(progress)
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _Line:
    """A one-line bar on standard error, redrawn at most every 0.2 s."""

    def __init__(self, total: int, unit: str):
        self.total, self.unit, self.n, self.drawn, self.postfix = total, unit, 0, 0.0, ""

    def update(self, n: int) -> None:
        self.n += n
        if time.monotonic() - self.drawn >= 0.2:
            self._draw()

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        self.postfix = text

    def _draw(self) -> None:
        self.drawn = time.monotonic()
        done = f"{100 * self.n / self.total:5.1f}% " if self.total else ""
        sys.stderr.write(f"\rflowfeat: {done}{self.n / 1e6:.1f} M{self.unit} {self.postfix}   ")
        sys.stderr.flush()

    def close(self) -> None:
        self._draw()
        sys.stderr.write("\n")


class Progress:
    """Follows a run's progress: bytes of the input files, or packets of a live capture."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.bar = None
        self.shown = 0

    def update(self, progress: dict, live: bool) -> None:
        if not self.enabled:
            return
        value = progress["packets"] if live or not progress["bytes_total"] else progress["bytes_read"]
        if self.bar is None:
            self.bar = self._make(0 if live else progress["bytes_total"], "pkt" if live or not progress["bytes_total"] else "B")
        self.bar.set_postfix_str(f"{progress['records']} records, {progress['active_flows']} open flows", refresh=False)
        if value > self.shown:
            self.bar.update(value - self.shown)
            self.shown = value

    def finish(self, progress: dict, live: bool) -> None:
        if not self.enabled:
            return
        if not live and progress["bytes_total"]:
            progress = dict(progress, bytes_read=progress["bytes_total"])
        self.update(progress, live)
        self.bar.close()

    @staticmethod
    def _make(total: int, unit: str):
        try:
            from tqdm.auto import tqdm
        except ImportError:
            return _Line(total, unit)
        return tqdm(total=total or None, unit=unit, unit_scale=True, desc="flowfeat", leave=True)
