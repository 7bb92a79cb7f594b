"""Newlines and cut lines of a block, in one pass.

The bulk path counts every newline (`lines_read`) and must know the lines exactly
WRAP_WIDTH bytes long: grouping.Grouper joins the next line onto such a line and glues
the two back together, so a message a terminal cut there still reads whole. Logs that
nobody pasted are full of such lines by chance (3.6% of the benchmark's log: a format
whose lines are often 80 bytes), so finding them must cost little. A regex over the
block (`re` or Hyperscan's bounded repeat) costs 1.2-1.4 ms a megabyte, more than the
signature scan itself; one memchr per line in C costs ~0.1 (_line_scan.c, built by
`pip install`, so by ./dev setup). Without a C compiler the `re` way below is used: the
same answers, slower.

The Hyperscan matcher must also flag the lines whose event text the grouping changes: it
matches raw lines, so their events are checked in full (checks/engine/matcher.py). A
tool prefix before indentation or a box border (grouping.PREFIXED_OR_BOXED) is tried at
every line start: as patterns in its database they cost ~40 ms on bench_diagnose's
111 MB log, nearly what the signatures cost. The native pass that counts the newlines
tests each line's first bytes instead (most lines fail each alternative within a few
bytes), ~12 ms; `prefixed_lines` does the same for any other block.

The grouping also drops a tool prefix that is not followed by indentation, from a line it
joins to the line before (`Grouper` appends the line's body): after a line cut at
WRAP_WIDTH, and a PostgreSQL secondary line (DETAIL, HINT, ...) after its message. Such a
line reads `cut\nbody` in its event but `cut\nprefix body` in the raw block, so a
signature across the two matched in the event only (docs/knowledge/diagnose-speed.md,
rounds 7 and 8). The same pass flags the PostgreSQL ones (a prefix, anything after it,
on a line holding a label anywhere: a superset, the grouping looks in the body's first
200 bytes); the glued texts (`glue`) carry the others: a run whose lines lose a prefix
is matched as its event holds it. Flagging those too would check ~3,600 events of
bench_diagnose's log in full (80-column lines before kubectl-timestamped ones), +80 ms."""

from __future__ import annotations

import re

from checks.engine.grouping import (
    _PG_SECONDARY,
    _PREFIX,
    PREFIXED,
    PREFIXED_OR_BOXED,
    WRAP_MARKS,
    split,
)
from checks.engine.normalize import _RECORD_TIMES, DAMAGE_TRIGGERS, REMOVAL_TRIGGERS
from checks.engine.sync_points import newlines

try:
    import checks.engine._line_scan as _native
except ImportError:  # not built: no compiler where the project was installed
    _native_glue = _native_noisy = _native_scan = _native_scan_clean = _native_records = None
    _native_longer = _native_rewrites = False
else:
    # VERSION 2: scan() finds the prefixed lines too; 3: noisy(); 4: scan_clean(); 5: the
    # `longer` count; 6: Triggers, for normalize.damage (normalize.py). An older build (from an older _line_scan.c, until ./dev setup
    # rebuilds it) is left for Python where it lacks a function, so a build of 2 keeps
    # its native scan and glue.
    _recent = getattr(_native, "VERSION", 0) >= 2
    _native_longer = getattr(_native, "VERSION", 0) >= 5
    _native_glue, _native_scan = (_native.glue, _native.scan) if _recent else (None, None)
    if getattr(_native, "VERSION", 0) < 7:  # its glue keeps the prefixes of the lines joined after a cut
        _native_glue = None
    _native_noisy = getattr(_native, "noisy", None)
    _native_scan_clean = getattr(_native, "scan_clean", None) if _recent else None
    # 7: the prefixed lines after a cut line and the prefixed PostgreSQL secondary lines;
    # an older build misses them, so the prefixed lines are asked of Python there
    _native_rewrites = getattr(_native, "VERSION", 0) >= 7
    # 8: records(), the flat JSON record lines of a block (without it, none are told apart);
    # 9: an `&` not before an entity's second byte no longer refuses a line (8 refused any)
    _native_records = getattr(_native, "records", None) if getattr(_native, "VERSION", 0) >= 8 else None

NATIVE = _native_scan is not None

# records() decides a record's line by looking for none of these bytes (or pairs) in the
# text a record reads as (or, for one normalise leaves as it is, in the whole line): it
# holds no trigger of normalize.STEPS then only if every replacing trigger and wrap mark
# holds one of them, but for the record keys themselves (a no-op on a record that is not
# unwrapped). Checked here, once: a new trigger without one turns the shortcut off.
_REFUSED = (b"\\", b"&q", b"&#", b"&a", b"&l", b"&g", b"&n", b"`", b"**", b"](http", b"\xc2", b"\xe2")
RECORD_SAFE = all(trigger in (b'"log":', b'"message":') or any(part in trigger for part in _REFUSED)
                  for trigger in (*DAMAGE_TRIGGERS, *WRAP_MARKS))
RECORD_TIMES = tuple(key.encode() for key in _RECORD_TIMES)


def records(buf: bytes, lo: int, hi: int, width: int, longest: int) -> tuple | None:
    """The record lines of buf[lo:hi] (whole lines) that normalize.normalise reads as
    their text or leaves as they are, decided natively (_line_scan.c `records`), or None
    when it finds none or is not built: (the lines with those read as their text, the
    starts and the ends (newlines) of those lines in it, the same in buf, the starts in
    it of those left as they are). A line `width` long or within two lines after one,
    a line longer than `longest` and the block's first two lines are never read as their
    text (the grouping and the glued texts read them raw: bulk_scan.py says why)."""
    if _native_records is None or not RECORD_SAFE:
        return None
    return _native_records(buf, lo, hi, width, longest, RECORD_TIMES)


def scan_lines(buf: bytes | memoryview, lo: int, hi: int, width: int, prefixed: bool = False,
               longer: int = -1) -> tuple:
    """(newlines in buf[lo:hi], the end offsets of its lines exactly `width` bytes long),
    and with `prefixed` the end offsets (of the newline, or `hi`) of its lines the grouping
    may rewrite: where grouping.PREFIXED_OR_BOXED matches (a tool prefix before
    indentation, a box border), and where grouping.PREFIX does (anything after it) on a
    line after a line of `width` bytes or on one holding grouping._PG_SECONDARY; and with
    `longer` >= 0, last, how many of its lines are longer than `longer` bytes (the bulk
    path asks for normalize.MAX_LINE: the lines matched only in part).
    A line starts at lo and after each newline; the last may lack its newline (the first
    line's previous one is not looked at: the range starts at a sync point)."""
    if _native_scan is not None and (_native_rewrites or not prefixed):
        if longer < 0:
            return _native_scan(buf, lo, hi, width, prefixed)
        if _native_longer:
            return _native_scan(buf, lo, hi, width, prefixed, longer)
        return (*_native_scan(buf, lo, hi, width, prefixed), _longer_lines(buf, lo, hi, longer))
    return python_scan_lines(buf, lo, hi, width, prefixed, longer)


def scan_clean(buf: bytes | memoryview, lo: int, hi: int, width: int, prefixed: bool = False,
               longer: int = -1) -> tuple | None:
    """scan_lines(...), or None when buf[lo:hi] holds a byte normalize.remove_noise
    deletes (what `noisy` tells). The native pass looks for those bytes in the same steps
    as the newlines: the bulk path asks this of a block's lines instead of a pass of
    `noisy` over the block and another of scan_lines (~4 ms less on bench_diagnose's
    111 MB log), and cleans the block when the answer is None."""
    if _native_scan_clean is not None and (longer < 0 or _native_longer) and (_native_rewrites or not prefixed):
        return _native_scan_clean(buf, lo, hi, width, prefixed, *(() if longer < 0 else (longer,)))
    part = buf[max(lo, 0):max(hi, lo, 0)]
    if noisy(part if isinstance(part, bytes) else bytes(part)):  # the Python noisy needs bytes
        return None
    return scan_lines(buf, lo, hi, width, prefixed, longer)


def noisy(data: bytes) -> bool:
    """Whether `data` holds a byte normalize.remove_noise deletes (REMOVAL_TRIGGERS): the
    bulk path asks it of every block it reads, so one native pass answers for the three
    (~4 ms on bench_diagnose's 111 MB log against ~7 for three `in` tests)."""
    if _native_noisy is not None:
        return _native_noisy(data)
    return any(trigger in data for trigger in REMOVAL_TRIGGERS)


def prefixed_lines(buf: bytes | memoryview) -> list[int]:
    """The ends of the lines of `buf` where grouping.PREFIXED_OR_BOXED matches, or a tool
    prefix on a line holding a PostgreSQL secondary label (no line counts as cut)."""
    if _native_scan is not None and _native_rewrites:
        return _native_scan(buf, 0, len(buf), -1, True)[2]
    data = bytes(buf) if isinstance(buf, memoryview) else buf
    return _python_prefixed_lines(data, 0, len(data))


def python_scan_lines(buf: bytes | memoryview, lo: int, hi: int, width: int, prefixed: bool = False,
                      longer: int = -1) -> tuple:
    lo, hi = max(lo, 0), min(hi, len(buf))
    longs = () if longer < 0 else (0,)
    if lo >= hi:
        return ((0, [], []) if prefixed else (0, [])) + longs
    buf = bytes(buf) if isinstance(buf, memoryview) else buf
    first = buf.find(b"\n", lo, hi)
    ends = [lo + width] if (first if first >= 0 else hi) - lo == width else []
    ends.extend(m.end() for m in _cut_line(width).finditer(buf, lo, hi))
    if longs:
        longs = (_longer_lines(buf, lo, hi, longer),)
    if prefixed:
        return (newlines(buf, lo, hi), ends, _python_prefixed_lines(buf, lo, hi), *longs)
    return (newlines(buf, lo, hi), ends, *longs)


def _longer_lines(buf: bytes | memoryview, lo: int, hi: int, longer: int) -> int:
    """How many lines of buf[lo:hi] are longer than `longer` bytes (the last may lack its
    newline). A block of `longer` bytes or fewer holds none: no pass over it."""
    lo, hi = max(lo, 0), min(hi, len(buf))
    if hi - lo <= longer:
        return 0
    return sum(len(line) > longer for line in bytes(buf[lo:hi]).split(b"\n"))


def glue(buf: bytes, cuts: list[int], end: int, width: int) -> tuple[bytes, list[int], list[int]]:
    """The glued texts of the events that hold cut lines, for one matcher pass: (the
    texts joined, where each ends in them, the end of its run's first cut line).

    `cuts`: sorted ends of lines exactly `width` long; runs whose first line starts at
    or after `end` are left out. A run of cut lines and the line after it make one glued
    line in their event, right after that line, and the next line follows
    (grouping.Grouper): each text is that line, the glued line and the next, each
    followed by a newline. Where a line joined after a cut line (the run's second and
    later lines, the line after it) has a tool prefix, the event holds its body
    (grouping.split): that text then starts with the run's lines as the event holds them,
    `C1\nbody(C2)\n...\nbody(L)\n`, instead of `L\n`."""
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
        # the lines joined after a cut line: the run's second and later ones, the line after it
        pieces = [*(run[at:at + width] for at in range(width, len(run), width)), line]
        bodies = []
        for piece in pieces:
            kind, text = split(piece)
            bodies.append(text if kind == PREFIXED else piece)
        if bodies != pieces:  # a prefix dropped: the run's lines as the event holds them
            head = b"\n".join((run[:width], *bodies)) + b"\n"
        else:
            head = line + b"\n"
        parts += (head, run, line, b"\n", tail, b"\n")
        joined += len(head) + len(line) + len(run) + len(tail) + 2
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


def _python_prefixed_lines(buf: bytes, lo: int, hi: int) -> list[int]:
    ends = set()
    for pattern in _prefixed_or_boxed():
        for m in pattern.finditer(buf, lo, hi):  # `^` matches at lo, a line start
            end = buf.find(b"\n", m.start(), hi)
            ends.add(hi if end < 0 else end)
    # a prefix, whatever follows it, on a line the grouping may join to a PostgreSQL
    # message without it (a label: the line starts at or before it)
    for m in _PG_SECONDARY.finditer(buf, lo, hi):
        start = buf.rfind(b"\n", lo, m.start()) + 1 or lo
        end = buf.find(b"\n", m.start(), hi)
        end = hi if end < 0 else end
        if end not in ends and m.end() <= end and _PREFIX.match(buf, start, end):
            ends.add(end)
    return sorted(ends)


_PREFIXED_OR_BOXED: list[re.Pattern[bytes]] = []


def _prefixed_or_boxed() -> list[re.Pattern[bytes]]:
    if not _PREFIXED_OR_BOXED:
        _PREFIXED_OR_BOXED.extend(re.compile(pattern, re.MULTILINE) for pattern in PREFIXED_OR_BOXED)
    return _PREFIXED_OR_BOXED
