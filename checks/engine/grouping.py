"""Event grouping: a Python traceback is one event; indented continuation lines join the
line before them (pastes wrap long lines)."""

from __future__ import annotations

import re

TRACEBACK_HEAD = b"Traceback (most recent call last):"
MAX_EVENT_LINES = 100  # an event never holds more lines: memory stays bounded
_WS = (b" ", b"\t")
# Prefixes that tools put before every line: `kubectl logs --timestamps` and `--prefix`.
_PREFIX = re.compile(rb"(?:\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)?\s|\[pod/[^\]\s]+\]\s)")


def body(line: bytes) -> bytes:
    """The line without a per-line tool prefix, for deciding indentation."""
    if line[:1].isdigit() or line[:1] == b"[":
        match = _PREFIX.match(line)
        if match:
            return line[match.end():]
    return line


def is_continuation(line: bytes) -> bool:
    return body(line)[:1] in _WS


def is_head(line: bytes) -> bool:
    return TRACEBACK_HEAD in line


def is_sync_point(line: bytes, previous: bytes) -> bool:
    """True when a new event starts at `line` whatever came before `previous`.

    After a non-empty, non-indented line that is not a traceback head, no traceback is
    open and the pending event (if any) ends at the next non-indented line. The bulk
    scanner starts and ends its regions only at such lines, so it groups exactly as a
    line-by-line Grouper does."""
    return (
        bool(line) and bool(previous)
        and not is_continuation(line) and not is_continuation(previous)
        and not is_head(previous)
    )


class Grouper:
    """Turns lines into events (lists of lines). `push` returns the events it closed."""

    __slots__ = ("_lines", "_traceback")

    def __init__(self) -> None:
        self._lines: list[bytes] = []
        self._traceback = False

    def push(self, line: bytes) -> list[list[bytes]]:
        lines = self._lines
        if lines and self._traceback:
            lines.append(line)
            text = body(line)
            if text and text[:1] not in _WS:  # the exception line ends the traceback
                return [self._take()]
            if len(lines) >= MAX_EVENT_LINES:
                return [self._take()]
            return []
        text = body(line)
        if lines and text[:1] in _WS and len(lines) < MAX_EVENT_LINES:
            lines.append(line)
            return []
        closed = [self._take()] if lines else []
        self._lines = [line]
        self._traceback = TRACEBACK_HEAD in text
        return closed

    def flush(self) -> list[list[bytes]]:
        return [self._take()] if self._lines else []

    @property
    def pending(self) -> bool:
        return bool(self._lines)

    def _take(self) -> list[bytes]:
        lines, self._lines, self._traceback = self._lines, [], False
        return lines
