"""The troubleshooting panel's pump: the one thread feeding the engine, under its lock."""

from __future__ import annotations

import time
from collections import deque
from typing import Any

from textual.worker import get_current_worker

from petstore_tui.contracts import LogSource
from petstore_tui.screens.troubleshoot_messages import FindingsChanged, LinesBatch
from petstore_tui.widgets.log_view import MAX_LINES

FLUSH_EVERY = 0.05  # seconds between passes of the inbox through the engine
VIEW_EVERY = 0.1  # seconds at least between batches to the view while lines keep coming
IDLE_FLUSH = 0.3  # seconds of quiet after which a stream's held-back line is matched


class ViewBatches:
    """What the pump has for the view, sent at most every VIEW_EVERY seconds: each batch
    redraws the log and the findings on the UI thread, and a key pressed meanwhile waits
    for that redraw. Ten a second is as fast as anyone reads a log moving this fast; a line
    after a quiet spell still goes at the next pass. Nothing is lost or reordered: a batch
    holds every line since the last one (its tail when longer than the view keeps, the
    rest counted as dropped) and the latest state of every finding that changed."""

    def __init__(self, every: float = VIEW_EVERY, keep: int = MAX_LINES) -> None:
        self.every = every
        self.lines: deque[str] = deque(maxlen=keep)
        self.count = 0  # lines added since the last batch, the ones the deque let go included
        self.findings: dict = {}
        self.sent_at = float("-inf")

    def add(self, lines: list[str], findings: dict) -> None:
        self.lines.extend(lines)
        self.count += len(lines)
        self.findings.update(findings)

    def take(self, now: float) -> tuple[list[str], int, list] | None:
        """(lines, dropped, findings) when a batch is due and there is something, else None."""
        if not (self.count or self.findings) or now - self.sent_at < self.every:
            return None
        lines = list(self.lines)
        batch = (lines, self.count - len(lines), list(self.findings.values()))
        self.lines.clear()
        self.count = 0
        self.findings = {}
        self.sent_at = now
        return batch


class EnginePump:
    """Drains the followers' inbox into the engine; flushes streams gone quiet."""

    def _pump(self) -> None:
        """The one thread that feeds the engine: every FLUSH_EVERY it drains the inbox and
        matches the lines, each stream's as one batch (Engine.feed_lines: one matcher pass
        over the batch instead of Python work on every line); the lines and changed
        findings go to the view in ViewBatches."""
        worker = get_current_worker()
        inbox = self.inbox
        batches = ViewBatches()
        while not worker.is_cancelled:
            time.sleep(FLUSH_EVERY)
            count = len(inbox)
            changed: dict = {}
            lines: list[str] = []
            streams: dict[tuple[str, str], tuple[LogSource, list]] = {}  # the engine's streams, in order
            for _ in range(count):
                source, raw = inbox.popleft()
                text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
                shown = self.key_blocks(text, source.id)
                stream = streams.get((source.kind, source.resource))
                if stream is None:
                    stream = streams[(source.kind, source.resource)] = (source, [])
                stream[1].append(raw if shown is text else shown)  # raw keeps bad UTF-8
                if source.kind == "k8s-events" and self.restarts.see(shown):
                    self._status_dirty = True
                lines.append(f"[{source.id}] {shown.rstrip()[:2000]}")
            for source, batch in streams.values():
                self._feed_batch(batch, source, changed)
            self._flush_idle(changed)
            batches.add(lines, changed)
            batch = batches.take(time.monotonic())
            if batch is None:
                continue
            view_lines, dropped, findings = batch
            if findings:  # first: the lines' handler draws the status with them in (when due)
                self.post_message(FindingsChanged(findings, "logs"))
            if view_lines or dropped:
                self.post_message(LinesBatch("log", view_lines, dropped))

    def _feed(self, line: Any, source: LogSource, changed: dict, simulated: bool = False) -> None:
        self._feed_batch([line], source, changed, simulated)

    def _feed_batch(self, lines: list, source: LogSource, changed: dict, simulated: bool = False) -> None:
        engine = self.engine
        if engine is None:
            return
        with self.engine_lock:  # one engine, several follower threads
            found = engine.feed_lines(lines, source=source.kind, resource=source.resource, simulated=simulated)
            self._last_fed[(source.kind, source.resource)] = time.monotonic()
        for finding in found or ():
            changed[finding.key] = finding

    def _flush_idle(self, changed: dict) -> None:
        """From the pump: the engine holds a stream's last line until the next one (it may
        open a traceback), so a stream quiet for IDLE_FLUSH seconds is flushed."""
        engine = self.engine
        if engine is None or not self._last_fed:
            return
        now = time.monotonic()
        found: list = []
        with self.engine_lock:
            for (kind, resource), last in list(self._last_fed.items()):  # noqa: B007
                if now - last >= IDLE_FLUSH:
                    del self._last_fed[(kind, resource)]
                    found.extend(engine.flush(source=kind, resource=resource) or ())
        for finding in found:
            changed[finding.key] = finding

    def _flush_engine(self, source: LogSource, changed: dict) -> None:
        engine = self.engine
        flush = getattr(engine, "flush", None)
        if flush is None:
            return
        with self.engine_lock:
            found = flush()
        for finding in found or ():
            changed[finding.key] = finding

