"""The diagnostics engine: lines in, one Finding per (failure, resource) out."""

from __future__ import annotations

import re
import time
from _thread import RLock  # what threading.RLock() returns, without importing threading
from collections.abc import Iterable
from typing import BinaryIO

from checks.engine.grouping import Grouper, is_continuation, is_head, is_sync_point
from checks.engine.matcher import DAMAGE, RE_FLAGS, make_matcher
from checks.engine.normalize import (
    MAX_LINE,
    RAW_MAX_LINE,
    decode,
    evidence_text,
    normalise,
    prepare_line_and_width,
    remove_noise,
    remove_noise_into,
    to_bytes,
)
from checks.engine.normalize import REMOVAL_TRIGGERS as NOISE_TRIGGERS
from checks.model import RECOGNITION_KINDS, Finding, KnownFailure, Source
from petstore_core.redact import redact

MAX_EVIDENCE = 5
MAX_RESOURCES = 500  # distinct resources kept for one catalog entry
OTHER_RESOURCES = "(other resources)"
# Bytes read and scanned at once by the bulk path. 2 MiB rather than 8: the few passes
# over a block (newline count, Hyperscan, noise checks) then run in cache, and blocks
# this size are reused by malloc instead of being mapped (and page-faulted) afresh;
# the 1,000,000-line benchmark scans ~8% faster. Findings do not depend on it.
BLOCK_SIZE = 2 * 1024 * 1024
NO_SYNC_LIMIT = 16 * 1024 * 1024  # bytes without a sync point after which a block is taken whole
ANY = Source.ANY.value
_ISO = re.compile(
    rb"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,]\d+)?\s?(Z|[+-]\d\d:?\d\d)?"
)
# IAM's wording in every AWS SDK: `... is not authorized to perform: ec2:CreateTags ...`
_ACTION = re.compile(r"not\s+authorized\s+to\s+perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)", re.IGNORECASE)


def _event_time(first_line: bytes, default: float) -> float:
    """The ISO-8601 timestamp at the start of an event (UTC when no offset), else default."""
    m = _ISO.search(first_line[:80])
    if not m:
        return default
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return default  # what calendar.timegm rejects (through datetime.date)
    stamp = _timegm(year, month, day, hour, minute, second)
    zone = m.group(7)
    if zone and zone not in (b"Z", b"z"):
        sign = 1 if zone[:1] == b"+" else -1
        digits = zone[1:].replace(b":", b"")
        stamp -= sign * (int(digits[:2]) * 3600 + int(digits[2:4]) * 60)
    return float(stamp)


_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
_EPOCH_ORDINAL = 719163  # datetime.date(1970, 1, 1).toordinal()


def _timegm(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int:
    """calendar.timegm for a valid year and month (the day and time are not checked,
    as there): the same arithmetic as datetime's ordinals, without importing calendar,
    datetime and locale at every start."""
    before = year - 1
    ordinal = before * 365 + before // 4 - before // 100 + before // 400 + _DAYS_BEFORE_MONTH[month - 1] + 1
    if month > 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        ordinal += 1
    days = ordinal - _EPOCH_ORDINAL + day - 1
    return ((days * 24 + hour) * 60 + minute) * 60 + second


def release_for_action(action: str) -> str | None:
    """The controller release that first needed `action` (checks/alb_policy.py), if known."""
    from checks import alb_policy  # start-up time: only a denied IAM action needs the table

    return alb_policy.release_introducing(action)


class Acks:
    """What the operator chose not to see: (failure id, resource or None for all)."""

    def __init__(self, pairs: Iterable[tuple[str, str | None]] = ()):
        self._pairs = {(fid, res or None) for fid, res in pairs}

    def covers(self, failure_id: str, resource: str) -> bool:
        return (failure_id, None) in self._pairs or (failure_id, resource) in self._pairs

    def __bool__(self) -> bool:
        return bool(self._pairs)


class Engine:
    """Feed it lines (str or bytes) from any number of streams; read findings any time."""

    def __init__(self, catalog: Iterable[KnownFailure], matcher: str | object | None = None,
                 acks: Acks | None = None, clock=time.time, cache_dir=None):
        self.catalog = tuple(catalog)
        self.by_id = {entry.id: entry for entry in self.catalog}
        signatures: list[str] = []
        self._owner: list[KnownFailure] = []  # signature index -> entry
        self._kinds: list[str] = []  # signature index -> how it recognises (RECOGNITION_KINDS)
        for entry in self.catalog:
            for number, signature in enumerate(entry.signatures):
                signatures.append(signature)
                self._owner.append(entry)
                self._kinds.append(entry.signature_kind(number))
        # an event matched by several signatures of one entry counts as the most confident
        self._confidence = [(RECOGNITION_KINDS.index(kind), i) for i, kind in enumerate(self._kinds)]
        if matcher is None or isinstance(matcher, str):
            self.matcher = make_matcher(signatures, matcher, cache_dir)
        else:
            self.matcher = matcher
        # compiled on an entry's first finding (most runs see few entries), or all at once
        # from the cache folder's stored compiled form
        self._resource_patterns: dict[str, re.Pattern[str] | None] = {}
        if cache_dir is not None and hasattr(self.matcher, "use_patterns"):
            self._load_compiled(signatures, cache_dir)
        self.acks = acks or Acks()
        self._clock = clock
        self._findings: dict[tuple[str, str], Finding] = {}
        self._raw_evidence: dict[tuple[str, str], list[str]] = {}  # unredacted twins of evidence
        self._latest: dict[tuple[str, str], str] = {}
        self._per_entry: dict[str, int] = {}
        self._groupers: dict[tuple[str, ...], Grouper] = {}
        self._lock = RLock()
        self.lines_read = 0

    def _load_compiled(self, signatures: list[str], cache_dir) -> None:
        """Every signature and resource pattern compiled at once, through the cache of
        compiled regexes (checks/engine/compiled.py): the same patterns, without the cost
        of compiling them in every run."""
        from checks.engine.compiled import compile_all

        with_resource = [entry for entry in self.catalog if entry.resource_pattern]
        items = [(signature.encode("utf-8"), RE_FLAGS) for signature in signatures]
        items += [(entry.resource_pattern, re.IGNORECASE) for entry in with_resource]
        compiled = compile_all(items, cache_dir)
        self.matcher.use_patterns(compiled[:len(signatures)])
        self._resource_patterns = dict.fromkeys(self.by_id)
        self._resource_patterns.update(zip((e.id for e in with_resource), compiled[len(signatures):], strict=True))

    # -------------------------------------------------------------- line by line
    def feed(self, line: str | bytes, source: str = ANY, resource: str = "",
             simulated: bool = False) -> list[Finding]:
        """One line (a trailing newline is dropped). Returns the findings it changed.
        `simulated`: no program printed it; a finding resting only on such lines says so."""
        source = _source_value(source)
        raw = to_bytes(line)
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        parts = raw.split(b"\n") if b"\n" in raw else (raw,)
        changed: dict[tuple[str, str], Finding] = {}
        with self._lock:
            grouper = self._grouper(source, resource, simulated)
            for part in parts:
                self.lines_read += 1
                for event, peek in grouper.push_peeking(*prepare_line_and_width(part)):
                    self._handle_event(event, source, resource, changed, peek=peek, simulated=simulated)
            return self._settle(list(changed.values()))

    def feed_many(self, lines: Iterable[str | bytes], source: str = ANY, resource: str = "") -> list[Finding]:
        changed: dict[tuple[str, str], Finding] = {}
        for line in lines:
            for finding in self.feed(line, source, resource):
                changed[finding.key] = finding
        return list(changed.values())

    def flush(self, source: str | None = None, resource: str | None = None) -> list[Finding]:
        """End of stream(s): close pending events (a traceback waiting for its last line)."""
        changed: dict[tuple[str, str], Finding] = {}
        with self._lock:
            for key in list(self._groupers):
                if (source is None or key[0] == _source_value(source)) and (resource is None or key[1] == resource):
                    for event in self._groupers.pop(key).flush():
                        self._handle_event(event, key[0], key[1], changed, simulated=len(key) > 2)
            return self._settle(list(changed.values()))

    def _grouper(self, source: str, resource: str, simulated: bool = False) -> Grouper:
        # simulated lines group apart: one event never mixes them with printed ones
        key = (source, resource, "simulated") if simulated else (source, resource)
        grouper = self._groupers.get(key)
        if grouper is None:
            grouper = self._groupers[key] = Grouper()
        return grouper

    # -------------------------------------------------------------- bulk
    def scan_file(self, path, source: str = ANY, resource: str | None = None) -> list[Finding]:
        """A whole file through the bulk path. Raises OSError (IsADirectoryError, ...)."""
        with open(path, "rb") as handle:
            return self.scan_stream(handle, source, str(path) if resource is None else resource)

    def scan_bytes(self, data: bytes, source: str = ANY, resource: str = "") -> list[Finding]:
        import io

        return self.scan_stream(io.BytesIO(data), source, resource)

    def scan_stream(self, stream: BinaryIO, source: str = ANY, resource: str = "",
                    block_size: int = BLOCK_SIZE) -> list[Finding]:
        """A binary stream through the bulk path: one matcher pass over each block of
        lines, Python work only around the lines the matcher flags. Same findings as
        feeding the lines one by one and flushing."""
        source = _source_value(source)
        changed: dict[tuple[str, str], Finding] = {}
        carry = b""  # lines from the last sync point of the previous block, noise removed
        pending = b""  # raw bytes of an unfinished line (never more than RAW_MAX_LINE)
        skipping = False  # inside the tail of a line longer than RAW_MAX_LINE
        read = getattr(stream, "read1", None) or stream.read
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
                noisy = any(t in chunk for t in NOISE_TRIGGERS) or any(t in pending for t in NOISE_TRIGGERS)
                split = None if noisy else _first_sync_point(chunk, start, cut + 1)
                if split is None:
                    # one copy of the block: carry, the unfinished line and this chunk's lines
                    if noisy:  # cleaned line by line where noisy; still one copy of the block
                        first = chunk.find(b"\n", start)
                        parts = [carry, remove_noise(pending + chunk[start:first + 1])]
                        remove_noise_into(parts, chunk, first + 1, cut + 1)
                        buf = b"".join(parts)
                        del parts
                    else:
                        view = memoryview(chunk)[start:cut + 1]
                        buf = b"".join((carry, pending, view))
                        view.release()
                    carry = self._bulk_block(buf, 0, len(buf), source, resource, changed, final=False)
                else:
                    # no copy of the chunk: the few lines before its first sync point go
                    # with the carry and the unfinished line; the rest is scanned in place
                    # (with the sync line itself, which the head's last event peeks at: the
                    # head is processed up to it, and the in-place pass starts there)
                    head = b"".join((carry, pending, chunk[start:chunk.find(b"\n", split) + 1]))
                    self._bulk_block(head, 0, len(head), source, resource, changed, final=False)
                    carry = self._bulk_block(chunk, split, cut + 1, source, resource, changed, final=False)
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
                    changed: dict, final: bool) -> bytes:
        """Scan buf[lo:hi] (whole lines, each ending in a newline, starting at a sync point,
        ANSI, CR and NUL already removed). Processes everything up to the last sync point
        (or all of it when `final`) and returns the rest, scanned again with the next block.

        One matcher pass flags candidate lines; around each, a region from the sync point
        before to the one after is grouped into events like the line-by-line path does,
        and only those events meet the full regexes."""
        end = hi
        if not final:
            end = _last_sync_point(buf, lo, hi)
            if end <= lo:
                if hi - lo < NO_SYNC_LIMIT:
                    return buf[lo:hi]  # too little to know where the event ends: wait for more
                end = hi  # no sync point in 16 MiB (pathological input): take it all
        self.lines_read += newlines(buf, lo, end)
        if lo == 0 and hi == len(buf):
            hits = self.matcher.candidates(buf)
        else:
            with memoryview(buf) as view, view[lo:hi] as part:
                hits = [(index, offset + lo) for index, offset in self.matcher.candidates(part)]
        if hits:
            hits.sort(key=lambda hit: hit[1])
            # The matcher flags every line holding a paste-damage trigger (DAMAGE): only
            # those lines change when normalised (noise is gone already), so only they are.
            damaged = {buf.rfind(b"\n", 0, offset - 1) + 1 for index, offset in hits if index == DAMAGE}
            region_start = region_end = lo
            region_ids: set[int] = set()
            for index, offset in hits:
                pos = offset - 1 if offset > lo else lo
                # a hit may end in the line an event peeks at: the region starts with the
                # event before the hit's line (the line before it starts no later); a hit
                # in the line at `end` counts for the event before it, here, and for its
                # own event with the next block
                line_start = buf.rfind(b"\n", lo, pos) + 1 or lo
                anchor = _line_start(buf, line_start - 1) if line_start > lo else lo
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
        return buf[end:hi]

    @staticmethod
    def _line_after(buf: bytes, at: int, hi: int) -> bytes | None:
        """The line a region ending at `at` peeks at (a sync point: a whole line before
        `hi`), or None at the end of the data."""
        return _line_at(buf, at)[:MAX_LINE] if at < hi else None

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
            at = start
            for number, line in enumerate(lines):
                if at in damaged:
                    lines[number] = normalise(line)
                at += len(line) + 1
        else:
            verify = self.matcher.verify
        for line, width in zip(lines, widths, strict=True):
            for event, peek in grouper.push_peeking(line[:MAX_LINE], width):
                self._handle_event(event, source, resource, changed, verify, ids, peek)
        for event in grouper.flush():
            self._handle_event(event, source, resource, changed, verify, ids, after)

    # -------------------------------------------------------------- findings
    def _handle_event(self, lines: list[bytes], source: str, resource: str, changed: dict,
                      verify=None, ids: set[int] | None = None, peek: bytes | None = None,
                      simulated: bool = False) -> None:
        event = lines[0] if len(lines) == 1 else b"\n".join(lines)
        limit = None
        if peek is not None:  # the event's text, then the line after it; a match starts in the event
            limit = len(event)
            lines = [*lines, peek]
            event = event + b"\n" + peek
        matched = verify(event, ids, limit) if verify is not None else self.matcher.match(event, limit)
        if not matched:
            return
        seen: set[str] = set()
        for index in sorted(matched, key=self._confidence.__getitem__):
            entry = self._owner[index]
            if entry.id in seen or not _applies(entry, source):
                continue
            seen.add(entry.id)
            finding = self._record(entry, index, lines, event, source, resource, simulated)
            changed[finding.key] = finding

    def _record(self, entry: KnownFailure, index: int, lines: list[bytes], event: bytes,
                source: str, resource: str, simulated: bool = False) -> Finding:
        text = decode(event)
        where = resource
        pattern = self._resource_pattern(entry)
        if pattern is not None:
            m = pattern.search(text)
            if m and m.group("resource"):
                where = redact(m.group("resource").strip())
        now = _event_time(lines[0], self._clock())
        key = (entry.id, where)
        finding = self._findings.get(key)
        if finding is None and self._per_entry.get(entry.id, 0) >= MAX_RESOURCES:
            # a resource pattern that captures something unbounded (request ids...) must
            # not grow memory without end: the rest fold into one finding
            where = OTHER_RESOURCES
            key = (entry.id, where)
            finding = self._findings.get(key)
        if finding is None:
            self._per_entry[entry.id] = self._per_entry.get(entry.id, 0) + 1
            finding = Finding(
                failure_id=entry.id, title=entry.title, severity=entry.severity, resource=where,
                source=source, count=0, first_seen=now, last_seen=now, fix=entry.fix,
                explanation=entry.explanation, details=_jsonable(entry.extra),
                acknowledged=self.acks.covers(entry.id, where), simulated=simulated,
            )
            self._findings[key] = finding
        finding.simulated = finding.simulated and simulated
        finding.count += 1
        kind = self._kinds[index]
        finding.recognition[kind] = finding.recognition.get(kind, 0) + 1
        finding.first_seen = min(finding.first_seen, now)
        finding.last_seen = max(finding.last_seen, now)
        raw = _evidence(lines, self.matcher.patterns[index])
        seen = self._raw_evidence.setdefault(key, [])
        if len(finding.evidence) < MAX_EVIDENCE:
            if raw not in seen:
                seen.append(raw)
                finding.evidence.append(redact(raw))
        elif raw not in seen[:MAX_EVIDENCE - 1]:
            # keep the first ones and the latest one; redacting is the costly part, so
            # the latest is redacted only when someone reads the finding (the outcome is
            # the same however often that happens)
            self._latest[key] = raw
        self._details(entry, finding, text)
        return finding

    def _resource_pattern(self, entry: KnownFailure) -> re.Pattern[str] | None:
        try:
            return self._resource_patterns[entry.id]
        except KeyError:
            pattern = re.compile(entry.resource_pattern, re.IGNORECASE) if entry.resource_pattern else None
            self._resource_patterns[entry.id] = pattern
            return pattern

    def _settle(self, findings):
        """Put the pending latest evidence line into findings about to be read."""
        for finding in findings:
            raw = self._latest.pop(finding.key, None)
            if raw is not None:
                seen = self._raw_evidence.setdefault(finding.key, [])
                if seen:
                    seen[-1] = raw
                finding.evidence[-1] = redact(raw)
        return findings

    def _details(self, entry: KnownFailure, finding: Finding, text: str) -> None:
        m = _ACTION.search(text)
        if not m:
            return
        action = m.group(1)
        actions = finding.details.setdefault("actions", [])
        if action not in actions and len(actions) < 50:
            actions.append(action)
        finding.details.setdefault("action", action)
        releases = finding.details.setdefault("releases", {})
        if action not in releases:
            release = release_for_action(action)
            if release is None and str(entry.extra.get("action", "")).lower() == action.lower():
                release = entry.extra.get("since")
            if release:
                releases[action] = str(release)
                finding.details.setdefault("release", str(release))

    def findings(self, include_acknowledged: bool = True) -> list[Finding]:
        """Worst first, then most frequent, then by id and resource."""
        with self._lock:
            items = [f for f in self._findings.values() if include_acknowledged or not f.acknowledged]
            self._settle(items)
        return sorted(items, key=lambda f: (-f.severity.rank, -f.count, f.failure_id, f.resource))

    def add_finding(self, finding: Finding) -> Finding:
        """A finding from elsewhere (a live probe): folded in like one seen in a log."""
        with self._lock:
            existing = self._findings.get(finding.key)
            if existing is None:
                finding.acknowledged = finding.acknowledged or self.acks.covers(*finding.key)
                finding.evidence = [redact(e) for e in finding.evidence][:MAX_EVIDENCE]
                self._findings[finding.key] = finding
                self._raw_evidence[finding.key] = list(finding.evidence)
                return finding
            existing.count += finding.count
            existing.last_seen = max(existing.last_seen, finding.last_seen)
            existing.simulated = existing.simulated and finding.simulated
            seen = self._raw_evidence.setdefault(finding.key, [])
            for line in finding.evidence:
                line = redact(line)
                if len(existing.evidence) < MAX_EVIDENCE and line not in existing.evidence:
                    existing.evidence.append(line)
                    seen.append(line)
            return existing

    def reset(self) -> None:
        with self._lock:
            self._findings.clear()
            self._raw_evidence.clear()
            self._latest.clear()
            self._per_entry.clear()
            self._groupers.clear()
            self.lines_read = 0


# ------------------------------------------------------------------ helpers
def _source_value(source) -> str:
    return source.value if isinstance(source, Source) else str(source or ANY)


def _applies(entry: KnownFailure, source: str) -> bool:
    """An entry fires on its own sources, and on anything whose origin is unknown."""
    if source == ANY or Source.ANY in entry.sources:
        return True
    return any(s.value == source for s in entry.sources) or source not in _SOURCE_VALUES


_SOURCE_VALUES = {s.value for s in Source}


def _evidence(lines: list[bytes], pattern: re.Pattern[bytes]) -> str:
    """The lines the match spans (at most three), a long one cut to a window around the
    match so the words that matter are in it. Not yet redacted."""
    event = lines[0] if len(lines) == 1 else b"\n".join(lines)
    m = pattern.search(event)
    if m is None:  # cannot happen for a verified event; show its head
        return evidence_text(lines[0])
    first = event.count(b"\n", 0, m.start())
    last = event.count(b"\n", 0, max(m.end() - 1, m.start()))
    line_start = event.rfind(b"\n", 0, m.start()) + 1
    out = []
    for number in range(first, min(last, first + 2) + 1):
        line = lines[number]
        at = m.start() - line_start if number == first else 0
        out.append(evidence_text(line, at))
    return "\n".join(out)


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


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
    return normalise(line) if damaged is None or start in damaged else line


def _sync_before(buf: bytes, start: int, floor: int, damaged: set[int] | None = None) -> int:
    """The nearest sync point at or before the line starting at `start` (never below
    `floor`, itself a sync point or the block start)."""
    while start > floor:
        prev_start = _line_start(buf, start - 1)
        if is_sync_point(_line_at(buf, start, damaged), _line_at(buf, prev_start, damaged), start - 1 - prev_start):
            return start
        start = prev_start
    return floor


def _sync_after(buf: bytes, pos: int, end: int, damaged: set[int] | None = None) -> int:
    """The first sync point after the line holding `pos` (or `end`)."""
    start = _line_start(buf, pos)
    while True:
        nl = buf.find(b"\n", start)
        if nl < 0 or nl + 1 >= end:
            return end
        nxt = nl + 1
        if is_sync_point(_line_at(buf, nxt, damaged), _line_at(buf, start, damaged), nl - start):
            return nxt
        start = nxt


def _last_sync_point(buf: bytes, lo: int, hi: int) -> int:
    """Start of the last line in buf[lo:hi] that is a sync point (hi follows a newline),
    or lo when there is none."""
    start = _line_start(buf, hi - 1)  # the last line
    while start > lo:
        prev_start = max(_line_start(buf, start - 1), lo)
        if is_sync_point(_line_at(buf, start), normalise(buf[prev_start:start - 1]), start - 1 - prev_start):
            return start
        start = prev_start
    return lo


def _first_sync_point(chunk: bytes, start: int, hi: int, limit: int = 1000) -> int | None:
    """The first sync point in chunk[start:hi] whose previous line lies wholly in the
    chunk (the first line may continue an unfinished one), within `limit` lines."""
    first = chunk.find(b"\n", start)
    if first < 0 or first + 1 >= hi:
        return None
    prev = first + 1
    for _ in range(limit):
        nl = chunk.find(b"\n", prev)
        if nl < 0 or nl + 1 >= hi:
            return None
        line = nl + 1
        if is_sync_point(_line_at(chunk, line), normalise(chunk[prev:nl]), nl - prev):
            return line
        prev = line
    return None


__all__ = ["Acks", "Engine", "release_for_action", "is_continuation", "is_head"]
