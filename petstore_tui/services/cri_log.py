"""Container log files in the CRI format (Podman's k8s-file driver, the kubelet's files on a node), read directly.

One record a line: `<RFC 3339 time> <stdout|stderr> <P|F> <text>`, P marking a piece of a
line whose end is still to come. An app that writes a line and its newline apart (Python
unbuffered does) leaves a P record and an empty F record; `podman logs` 4.3 sends the
empty record's newline to stdout even for stderr, gluing the stderr line to the next one
(docs/knowledge/podman-sandbox.md). Reading the file keeps every line whole and in the
order the container printed it, across restarts (a restarted container appends to it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

TAIL_BYTES = 8 * 1024 * 1024  # the most read back to find the last lines
POLL = 0.25
APPEAR_WAIT = 30.0  # a container just created has no log file until it starts


class Joiner:
    """Turns records into whole lines, keeping a stream's pieces until its F record."""

    def __init__(self) -> None:
        self.pending: dict[str, str] = {}

    def push(self, record: str) -> tuple[str, str, str] | None:
        """(time, stream, line) when `record` completes a line, else None."""
        parts = record.rstrip("\n").split(" ", 3)
        if len(parts) < 3 or parts[1] not in ("stdout", "stderr"):
            return None  # not a CRI record (a torn first line when reading from the middle)
        stamp, stream, tag = parts[0], parts[1], parts[2]
        text = parts[3] if len(parts) > 3 else ""
        if tag == "P":
            self.pending[stream] = self.pending.get(stream, "") + text
            return None
        return stamp, stream, self.pending.pop(stream, "") + text


def lines(records: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    joiner = Joiner()
    for record in records:
        done = joiner.push(record)
        if done is not None:
            yield done


def _read_back(handle) -> str:
    """The end of an open log (at most TAIL_BYTES, whole records); leaves it at the end."""
    size = handle.seek(0, os.SEEK_END)
    handle.seek(max(0, size - TAIL_BYTES))
    data = handle.read(size - handle.tell()).decode("utf-8", "replace")
    return data.split("\n", 1)[-1] if size > TAIL_BYTES else data  # a torn first record


def tail(path: Path, count: int) -> list[str]:
    """The last `count` lines of a log file, oldest first."""
    with open(path, "rb") as handle:
        data = _read_back(handle)
    return [text for _stamp, _stream, text in lines(data.splitlines())][-count:]


def follow(path: Path, stop: threading.Event, *, count: int) -> Iterator[str]:
    """The last `count` lines, then each new one as the container prints it, until `stop`
    is set or the file goes away (the container was removed)."""
    waited = 0.0
    while not path.exists() and waited < APPEAR_WAIT and not stop.is_set():
        stop.wait(POLL)
        waited += POLL
    try:
        handle = open(path, "rb")  # noqa: SIM115 - kept open while following
    except OSError:
        return
    with handle:
        data = _read_back(handle)
        complete, _, partial_text = data.rpartition("\n")
        joiner = Joiner()
        shown = [done[2] for done in map(joiner.push, complete.splitlines()) if done is not None]
        yield from shown[-count:]
        partial = partial_text.encode()
        while not stop.is_set():
            chunk = handle.read(256 * 1024)
            if not chunk:
                if not path.exists():
                    return
                stop.wait(POLL)
                continue
            partial += chunk
            *records, partial = partial.split(b"\n")
            for record in records:
                done = joiner.push(record.decode("utf-8", "replace"))
                if done is not None:
                    yield done[2]
