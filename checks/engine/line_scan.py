"""Newlines and cut lines of a block, in one pass.

The bulk path counts every newline (`lines_read`) and must know the lines exactly
WRAP_WIDTH bytes long: grouping.Grouper joins the next line onto such a line and glues
the two back together, so a message a terminal cut there still reads whole. Logs that
nobody pasted are full of such lines by chance (3.6% of the benchmark's log: a format
whose lines are often 80 bytes), so finding them must cost little. A regex over the
block (`re` or Hyperscan's bounded repeat) costs 1.2-1.4 ms a megabyte, more than the
signature scan itself; one memchr per line in C costs ~0.1 (_line_scan.c, built by
`pip install`, so by ./dev setup). Without a C compiler the `re` way below is used: the
same answers, slower."""

from __future__ import annotations

import re

from checks.engine.sync_points import newlines

try:
    from checks.engine._line_scan import glue as _native_glue
    from checks.engine._line_scan import scan as _native_scan
except ImportError:  # not built: no compiler where the project was installed
    _native_glue = _native_scan = None

NATIVE = _native_scan is not None


def scan_lines(buf: bytes, lo: int, hi: int, width: int) -> tuple[int, list[int]]:
    """(newlines in buf[lo:hi], the end offsets of its lines exactly `width` bytes long).
    A line starts at lo and after each newline; the last may lack its newline."""
    if _native_scan is not None:
        return _native_scan(buf, lo, hi, width)
    return python_scan_lines(buf, lo, hi, width)


def python_scan_lines(buf: bytes, lo: int, hi: int, width: int) -> tuple[int, list[int]]:
    lo, hi = max(lo, 0), min(hi, len(buf))
    if lo >= hi:
        return 0, []
    first = buf.find(b"\n", lo, hi)
    ends = [lo + width] if (first if first >= 0 else hi) - lo == width else []
    ends.extend(m.end() for m in _cut_line(width).finditer(buf, lo, hi))
    return newlines(buf, lo, hi), ends


def glue(buf: bytes, cuts: list[int], end: int, width: int) -> tuple[bytes, list[int], list[int]]:
    """The glued texts of the events that hold cut lines, for one matcher pass: (the
    texts joined, where each ends in them, the end of its run's first cut line).

    `cuts`: sorted ends of lines exactly `width` long; runs whose first line starts at
    or after `end` are left out. A run of cut lines and the line after it make one glued
    line in their event, right after that line, and the next line follows
    (grouping.Grouper): each text is that line, the glued line and the next, each
    followed by a newline."""
    if _native_glue is not None:
        return _native_glue(buf, cuts, end, width)
    return python_glue(buf, cuts, end, width)


def python_glue(buf: bytes, cuts: list[int], end: int, width: int) -> tuple[bytes, list[int], list[int]]:
    find, size = buf.find, len(buf)
    parts: list[bytes] = []
    ends: list[int] = []
    firsts: list[int] = []
    joined = 0
    i, count = 0, len(cuts)
    while i < count:
        first = last = cuts[i]
        i += 1
        while i < count and cuts[i] == last + width + 1:  # the next line is cut too
            last = cuts[i]
            i += 1
        if first - width >= end:
            break
        if first < width or last > size:
            raise ValueError("a cut line outside the buffer")
        nl = find(b"\n", last + 1)
        nl = size if nl < 0 else nl
        after = find(b"\n", nl + 1)
        after = size if after < 0 else after
        line = buf[last + 1:nl]
        run = buf[first - width:last]
        if last != first:
            run = run.replace(b"\n", b"")
        tail = buf[nl + 1:after]
        parts += (line, b"\n", run, line, b"\n", tail, b"\n")
        joined += 2 * len(line) + len(run) + len(tail) + 3
        ends.append(joined)
        firsts.append(first)
    return b"".join(parts), ends, firsts


_CUT_LINES: dict[int, re.Pattern[bytes]] = {}


def _cut_line(width: int) -> re.Pattern[bytes]:
    # the leading newline is a literal `re` skips to with memchr
    pattern = _CUT_LINES.get(width)
    if pattern is None:
        pattern = _CUT_LINES[width] = re.compile(rb"\n[^\n]{%d}(?=\n|\Z)" % width)
    return pattern
