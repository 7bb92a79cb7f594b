"""Lines and sync points in a buffer: where the bulk path may cut a block without splitting an event."""

from __future__ import annotations

from checks.engine.grouping import SKIPPED, is_sync_point_split, split
from checks.engine.normalize import normalise_line

SKIPPED_FIRST = SKIPPED + b"\n"  # the first byte of a raw line a peek may skip (else it starts no such line)


def newlines(buf: bytes, lo: int = 0, hi: int | None = None) -> int:
    """buf.count(b"\\n", lo, hi), about twice as fast on a big block: bytes.count looks
    at one byte at a time, while deleting the newlines finds them with memchr (the copy it
    makes costs less than the difference). The whole block is counted that way and the
    few bytes outside lo:hi are taken off (a slice would cost another copy)."""
    size = len(buf)
    if hi is None:
        hi = size
    if hi - lo < 65536 or lo + size - hi > (hi - lo) // 4:
        return buf.count(b"\n", lo, hi)
    return size - len(buf.replace(b"\n", b"")) - buf.count(b"\n", 0, lo) - buf.count(b"\n", hi, size)


def _line_start(buf: bytes, pos: int) -> int:
    return buf.rfind(b"\n", 0, pos) + 1 if pos > 0 else 0


def _line_at(buf: bytes, start: int, damaged: set[int] | None = None) -> bytes:
    """The line starting at `start`, normalised if it may hold paste damage (any line when
    `damaged`, the starts of the lines that do, is not known)."""
    nl = buf.find(b"\n", start)
    line = buf[start:] if nl < 0 else buf[start:nl]
    return normalise_line(line) if damaged is None or start in damaged else line


def _sync_before(buf: bytes, start: int, floor: int, damaged: set[int] | None = None) -> int:
    """The nearest sync point at or before the line starting at `start` (never below
    `floor`, itself a sync point or the block start)."""
    line = parts = None  # the line at `start`, normalised, and split: each line of the walk is read once
    while start > floor:
        prev_start = _line_start(buf, start - 1)
        if line is None:
            line = _line_at(buf, start, damaged)
            parts = split(line)
        previous = _line_at(buf, prev_start, damaged)
        previous_parts = split(previous)
        if is_sync_point_split(line, parts, previous, previous_parts, start - 1 - prev_start):
            return start
        start, line, parts = prev_start, previous, previous_parts
    return floor


def _sync_after(buf: bytes, pos: int, end: int, damaged: set[int] | None = None) -> int:
    """The first sync point after the line holding `pos` (or `end`)."""
    start = _line_start(buf, pos)
    previous = previous_parts = None  # the line at `start`, normalised, and split: each line is read once
    while True:
        nl = buf.find(b"\n", start)
        if nl < 0 or nl + 1 >= end:
            return end
        nxt = nl + 1
        if previous is None:
            previous = _line_at(buf, start, damaged)
            previous_parts = split(previous)
        line = _line_at(buf, nxt, damaged)
        parts = split(line)
        if is_sync_point_split(line, parts, previous, previous_parts, nl - start):
            return nxt
        start, previous, previous_parts = nxt, line, parts


def _last_sync_point(buf: bytes, lo: int, hi: int) -> int:
    """Start of the last line in buf[lo:hi] that is a sync point (hi follows a newline),
    or lo when there is none. Never a line a peek skips (a Markdown fence: grouping.SKIPPED):
    the event before such a line peeks past it, and a block cut there would end without
    the line that event peeks at."""
    start = _line_start(buf, hi - 1)  # the last line
    line = parts = None  # the line at `start`, normalised, and split: each line of the walk is read once
    while start > lo:
        prev_start = max(_line_start(buf, start - 1), lo)
        if line is None:
            line = _line_at(buf, start)
            parts = split(line)
        previous = normalise_line(buf[prev_start:start - 1])  # (= _line_at(buf, prev_start): no newline in it)
        previous_parts = split(previous)
        if is_sync_point_split(line, parts, previous, previous_parts, start - 1 - prev_start) and line.strip(SKIPPED):
            return start
        start, line, parts = prev_start, previous, previous_parts
    return lo


def _first_sync_point(chunk: bytes, start: int, hi: int, limit: int = 1000) -> int | None:
    """The first sync point in chunk[start:hi] whose previous line lies wholly in the
    chunk (the first line may continue an unfinished one), within `limit` lines; never a
    line a peek skips (as _last_sync_point)."""
    first = chunk.find(b"\n", start)
    if first < 0 or first + 1 >= hi:
        return None
    prev = first + 1
    previous = previous_parts = None  # the line at `prev`, normalised, and split: each line is read once
    for _ in range(limit):
        nl = chunk.find(b"\n", prev)
        if nl < 0 or nl + 1 >= hi:
            return None
        line = nl + 1
        if previous is None:
            previous = normalise_line(chunk[prev:nl])
            previous_parts = split(previous)
        text = _line_at(chunk, line)
        parts = split(text)
        if is_sync_point_split(text, parts, previous, previous_parts, nl - prev) and text.strip(SKIPPED):
            return line
        prev, previous, previous_parts = line, text, parts
    return None



def _skipped(buf: bytes, start: int, damaged: set[int]) -> bool:
    """Whether the line at `start` is one a peek skips (blank, a fence: grouping.SKIPPED),
    as the Grouper sees it (normalised where it holds paste damage: `&quot;` is a quote)."""
    if buf[start] not in SKIPPED_FIRST and start not in damaged:
        return False
    return not _line_at(buf, start, damaged).strip(SKIPPED)


def _peeked_from(buf: bytes, start: int, lo: int, damaged: set[int]) -> int:
    """The line whose event may peek at the line after the one at `start`: that line, or,
    past the lines a peek skips before it, the line before them (lo at the latest)."""
    while start > lo and _skipped(buf, start, damaged):
        start = _line_start(buf, start - 1)
    return start


def _peek_line(buf: bytes, at: int, hi: int) -> bytes | None:
    """The line an event ending at `at` (a line start) peeks at: the first at or after
    `at` that a peek does not skip, normalised; None when buf[at:hi] holds none."""
    while at < hi:
        line = _line_at(buf, at)
        if line.strip(SKIPPED):
            return line
        nl = buf.find(b"\n", at, hi)
        if nl < 0:
            break
        at = nl + 1
    return None
