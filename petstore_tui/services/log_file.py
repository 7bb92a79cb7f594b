"""A log file as the troubleshooting panel reads it: the whole file through the engine's
bulk path first (as `diagnose FILE` does), then its recent lines, then what it appends.

No Textual here: the panel's worker calls `WholeFile.scan` then iterates `WholeFile(stop)`.
Reading the whole file costs one bulk pass in bounded memory (the engine reads it in
blocks); following from where the scan stopped means no line is matched twice."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

TAIL_BYTES = 64 * 1024  # recent lines shown once the scan is done
PROGRESS_EVERY = 0.1  # seconds between progress reports


class ScanStopped(Exception):
    """The panel stopped following the file while it was being scanned."""


class _ProgressReader:
    """A binary file whose reads report progress and honour a stop request."""

    def __init__(self, handle, total: int, stop: threading.Event,
                 on_progress: Callable[[int, int], None]) -> None:
        self.handle = handle
        self.total = total
        self.stop = stop
        self.on_progress = on_progress
        self.done = 0
        self._reported = 0.0

    def read1(self, size: int = -1) -> bytes:
        if self.stop.is_set():
            raise ScanStopped
        chunk = self.handle.read1(size)
        self.done += len(chunk)
        now = time.monotonic()
        if now - self._reported >= PROGRESS_EVERY:
            self._reported = now
            self.on_progress(min(self.done, self.total), self.total)
        return chunk

    read = read1


def tail_lines(path: Path, end: int, max_bytes: int = TAIL_BYTES) -> list[bytes]:
    """The whole lines in the last `max_bytes` before offset `end`."""
    with open(path, "rb") as handle:
        start = max(0, end - max_bytes)
        handle.seek(start)
        data = handle.read(end - start)
    lines = data.split(b"\n")
    if start > 0:
        lines = lines[1:]  # the first is cut
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


class WholeFile:
    """The `follow` of a file source, which can also scan the file whole first."""

    def __init__(self, path: Path, follow: Callable[..., Iterator[bytes]]) -> None:
        self.path = Path(path)
        self._follow = follow  # (path, stop, start=offset or None) -> lines, like tail -F
        self.offset: int | None = None  # where the scan stopped: following starts there

    def scan(self, engine: Any, *, source: str, resource: str, stop: threading.Event,
             on_progress: Callable[[int, int], None]) -> list[Any]:
        """Every line of the file through `engine.scan_stream`; returns the findings."""
        with open(self.path, "rb") as handle:
            total = os.fstat(handle.fileno()).st_size
            reader = _ProgressReader(handle, total, stop, on_progress)
            found = engine.scan_stream(reader, source, resource)
            end = reader.done
        on_progress(end, max(total, end))
        self.offset = end  # a line cut there arrives as its rest: never matched twice
        return list(found or ())

    def __call__(self, stop: threading.Event) -> Iterator[bytes]:
        return self._follow(self.path, stop, start=self.offset)

