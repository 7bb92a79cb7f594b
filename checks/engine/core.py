"""The diagnostics engine: lines in, one Finding per (failure, resource) out."""

from __future__ import annotations

import re
import time
from _thread import RLock  # what threading.RLock() returns, without importing threading
from collections import deque
from collections.abc import Iterable

from checks.catalog_entry import RULED_OUT_FLAGS
from checks.engine.bulk_scan import BulkScan
from checks.engine.compiled import compile_all
from checks.engine.event_time import event_time_at_start
from checks.engine.evidence import jsonable, match_evidence
from checks.engine.grouping import Grouper, prefixed_pod
from checks.engine.live_batch import BatchFeed
from checks.engine.matcher import RE_FLAGS, make_matcher
from checks.engine.normalize import (
    MAX_LINE,
    RAW_MAX_LINE,
    decode,
    prepare_line_and_width,
    remove_noise,
    to_bytes,
)
from checks.engine.source_filter import ANY, entry_applies, source_value
from checks.model import RECOGNITION_KINDS, Finding, KnownFailure
from petstore_core.redact import redact

MAX_EVIDENCE = 5
MAX_RESOURCES = 500  # distinct resources kept for one catalog entry
OTHER_RESOURCES = "(other resources)"
# IAM's wording in every AWS SDK: `... is not authorized to perform: ec2:CreateTags ...`
_ACTION = re.compile(r"not\s+authorized\s+to\s+perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)", re.IGNORECASE)


def release_for_action(action: str) -> str | None:
    """The controller release that first needed `action` (checks/alb_releases.py), if known."""
    # start-up time: only a denied IAM action needs the table (and not alb_policy's
    # policy reading, which imports dataclasses: checks/alb_releases.py)
    from checks import alb_releases

    return alb_releases.release_introducing(action)


class Acks:
    """What the operator chose not to see: (failure id, resource or None for all)."""

    def __init__(self, pairs: Iterable[tuple[str, str | None]] = ()):
        self._pairs = {(fid, res or None) for fid, res in pairs}

    def covers(self, failure_id: str, resource: str) -> bool:
        return (failure_id, None) in self._pairs or (failure_id, resource) in self._pairs

    def __bool__(self) -> bool:
        return bool(self._pairs)

    def set(self, failure_id: str, resource: str | None, on: bool) -> None:
        """Add or withdraw one acknowledgement (the panel's key, as `petstore-tui ack` does)."""
        (self._pairs.add if on else self._pairs.discard)((failure_id, resource or None))


def catalog_signatures(catalog: Iterable[KnownFailure]) -> list[str]:
    """Every entry's signatures, in the catalog's order: the matcher's expressions."""
    return [signature for entry in catalog for signature in entry.signatures]


class Engine(BulkScan, BatchFeed):
    """Feed it lines (str or bytes) from any number of streams, one by one or in batches
    (feed_lines); read findings any time."""

    def __init__(self, catalog: Iterable[KnownFailure], matcher: str | object | None = None,
                 acks: Acks | None = None, clock=time.time, cache_dir=None):
        self.catalog = tuple(catalog)
        self.by_id = {entry.id: entry for entry in self.catalog}
        signatures: list[str] = []
        self._owner: list[KnownFailure] = []  # signature index -> entry
        self._signatures_of: dict[str, range] = {}  # entry id -> its signatures' indices
        self._kinds: list[str] = []  # signature index -> how it recognises (RECOGNITION_KINDS)
        for entry in self.catalog:
            self._signatures_of[entry.id] = range(len(signatures), len(signatures) + len(entry.signatures))
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
        self._ruled_out_patterns: dict[str, tuple[re.Pattern[bytes], ...]] = {}  # compiled on first hit
        # the same for ruled_out_by_context: (when_event or None, its patterns)
        self._context_patterns: dict[str, tuple[re.Pattern[bytes] | None, tuple[re.Pattern[bytes], ...]]] = {}
        # ruled_out_by_context: each stream's last lines (noise removed), kept only when an
        # entry reads them, as many as the entry reading most; and where the event being
        # handled was closed: the line path's stream (its lines so far), or the bulk path's
        # block (stream, buffer, the block's start in it) and the line being grouped there
        self._context_lines = max((entry.context_lines for entry in self.catalog if entry.ruled_out_by_context),
                                  default=0)
        self._recent: dict[tuple[str, ...], deque[bytes]] = {}
        self._context_key: tuple[str, ...] = ()
        self._context_block: tuple[tuple[str, str], bytes, int] | None = None
        self._context_pos = 0
        if cache_dir is not None and hasattr(self.matcher, "use_patterns"):
            self._load_compiled(signatures, cache_dir)
        self.acks = acks or Acks()
        self._clock = clock
        self._findings: dict[tuple[str, str], Finding] = {}
        self._raw_evidence: dict[tuple[str, str], list[str]] = {}  # unredacted twins of evidence
        self._latest: dict[tuple[str, str], str] = {}
        self._per_entry: dict[str, int] = {}
        self._groupers: dict[tuple[str, ...], Grouper] = {}
        self._held: dict[tuple[str, str], bytes] = {}  # a batch-fed stream's lines after its last sync point
        self._lock = RLock()
        self.lines_read = 0
        # lines longer than normalize.MAX_LINE: only their first MAX_LINE bytes are matched
        # (a minified JSON log's lines); diagnose says how many, so nobody takes the rest
        # for read
        self.lines_cut = 0

    def _load_compiled(self, signatures: list[str], cache_dir) -> None:
        """Every signature, resource pattern and ruled-out pattern (ruled_out_by and
        ruled_out_by_context) compiled at once, through
        the cache of compiled regexes (checks/engine/compiled.py): the same patterns,
        without the cost of compiling them in every run."""
        with_resource = [entry for entry in self.catalog if entry.resource_pattern]
        ruling_out = [entry for entry in self.catalog if entry.ruled_out_by]
        items = [(signature.encode("utf-8"), RE_FLAGS) for signature in signatures]
        items += [(entry.resource_pattern, re.IGNORECASE) for entry in with_resource]
        items += [(p.encode("utf-8"), RULED_OUT_FLAGS) for entry in ruling_out for p in entry.ruled_out_by]
        by_context = [entry for entry in self.catalog if entry.ruled_out_by_context]
        items += [(p.encode("utf-8"), RULED_OUT_FLAGS) for entry in by_context
                  for p in (entry.context_when_event or "", *entry.ruled_out_by_context) if p]
        compiled = iter(compile_all(items, cache_dir))
        self.matcher.use_patterns([next(compiled) for _ in signatures])
        self._resource_patterns = dict.fromkeys(self.by_id)
        self._resource_patterns.update((entry.id, next(compiled)) for entry in with_resource)
        self._ruled_out_patterns = {entry.id: tuple(next(compiled) for _ in entry.ruled_out_by)
                                    for entry in ruling_out}
        self._context_patterns = {entry.id: (next(compiled) if entry.context_when_event else None,
                                             tuple(next(compiled) for _ in entry.ruled_out_by_context))
                                  for entry in by_context}

    # -------------------------------------------------------------- line by line
    def feed(self, line: str | bytes, source: str = ANY, resource: str = "",
             simulated: bool = False) -> list[Finding]:
        """One line (a trailing newline is dropped). Returns the findings it changed.
        `simulated`: no program printed it; a finding resting only on such lines says so."""
        source = source_value(source)
        raw = to_bytes(line)
        if raw.endswith(b"\n"):
            raw = raw[:-1]
        parts = raw.split(b"\n") if b"\n" in raw else (raw,)
        changed: dict[tuple[str, str], Finding] = {}
        with self._lock:
            grouper = self._grouper(source, resource, simulated, changed)
            key = (source, resource, "simulated") if simulated else (source, resource)
            ring = self._ring(key)
            self._context_block, self._context_key = None, key
            for part in parts:
                self.lines_read += 1
                text, width = prepare_line_and_width(part)
                if width > MAX_LINE:
                    self.lines_cut += 1
                for event, peek in grouper.push_peeking(text, width):
                    self._handle_event(event, source, resource, changed, peek=peek, simulated=simulated)
                if ring is not None:  # after its events: the context is the lines before the closing one
                    ring.append(remove_noise(part[:RAW_MAX_LINE]))
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
                if (source is None or key[0] == source_value(source)) and (resource is None or key[1] == resource):
                    self._context_block, self._context_key = None, key
                    for event in self._groupers.pop(key).flush():
                        self._handle_event(event, key[0], key[1], changed, simulated=len(key) > 2)
            self._flush_held(source, resource, changed)
            for key in list(self._recent):  # an ended stream's lines are no later line's context
                if (source is None or key[0] == source_value(source)) and (resource is None or key[1] == resource):
                    del self._recent[key]
            return self._settle(list(changed.values()))

    # -------------------------------------------------------------- context (ruled_out_by_context)
    def _ring(self, key: tuple[str, ...]) -> deque[bytes] | None:
        """The stream's recent lines, or None when no entry reads them."""
        if not self._context_lines:
            return None
        ring = self._recent.get(key)
        if ring is None:
            ring = self._recent[key] = deque(maxlen=self._context_lines)
        return ring

    @staticmethod
    def _lines_back(buf: bytes, lo: int, pos: int, count: int) -> int:
        """Where the `count`-th line before `pos` (a line start) starts, no earlier than `lo`."""
        start = pos
        for _ in range(count):
            if start <= lo:
                break
            start = buf.rfind(b"\n", lo, start - 1) + 1 or lo
        return start

    def _keep_context(self, key: tuple[str, str], buf: bytes, lo: int, end: int) -> None:
        """The bulk path has processed buf[lo:end] (whole lines): they become the stream's
        recent lines, as the line path's ring holds them (a few rfind a block)."""
        if not self._context_lines or end <= lo:
            return
        ring = self._ring(key)
        ring.extend(buf[self._lines_back(buf, lo, end, self._context_lines):end - 1].split(b"\n"))

    def _context(self, count: int) -> bytes:
        """The `count` lines of the event's stream before the line that closed the event
        (the event's own lines among them), noise removed, each cut to MAX_LINE."""
        block = self._context_block
        if block is None:
            ring = self._recent.get(self._context_key) or ()
            lines = list(ring)[-count:] if ring else []
        else:
            key, buf, lo = block
            pos = self._context_pos
            start = self._lines_back(buf, lo, pos, count)
            lines = buf[start:pos - 1].split(b"\n") if pos > start else []
            if len(lines) < count:
                ring = self._recent.get(key) or ()
                before = list(ring)[max(0, len(ring) - (count - len(lines))):] if ring else []
                lines = before + lines
        return b"\n".join(line[:MAX_LINE] for line in lines)

    def _grouper(self, source: str, resource: str, simulated: bool = False, changed: dict | None = None) -> Grouper:
        # simulated lines group apart: one event never mixes them with printed ones
        key = (source, resource, "simulated") if simulated else (source, resource)
        grouper = self._groupers.get(key)
        if grouper is None:
            grouper = self._groupers[key] = Grouper()
            self._take_held(grouper, key, {} if changed is None else changed)
        return grouper

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
        if peek is not None:
            matched = self._not_the_peeks(matched, event, limit, peek)
        seen: set[str] = set()
        for index in sorted(matched, key=self._confidence.__getitem__):
            entry = self._owner[index]
            if entry.id in seen or not entry_applies(entry, source):
                continue
            seen.add(entry.id)
            if (entry.ruled_out_by or entry.ruled_out_by_context) and self._ruled_out(entry, index, event, limit):
                continue
            finding = self._record(entry, index, lines, event, source, resource, simulated)
            changed[finding.key] = finding

    def _not_the_peeks(self, matched: list[int], event: bytes, limit: int, peek: bytes) -> list[int]:
        """`matched` without the signatures that match only by reading into the line the
        event peeks at when that line holds a match of the same entry on its own: that
        line is the next event's first line, and the next event counts that message (it
        would otherwise count twice: `...error:` then `password authentication failed for
        user "x"`, where `\\bERROR:\\s{1,3}password...` reads across the newline). Every
        path (feed, feed_lines, the bulk path) hands events and peeks through here, so they
        count alike (tests/checks/test_peek_counts.py). Only matched events get here; a
        signature matching the event's own text (most) costs one search."""
        patterns = self.matcher.patterns
        text = event[:limit]
        kept = []
        for index in matched:
            if patterns[index].search(text) is None:  # the match reads into the peeked line
                entry = self._owner[index]
                if any(patterns[i].search(peek) for i in self._signatures_of[entry.id]):
                    continue  # that line's own event counts the entry
            kept.append(index)
        return kept

    def _record(self, entry: KnownFailure, index: int, lines: list[bytes], event: bytes,
                source: str, resource: str, simulated: bool = False) -> Finding:
        text = decode(event)
        # the most specific name wins: what the entry's pattern reads in the message, else
        # the pod kubectl's --prefix names (one stream or file holds many pods), else the stream's
        where = prefixed_pod(lines[0]) or resource
        pattern = self._resource_pattern(entry)
        if pattern is not None:
            m = pattern.search(text)
            if m and m.group("resource"):
                where = m.group("resource").strip()
        where = redact(where) if where != resource else where
        now = event_time_at_start(lines[0], self._clock())
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
                explanation=entry.explanation, details=jsonable(entry.extra),
                acknowledged=self.acks.covers(entry.id, where), simulated=simulated,
            )
            self._findings[key] = finding
        finding.simulated = finding.simulated and simulated
        finding.count += 1
        kind = self._kinds[index]
        finding.recognition[kind] = finding.recognition.get(kind, 0) + 1
        finding.first_seen = min(finding.first_seen, now)
        finding.last_seen = max(finding.last_seen, now)
        raw = match_evidence(lines, self.matcher.patterns[index])
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

    def _ruled_out(self, entry: KnownFailure, index: int, event: bytes, limit: int | None) -> bool:
        """Another program's wording rules this entry out (`ruled_out_by`) when it is in the
        event, or in the line it peeks at as far as signature `index` read into it; or
        (`ruled_out_by_context`) when another system is named in the entry's `context_lines`
        lines of the same stream before the line that closed the event. Only events that
        already matched get here, so the matchers' fast paths are untouched."""
        patterns = self._ruled_out_patterns.get(entry.id)
        if patterns is None:
            patterns = tuple(re.compile(p.encode("utf-8"), RULED_OUT_FLAGS) for p in entry.ruled_out_by)
            self._ruled_out_patterns[entry.id] = patterns
        if limit is not None:
            m = self.matcher.patterns[index].search(event)
            event = event[:max(limit, m.end() if m else 0)]
        if patterns and any(pattern.search(event) for pattern in patterns):
            return True
        if not entry.ruled_out_by_context:
            return False
        compiled = self._context_patterns.get(entry.id)
        if compiled is None:
            when = entry.context_when_event
            compiled = (re.compile(when.encode("utf-8"), RULED_OUT_FLAGS) if when else None,
                        tuple(re.compile(p.encode("utf-8"), RULED_OUT_FLAGS) for p in entry.ruled_out_by_context))
            self._context_patterns[entry.id] = compiled
        when, patterns = compiled
        if when is not None and not when.search(event):
            return False
        context = self._context(entry.context_lines)
        return any(pattern.search(context) for pattern in patterns)

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

    def acknowledge(self, failure_id: str, resource: str | None, on: bool = True) -> list[Finding]:
        """Acknowledge ID[:RESOURCE] (or withdraw it) for the rest of this run: its findings,
        those seen so far and later ones, carry the flag. The findings whose flag changed."""
        with self._lock:
            self.acks.set(failure_id, resource, on)
            changed = []
            for finding in self._findings.values():
                if finding.failure_id == failure_id:
                    now = self.acks.covers(*finding.key)
                    if now != finding.acknowledged:
                        finding.acknowledged = now
                        changed.append(finding)
            return changed

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
            self._held.clear()
            self._recent.clear()
            self.lines_read = 0
            self.lines_cut = 0


__all__ = ["Acks", "Engine", "release_for_action"]
