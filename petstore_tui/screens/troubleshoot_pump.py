"""The troubleshooting panel's pump: the one thread feeding the engine, under its lock."""

from __future__ import annotations

import time
from typing import Any

from textual.worker import get_current_worker

from petstore_tui.contracts import LogSource
from petstore_tui.screens.troubleshoot_messages import FindingsChanged, LinesBatch
from petstore_tui.widgets.log_view import MAX_LINES

FLUSH_EVERY = 0.05  # seconds between line batches: about one per frame at 20 fps
IDLE_FLUSH = 0.3  # seconds of quiet after which a stream's held-back line is matched


class EnginePump:
    """Drains the followers' inbox into the engine; flushes streams gone quiet."""

    def _pump(self) -> None:
        """The one thread that feeds the engine: every FLUSH_EVERY it drains the inbox,
        matches the lines, and posts one batch of lines and one of changed findings. The
        view can show only its last MAX_LINES, so a bigger batch sends just its tail."""
        worker = get_current_worker()
        inbox = self.inbox
        while not worker.is_cancelled:
            time.sleep(FLUSH_EVERY)
            count = len(inbox)
            changed: dict = {}
            lines: list[str] = []
            for _ in range(count):
                source, raw = inbox.popleft()
                text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
                shown = self.key_blocks(text, source.id)
                self._feed(raw if shown is text else shown, source, changed)  # raw keeps bad UTF-8
                if source.kind == "k8s-events" and self.restarts.see(shown):
                    self._status_dirty = True
                lines.append(f"[{source.id}] {shown.rstrip()[:2000]}")
            self._flush_idle(changed)
            if lines:
                keep = lines[-MAX_LINES:]
                self.post_message(LinesBatch("log", keep, len(lines) - len(keep)))
            if changed:
                self.post_message(FindingsChanged(list(changed.values()), "logs"))


    def _feed(self, line: Any, source: LogSource, changed: dict, simulated: bool = False) -> None:
        engine = self.engine
        if engine is None:
            return
        with self.engine_lock:  # one engine, several follower threads
            found = engine.feed(line, source=source.kind, resource=source.resource, simulated=simulated)
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

