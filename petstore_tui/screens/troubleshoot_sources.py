"""The troubleshooting panel's log sources: listing, following, whole-file scans."""

from __future__ import annotations

import queue as queue_mod
import threading
from pathlib import Path
from typing import Any

from textual import work
from textual.widgets import Label, ProgressBar, SelectionList
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from petstore_core.redact import redact
from petstore_tui.contracts import LogSource
from petstore_tui.heap import settle_long_lived
from petstore_tui.screens.dialogs import PromptDialog
from petstore_tui.screens.troubleshoot_messages import (
    EngineReady,
    FindingsChanged,
    LinesBatch,
    ScanProgress,
    SourceEnded,
    SourcesListed,
)
from petstore_tui.services.log_file import ScanStopped, tail_lines
from petstore_tui.widgets.detail import FindingDetail
from petstore_tui.widgets.log_view import MAX_LINES
from petstore_tui.workers import Abandoned, unless_cancelled


class SourceFollowing:
    """Loads the engine and the sources; one thread worker follows each checked source."""

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def load_engine(self) -> None:
        services = self.app.services
        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        # a first compile of the catalog cannot be interrupted: quitting must not wait for it
        try:
            if services.make_engine is None:
                raise RuntimeError(services.unavailable.get("engine", "the diagnostics engine is not installed"))
            self.post_message(EngineReady(unless_cancelled(services.make_engine, cancelled, name="engine-load")))
        except Abandoned:
            return
        except Exception as exc:  # lines still stream; findings say why they cannot
            self.post_message(EngineReady(None, f"{type(exc).__name__}: {exc}"))
        try:
            sources = list(unless_cancelled(services.log_sources, cancelled, name="log-sources"))
            self.post_message(SourcesListed(sources))
        except Abandoned:
            return
        except Exception as exc:  # no sources listed: the file source still works
            self.post_message(SourcesListed([], f"{type(exc).__name__}: {exc}"))

    engine_answered = False  # EngineReady came, with the engine or why not

    def on_engine_ready(self, message: EngineReady) -> None:
        self.engine = message.engine
        self.engine_answered = True
        self._log_status()  # replaces the loading line
        settle_long_lived()  # the last big load before lines stream (petstore_tui/heap.py)
        if message.error:
            self.query_one("#finding-detail", FindingDetail).update(
                redact(f"Diagnostics engine not available: {message.error}"))
        else:
            self.replay_planted()  # troubleshoot_drills: drills planted before the panel opened

    def on_sources_listed(self, message: SourcesListed) -> None:
        if message.error:
            self.app.fail("Log sources not available", message.error)
        tap_source = self._runbook_source()
        for source in [*message.sources, tap_source]:
            self.add_source(source)

    def _runbook_source(self) -> LogSource:
        queue = self.app.runbook_queue

        def follow(stop: threading.Event):
            while not stop.is_set():
                try:
                    yield queue.get(timeout=0.2)
                except queue_mod.Empty:
                    continue

        return LogSource("runbook", "Runbook step outputs", "any", follow, resource="runbook",
                         enabled=True)

    def add_source(self, source: LogSource) -> None:
        self.sources[source.id] = source
        selection_list = self.query_one("#sources", SelectionList)
        # the mark first: the list is 16 characters wide at 160 columns and cuts the end
        label = source.title if not source.unavailable else f"(n/a) {source.title}"
        selection_list.add_option(Selection(label, source.id, source.enabled and not source.unavailable))
        if source.unavailable:
            self.note(f"source {source.title} not available: {source.unavailable}")
        elif source.enabled:
            self.start_source(source)

    def on_selection_list_selection_toggled(self, event: SelectionList.SelectionToggled) -> None:
        source_id = event.selection.value
        source = self.sources.get(source_id)
        if source is None:
            return
        if source.unavailable:
            self.query_one("#source-note", Label).update(redact(source.unavailable))
            event.selection_list.deselect(source_id)
            return
        if source_id in event.selection_list.selected:
            self.start_source(source)
        else:
            self.stop_source(source_id)

    def stop_source(self, source_id: str) -> None:
        stop = self.stops.pop(source_id, None)
        if stop:
            stop.set()
            self.note(f"stopped following {self.sources[source_id].title}")

    def start_source(self, source: LogSource) -> None:
        if source.id in self.stops:
            return
        stop = threading.Event()
        self.stops[source.id] = stop
        self.note(f"following {source.title}")

        inbox = self.inbox

        def body() -> None:
            # Only reads: every line goes to the inbox, which the pump drains in chunks.
            worker = get_current_worker()
            reason = ""
            try:
                if getattr(source.follow, "scan", None) is not None and not self._scan_whole(source, stop):
                    return
                for raw in source.follow(stop):
                    if stop.is_set() or worker.is_cancelled:
                        break
                    inbox.append((source, raw))
            except Exception as exc:  # a broken source ends quietly with its reason
                reason = f"{type(exc).__name__}: {exc}"
            self.post_message(SourceEnded(source.id, reason))

        self.run_worker(body, thread=True, group=f"source-{source.id}", exit_on_error=False,
                        name=f"source-{source.id}")

    def _scan_whole(self, source: LogSource, stop: threading.Event) -> bool:
        """From the source's worker: the whole file through the engine's bulk path (as
        `diagnose FILE` reads it), then its recent lines; False if stopped meanwhile."""
        whole = source.follow
        engine = self.engine
        if engine is None or not whole.path.is_file():
            return True  # nothing to match it with, or not there yet: follow only

        def progress(read: int, total: int) -> None:
            self.post_message(ScanProgress(source.id, read, total))

        self.post_message(ScanProgress(source.id, 0, 0))
        cut_before = engine.lines_cut  # the engine's count, shared by every source: this scan's part
        try:
            found = whole.scan(engine, source=source.kind, resource=source.resource, stop=stop,
                               on_progress=progress)
            recent = tail_lines(whole.path, whole.offset or 0)
        except ScanStopped:
            self.post_message(ScanProgress(source.id, 0, 0, done=True))
            return False
        except OSError as exc:  # unreadable now: following says so in its turn
            self.post_message(ScanProgress(source.id, 0, 0, done=True))
            self.app.call_from_thread(self.note, f"{source.title} not scanned: {exc}")
            return True
        lines = [self._tag(source, raw) for raw in recent]
        self.post_message(LinesBatch(source.id, lines[-MAX_LINES:], max(0, len(lines) - MAX_LINES)))
        if found:
            self.post_message(FindingsChanged(found, f"scan of {source.title}"))
        self.post_message(ScanProgress(source.id, whole.offset or 0, whole.offset or 0, done=True,
                                       cut=max(0, engine.lines_cut - cut_before)))
        return True

    def _tag(self, source: LogSource, raw: Any) -> str:
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
        return f"[{source.id}] {self.key_blocks(text, source.id).rstrip()[:2000]}"

    def on_scan_progress(self, message: ScanProgress) -> None:
        bar = self.query_one("#scan-bar")
        source = self.sources.get(message.source_id)
        title = source.title if source else message.source_id
        if message.done:
            bar.display = False
            if message.cut:  # diagnose's words (lines_cut): a miss in a cut tail is no all-clear
                # start-up: diagnose's words, loaded at the first long line only
                from petstore_tui.commands.diagnose import cut_note

                self.note(f"scanned {title} whole ({message.read} bytes); {cut_note(message.cut)}")
                self._status_dirty = True
            else:
                self.note(f"scanned {title} whole ({message.read} bytes)")
            return
        bar.display = True
        self.query_one("#scan-note", Label).update(f"diagnosing {title} ")
        self.query_one("#scan-progress", ProgressBar).update(total=message.total or None,
                                                             progress=message.read)


    def on_source_ended(self, message: SourceEnded) -> None:
        self.stops.pop(message.source_id, None)
        source = self.sources.get(message.source_id)
        title = source.title if source else message.source_id
        if message.reason:
            self.note(f"{title} ended: {message.reason}")
            self.app.fail(f"Source {title} ended", message.reason)


    def action_add_file(self) -> None:
        factory = self.app.services.file_source

        def chosen(value: str | None) -> None:
            if not value:
                return
            if factory is None:
                self.notify("File sources are not available.", severity="warning")
                return
            try:
                self.add_source(factory(Path(value).expanduser()))
            except Exception as exc:  # unreadable file
                self.app.fail("Cannot follow that file", exc)

        self.app.push_screen(PromptDialog("Follow a log file:", ""), chosen)

