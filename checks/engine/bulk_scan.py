"""The engine's bulk path: whole files and streams scanned block by block."""

from __future__ import annotations

import io
import os
from bisect import bisect_right

from checks.engine.grouping import WRAP_WIDTH, Grouper
from checks.engine.line_scan import glue, noisy, prefixed_lines, records, scan_clean, scan_lines
from checks.engine.literal_filter import DAMAGE
from checks.engine.matcher import LATE_STARTS
from checks.engine.normalize import (
    MAX_LINE,
    RAW_MAX_LINE,
    normalise_line,
    remove_noise,
    remove_noise_into,
)
from checks.engine.source_filter import ANY, source_value
from checks.engine.sync_points import (
    _first_sync_point,
    _last_sync_point,
    _line_start,
    _peek_line,
    _peeked_from,
    _sync_after,
    _sync_before,
)
from checks.model import Finding

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of diagnose's start)
if TYPE_CHECKING:
    from typing import BinaryIO

# Bytes read and scanned at once by the bulk path. 2 MiB rather than 8: the few passes
# over a block (newline count, Hyperscan, noise checks) then run in cache, and blocks
# this size are reused by malloc instead of being mapped (and page-faulted) afresh;
# the 1,000,000-line benchmark scans ~8% faster. Findings do not depend on it.
BLOCK_SIZE = 2 * 1024 * 1024
NO_SYNC_LIMIT = 16 * 1024 * 1024  # bytes without a sync point after which a block is taken whole
# DAMAGE hits in a block from which its JSON record lines are looked for (_record_hits):
# a log of records has one a line; other logs rarely more than a few a block
RECORD_HITS = 64


def _cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def _core_free() -> bool:
    """Whether a second core is likely free: two or more cores, and fewer tasks wanting
    one than cores over the last minute (the load average). On a 2-core machine at load
    7, a block's thread waited 0.8-11 ms for a core before scanning, where the block's
    whole scan takes ~0.7 ms (docs/knowledge/diagnose-speed.md, round 6)."""
    cores = _cores()
    if cores < 2:
        return False
    try:
        return os.getloadavg()[0] < cores
    except (AttributeError, OSError):  # no load average: the late-start guard decides
        return True


class LateStarts:
    """The late-start guard of a stream's threaded matcher passes: after LATE_STARTS
    blocks whose thread waited more than LATE_START for a core (a busy machine: the
    caller waits on it), the rest of the stream is scanned on one thread. The stream's
    first start is not counted: its thread comes after the process's start-up (or a
    pause) with the other core idle, and took 2.7-3.4 ms on a quiet machine where later
    starts take 0.07-0.24 ms (docs/knowledge/diagnose-speed.md, rounds 17 and 18)."""

    __slots__ = ("late", "starts")

    def __init__(self) -> None:
        self.late = 0
        self.starts = 0

    def keep(self, late: bool) -> bool:
        """After a block scanned on a thread that waited (`late`) or not for a core:
        whether the next block's pass may start one."""
        self.starts += 1
        if late and self.starts > 1:
            self.late += 1
        return self.late < LATE_STARTS


class BulkScan:
    """Engine's scan_file, scan_bytes and scan_stream: blocks cut at sync points, matched at once."""

    def scan_file(self, path, source: str = ANY, resource: str | None = None) -> list[Finding]:
        """A whole file through the bulk path. Raises OSError (IsADirectoryError, ...)."""
        with open(path, "rb") as handle:
            return self.scan_stream(handle, source, str(path) if resource is None else resource)

    def scan_bytes(self, data: bytes, source: str = ANY, resource: str = "") -> list[Finding]:
        return self.scan_stream(io.BytesIO(data), source, resource)

    def scan_stream(self, stream: BinaryIO, source: str = ANY, resource: str = "",
                    block_size: int = BLOCK_SIZE) -> list[Finding]:
        """A binary stream through the bulk path: one matcher pass over each block of
        lines, Python work only around the lines the matcher flags. Same findings as
        feeding the lines one by one and flushing."""
        source = source_value(source)
        changed: dict[tuple[str, str], Finding] = {}
        carry = b""  # lines from the last sync point of the previous block, noise removed
        pending = b""  # raw bytes of an unfinished line (never more than RAW_MAX_LINE)
        skipping = False  # inside the tail of a line longer than RAW_MAX_LINE
        read = getattr(stream, "read1", None) or stream.read
        # the matcher's pass of a block on a second thread (matcher.candidates_begin), while
        # this one does the block's line pass: where a second core is free, and until a
        # thread has had to wait for one (on a busy machine a thread only waits)
        begin = getattr(self.matcher, "candidates_begin", None) if _core_free() else None
        guard = LateStarts()
        # the last block was read as JSON records (_record_hits): the next one tries that
        # first, and its raw pass (thrown away when records() answers) runs only if not
        record_blocks = False
        with self._lock:
            self.flush(source, resource)  # a bulk scan starts its streams fresh
            while True:
                chunk = read(block_size)
                if not chunk:
                    break
                start = 0
                if skipping:
                    nl = chunk.find(b"\n")
                    if nl < 0:
                        continue
                    start, skipping = nl + 1, False
                cut = chunk.rfind(b"\n", start)
                if cut < 0:
                    pending += chunk[start:]
                    if len(pending) > RAW_MAX_LINE:
                        carry, pending, skipping = self._huge_line(carry, pending, source, resource, changed)
                    continue
                if pending:
                    first = chunk.find(b"\n", start)
                    if len(pending) + first - start > RAW_MAX_LINE:  # the unfinished line got huge
                        pending = (pending + chunk[start:first])[:RAW_MAX_LINE]
                        start = first
                # the lines from the first sync point on are scanned first, looked at for
                # noise in the same native pass (line_scan.scan_clean): a clean block needs
                # no pass of its own for that, and one with noise is cleaned as before
                split = _first_sync_point(chunk, start, cut + 1)
                # the matcher's pass over those lines starts first, on a thread of its own
                # where it can (the system Hyperscan): the line pass, the head and the
                # glued texts are done meanwhile (_bulk_block waits for its hits)
                started = None if split is None or begin is None or record_blocks else begin(chunk, split, cut + 1)
                lines = None if split is None else scan_clean(chunk, split, cut + 1, WRAP_WIDTH,
                                                              self.matcher.flags_prefixed, MAX_LINE)
                if lines is None:
                    dirty = noisy(chunk) or noisy(pending)
                else:
                    dirty = noisy(chunk[start:split]) or noisy(pending)
                if dirty:
                    split = None
                if split is None:
                    started = None  # noise: the block is cleaned and scanned again (the thread is joined)
                    # one copy of the block: carry, the unfinished line and this chunk's lines
                    if dirty:  # cleaned line by line where noisy; still one copy of the block
                        first = chunk.find(b"\n", start)
                        parts = [carry, remove_noise(pending + chunk[start:first + 1])]
                        remove_noise_into(parts, chunk, first + 1, cut + 1)
                        buf = b"".join(parts)
                        del parts
                    else:
                        view = memoryview(chunk)[start:cut + 1]
                        buf = b"".join((carry, pending, view))
                        view.release()
                    carry = self._bulk_block(buf, 0, len(buf), source, resource, changed, final=False,
                                             records_first=record_blocks)
                    record_blocks = self._read_records
                else:
                    # no copy of the chunk: the few lines before its first sync point go
                    # with the carry and the unfinished line; the rest is scanned in place
                    # (with the sync line itself, which the head's last event peeks at: the
                    # head is processed up to it, and the in-place pass starts there)
                    head = b"".join((carry, pending, chunk[start:chunk.find(b"\n", split) + 1]))
                    self._bulk_block(head, 0, len(head), source, resource, changed, final=False)
                    carry = self._bulk_block(chunk, split, cut + 1, source, resource, changed, final=False,
                                             lines=lines, started=started, records_first=record_blocks)
                    record_blocks = self._read_records
                    if started is not None and not guard.keep(started.late):
                        begin = None
                    started = None
                pending = chunk[cut + 1:]
                if len(pending) > RAW_MAX_LINE:
                    carry, pending, skipping = self._huge_line(carry, pending, source, resource, changed)
            tail = carry + (remove_noise(pending) + b"\n" if pending else b"")
            if tail:
                self._bulk_block(tail, 0, len(tail), source, resource, changed, final=True)
            return self._settle(list(changed.values()))

    def _huge_line(self, carry: bytes, pending: bytes, source: str, resource: str, changed: dict):
        """A line longer than RAW_MAX_LINE: scan its head as a line, skip the rest."""
        buf = carry + remove_noise(pending[:RAW_MAX_LINE]) + b"\n"
        carry = self._bulk_block(buf, 0, len(buf), source, resource, changed, final=False)
        return carry, b"", True

    def _bulk_block(self, buf: bytes, lo: int, hi: int, source: str, resource: str,
                    changed: dict, final: bool, lines: tuple | None = None, started=None,
                    records_first: bool = False) -> bytes:
        """Scan buf[lo:hi] (whole lines, each ending in a newline, starting at a sync point,
        ANSI, CR and NUL already removed). Processes everything up to the last sync point
        (or all of it when `final`) and returns the rest, scanned again with the next block.

        One matcher pass flags candidate lines; around each, a region from the sync point
        before to the one after is grouped into events like the line-by-line path does,
        and only those events meet the full regexes. `lines`: what scan_lines answers for
        buf[lo:hi] (asked with longer=MAX_LINE) when the caller has it already; `started`:
        the matcher's pass over buf[lo:hi] running already (matcher.candidates_begin);
        `records_first`: the block before was read as records, so records() is asked
        before the raw pass, which runs only where it refuses. Sets `_read_records`:
        whether this block was read as records (_record_hits)."""
        self._read_records = records_first  # a block left for the next one keeps the stream's way
        end = hi
        if not final:
            end = _last_sync_point(buf, lo, hi)
            if end <= lo:
                if hi - lo < NO_SYNC_LIMIT:
                    return buf[lo:hi]  # too little to know where the event ends: wait for more
                end = hi  # no sync point in 16 MiB (pathological input): take it all
        # with the lines a tool prefix or a box border starts where the matcher must flag
        # them: one pass finds them, the newlines, the cut lines and the lines longer than
        # what is matched of a line (MAX_LINE: diagnose says how many)
        if lines is None:
            lines = scan_lines(buf, lo, hi, WRAP_WIDTH, self.matcher.flags_prefixed, MAX_LINE)
        count, cuts, *prefixed, longs = lines
        self.lines_read += count - (buf.count(b"\n", end, hi) if end < hi else 0)
        if longs:  # the lines after `end` come again with the next block: counted there
            self.lines_cut += longs - (scan_lines(buf, end, hi, WRAP_WIDTH, False, MAX_LINE)[-1] if end < hi else 0)
        # the glued texts' pass first: a started pass over the block runs meanwhile
        glued = self._glued_hits(buf, cuts, end) if cuts else None
        # in a log of records the raw pass's hits would be thrown away whole (round 18:
        # 0.28 of 0.66 s CPU on the app's access log); the shortcut is exact on any block
        # (tests/checks/test_record_lines.py forces it with RECORD_HITS 1)
        tried = records_first and started is None
        fast = records(buf, lo, hi, WRAP_WIDTH, MAX_LINE) if tried else None
        if fast is not None:
            hits = self._record_hits(fast, lo)
        elif started is not None:
            hits = started.hits()
            if lo:
                hits = [(index, offset + lo) for index, offset in hits]
        elif lo == 0 and hi == len(buf):
            hits = self.matcher.candidates(buf, prefixed=False)
        else:
            with memoryview(buf) as view, view[lo:hi] as part:
                hits = [(index, offset + lo) for index, offset in self.matcher.candidates(part, prefixed=False)]
        if fast is None and not tried and len(hits) >= RECORD_HITS and \
                sum(index == DAMAGE for index, _ in hits) >= RECORD_HITS:
            fast = records(buf, lo, hi, WRAP_WIDTH, MAX_LINE)
            if fast is not None:
                hits = self._record_hits(fast, lo)
        self._read_records = fast is not None
        for ends in prefixed:
            hits.extend((DAMAGE, end) for end in ends)
        if glued:
            hits.extend(glued)
        if hits:
            self._context_block = ((source, resource), buf, lo)  # ruled_out_by_context (core.py)
            hits.sort(key=lambda hit: hit[1])
            # The matcher flags every line holding a paste-damage trigger (DAMAGE): only
            # those lines change when normalised (noise is gone already), so only they are.
            damaged = {buf.rfind(b"\n", 0, offset - 1) + 1 for index, offset in hits if index == DAMAGE}
            if fast is not None:  # the records read as their text: normalised wherever a region holds them
                damaged.update(fast[2])
            region_start = region_end = lo
            region_ids: set[int] = set()
            for index, offset in hits:
                pos = offset - 1 if offset > lo else lo
                # a hit may end in the line an event peeks at: the region starts with the
                # event before the hit's line (the line before it starts no later; past
                # the blank and fence lines a peek skips); a hit in the line at `end`
                # counts for the event before it, here, and for its own event with the
                # next block
                line_start = buf.rfind(b"\n", lo, pos) + 1 or lo
                anchor = _peeked_from(buf, _line_start(buf, line_start - 1), lo, damaged) if line_start > lo else lo
                if anchor >= end:
                    break
                if region_ids and anchor < region_end:
                    region_ids.add(index)
                    if pos >= region_end:
                        region_end = _sync_after(buf, pos, end, damaged)
                    continue
                if region_ids:
                    self._bulk_region(buf, region_start, region_end, region_ids, damaged, source, resource,
                                      changed, self._line_after(buf, region_end, hi))
                region_start = _sync_before(buf, max(anchor, lo), region_end, damaged)
                region_end = _sync_after(buf, pos, end, damaged)
                region_ids = {index}
            if region_ids:
                self._bulk_region(buf, region_start, region_end, region_ids, damaged, source, resource, changed,
                                  self._line_after(buf, region_end, hi))
        self._keep_context((source, resource), buf, lo, end)
        return buf[end:hi]

    def _record_hits(self, fast: tuple, lo: int) -> list[tuple[int, int]]:
        """The matcher's hits over a block of JSON record lines, taken over the text the
        grouping reads there (line_scan.records: each record normalise() reads as its
        text holds that text instead), as offsets of the block's own lines.

        On a log of such records (`kubectl logs` of the Pet Store app: one JSON object a
        line) every line holds `"message":`, a paste-damage trigger, so every line was a
        DAMAGE hit and the whole block one region grouped and checked in full in Python
        (docs/knowledge/diagnose-speed.md, rounds 15 and 16). Here a record read as its
        text is a plain line of that text (no trigger in it: records() refuses others),
        and a record normalise() leaves as it is (its key the only trigger: a no-op there)
        drops its DAMAGE hit: the pass sees the event text of both, as on a plain log, so
        a signature across messages, one anchored at the line start (`^`) or one in a
        line a prefix then starts, is flagged where the events hold it. Each hit keeps its
        line (the region walks go by lines); the lines read as their text go into the
        region's `damaged` lines (normalised there, as the grouping reads them), and the
        raw line pass's flags (cut lines, prefixes, the glued texts) still hold: records()
        leaves a record raw at a cut line and the two lines after one."""
        text, starts, raw_starts, ends, raw_ends, same = fast
        skipping = getattr(self.matcher, "candidates_skipping", None)
        hits = None if skipping is None else skipping(text, same)  # the drop below, natively
        if hits is None:
            hits = self.matcher.candidates(text, prefixed=False)
        if starts and self.matcher.flags_prefixed:  # a prefix or box in a record's text
            hits.extend((DAMAGE, end) for end in prefixed_lines(text))
        same = set(same)
        rfind = text.rfind
        found = []
        for index, offset in hits:
            pos = offset - 1 if offset > 0 else 0
            if index == DAMAGE and same and rfind(b"\n", 0, pos) + 1 in same:
                continue  # the key of a record normalise() leaves as it is
            line = bisect_right(starts, pos) - 1
            if line < 0:
                found.append((index, offset + lo))
            elif pos <= ends[line]:  # in a record read as its text (or at its newline)
                found.append((index, raw_starts[line] + offset - starts[line]))
            else:
                found.append((index, raw_ends[line] + offset - ends[line]))
        return found

    def _glued_hits(self, buf: bytes, cuts: list[int], end: int) -> list[tuple[int, int]]:
        """A DAMAGE hit for each run of cut lines (`cuts`: where lines exactly WRAP_WIDTH
        long end) whose event's glued text may match: a signature or a paste-damage
        trigger across a cut. Such lines are common by chance and their glued text rarely
        holds anything, so one matcher pass over all the glued texts of the block
        (line_scan.glue) spares grouping and checking each of their events in full. The
        rest of such an event is raw text that the block's own pass has seen."""
        joined, ends, firsts = glue(buf, cuts, end, WRAP_WIDTH)
        if not joined:
            return []
        flagged = {bisect_right(ends, offset - 1) for _, offset in self.matcher.candidates(joined)}
        return [(DAMAGE, firsts[n]) for n in sorted(flagged) if n < len(firsts)]

    @staticmethod
    def _line_after(buf: bytes, at: int, hi: int) -> bytes | None:
        """The line a region ending at `at` peeks at (from a sync point, the first whole
        line before `hi` that a peek does not skip: never past a block's last sync point,
        which is no such line), or None at the end of the data."""
        line = _peek_line(buf, at, hi)
        return None if line is None else line[:MAX_LINE]

    def _bulk_region(self, buf: bytes, start: int, end: int, ids: set[int], damaged: set[int],
                     source: str, resource: str, changed: dict, after: bytes | None) -> None:
        """buf[start:end] grouped into events; `damaged`: the starts of the lines that hold
        paste damage (the only ones normalising changes); the last event peeks at `after`."""
        grouper = Grouper()
        lines = buf[start:end].split(b"\n")
        if lines and lines[-1] == b"":
            lines.pop()
        widths = [len(line) for line in lines]  # as printed, before paste damage is undone
        if DAMAGE in ids:  # paste damage: normalised text may match any signature
            verify, ids = None, None
        else:  # the records read as their text only (_record_hits): their hits are the text's
            verify = self.matcher.verify
        if damaged:
            at = start
            for number, line in enumerate(lines):
                if at in damaged:
                    lines[number] = normalise_line(line)
                at += len(line) + 1
        self._context_pos = start  # the line being grouped, for ruled_out_by_context (core.py)
        for line, width in zip(lines, widths, strict=True):
            for event, peek in grouper.push_peeking(line[:MAX_LINE], width):
                self._handle_event(event, source, resource, changed, verify, ids, peek)
            self._context_pos += width + 1
        for event in grouper.flush():
            self._handle_event(event, source, resource, changed, verify, ids, after)
