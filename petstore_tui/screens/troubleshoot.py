"""The troubleshooting panel: sources, a live log view, findings as logs stream, fixes, report."""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Label, ProgressBar, SelectionList
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from checks.model import Finding
from petstore_core.redact import KeyBlockMasker, redact
from petstore_tui.contracts import LogSource
from petstore_tui.restarts import RestartCounter
from petstore_tui.screens.dialogs import DrillDialog, PromptDialog
from petstore_tui.widgets.detail import FindingDetail, fix_commands
from petstore_tui.widgets.findings_table import FindingsTable, clock_text, finding_key
from petstore_tui.widgets.key_input import KeyInput
from petstore_tui.widgets.log_view import MAX_LINES, LogView
from petstore_tui.widgets.target_header import TargetHeader

FLUSH_EVERY = 0.05  # seconds between line batches: about one per frame at 20 fps
IDLE_FLUSH = 0.3  # seconds of quiet after which a stream's held-back line is matched


if TYPE_CHECKING:
    from petstore_tui.app import PetstoreApp


class EngineReady(Message):
    def __init__(self, engine: Any, error: str = "") -> None:
        super().__init__()
        self.engine = engine
        self.error = error


class SourcesListed(Message):
    def __init__(self, sources: list[LogSource], error: str = "") -> None:
        super().__init__()
        self.sources = sources
        self.error = error


class LinesBatch(Message):
    """Lines from one source, already redacted and tagged: never replaced or dropped."""

    def __init__(self, source_id: str, lines: list[str], dropped: int = 0) -> None:
        super().__init__()
        self.source_id = source_id
        self.lines = lines
        self.dropped = dropped  # lines cut before sending: counted, never shown


class FindingsChanged(Message):
    def __init__(self, findings: list[Finding], origin: str = "") -> None:
        super().__init__()
        self.findings = findings
        self.origin = origin


class SourceEnded(Message):
    def __init__(self, source_id: str, reason: str = "") -> None:
        super().__init__()
        self.source_id = source_id
        self.reason = reason


class ScanProgress(Message):
    """A file source's whole-file scan: bytes read of its size; `done` when it ended."""

    def __init__(self, source_id: str, read: int, total: int, done: bool = False) -> None:
        super().__init__()
        self.source_id = source_id
        self.read = read
        self.total = total
        self.done = done


class DrillDone(Message):
    def __init__(self, text: str, ok: bool) -> None:
        super().__init__()
        self.text = text
        self.ok = ok


class TroubleshootScreen(Screen):
    """Follows the checked sources in thread workers that feed the engine and post batches."""

    app: PetstoreApp  # the app's type for type checkers (Textual sets self.app)
    AUTO_FOCUS = "#log"  # keys are commands from the first frame (docs/knowledge/log-display.md)
    # below 160 columns the log takes the full width, the findings go under it and the
    # sources list opens on `s`; below 100 the log also drops its time column (app.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-normal"), (160, "-wide")]

    BINDINGS = [
        Binding("f", "toggle_follow", "Follow"),
        Binding("slash", "focus_search", "Search"),
        Binding("n", "search_next", "Next match", show=False),
        Binding("N", "search_prev", "Prev match", show=False),
        Binding("backslash", "focus_filter", "Filter"),
        Binding("c", "copy_fix", "Copy fix"),
        Binding("e", "export_report", "Report"),
        Binding("p", "run_probes", "Probes"),
        Binding("a", "add_file", "Add file"),
        Binding("d", "drills", "Drills"),
        Binding("x", "fix", "Fix"),
        Binding("g", "evidence", "Evidence"),
        Binding("r", "toggle_raw", "Raw"),
        Binding("w", "toggle_wrap", "Wrap"),
        Binding("z", "toggle_fold", "Fold"),
        Binding("s", "toggle_sources", "Sources"),
        Binding("escape", "focus_log", "Log", show=False),
    ]
    PALETTE = [
        ("toggle_follow", "Troubleshoot: toggle follow", "Keep the end of the log in view, or stop"),
        ("focus_search", "Troubleshoot: search the log", "Find text in the log view (n next, N previous)"),
        ("search_next", "Troubleshoot: next match", "Jump to the next line matching the search"),
        ("search_prev", "Troubleshoot: previous match", "Jump to the previous line matching the search"),
        ("focus_filter", "Troubleshoot: filter the log", "Show only lines containing a text"),
        ("copy_fix", "Troubleshoot: copy the fix commands", "Copy the selected finding's commands"),
        ("export_report", "Troubleshoot: export incident report", "Write a Markdown report of the findings"),
        ("run_probes", "Troubleshoot: run live probes", "Ask AWS and Kubernetes for the known failures"),
        ("add_file", "Troubleshoot: follow a file", "Add a log file as a source"),
        ("drills", "Troubleshoot: drills (sandbox)", "Plant or undo a headline failure in the sandbox"),
        ("fix", "Troubleshoot: fix the selected finding", "Preview, apply and verify its mechanical fix"),
        ("evidence", "Troubleshoot: go to the evidence", "Highlight the selected finding's lines in the log (g again: back)"),
        ("toggle_raw", "Troubleshoot: raw lines", "Show each line as its source printed it, or formatted"),
        ("toggle_wrap", "Troubleshoot: wrap long lines", "Continue long lines on the next rows, or scroll sideways (left/right)"),
        ("toggle_fold", "Troubleshoot: fold tracebacks", "Show each traceback whole, or its first and last line"),
        ("toggle_sources", "Troubleshoot: sources list", "Show or hide the list of sources"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.engine: Any = None
        self.engine_lock = threading.Lock()
        self.sources: dict[str, LogSource] = {}
        self.stops: dict[str, threading.Event] = {}
        self.timeline: list[tuple[float, str]] = []
        self.planted: set[str] = set()
        self.drills: list[Any] = []
        self.inbox: deque[tuple[LogSource, Any]] = deque()  # appended by followers, drained by the pump
        self.key_blocks = KeyBlockMasker()  # the view redacts line by line: key bodies need state
        self._last_fed: dict[tuple[str, str], float] = {}
        self._status_dirty = False
        self._detail_dirty = False
        self._evidence_return: bool | None = None  # showing evidence: the follow state to restore
        self.sightings: dict[str, deque[tuple[float, int]]] = {}  # finding key -> (when, new hits)
        self._counts: dict[str, int] = {}  # finding key -> hits recorded in sightings
        self.opened_at = 0.0
        self.restarts = RestartCounter()  # fed by the pump from event sources

    def compose(self) -> ComposeResult:
        app = self.app
        yield TargetHeader("Troubleshoot", app.target.label, sandbox=app.target.sandbox,
                           sandbox_state=app.sandbox_state)
        with Horizontal(id="trouble-body"):
            with Vertical(id="sources-pane"):
                yield Label("Sources", classes="pane-title")
                yield SelectionList[str](id="sources")
                yield Label("", id="source-note")
            with Vertical(id="log-pane"):
                with Horizontal(id="log-inputs"):
                    yield KeyInput(placeholder="filter (\\)", id="filter")
                    yield KeyInput(placeholder="search (/)", id="search")
                with Horizontal(id="scan-bar"):
                    yield Label("", id="scan-note")
                    yield ProgressBar(id="scan-progress", show_eta=False)
                yield LogView(formatted=True, id="log")
                yield Label("", id="log-status")
            with Vertical(id="findings-pane"):
                yield Label("Findings", classes="pane-title")
                yield FindingsTable(id="findings")
                with VerticalScroll(id="finding-detail-pane", classes="detail-pane"):
                    yield Label("", id="finding-timeline")
                    yield FindingDetail(id="finding-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.opened_at = self.app.services.clock()
        self._show_detail(None)
        self.note("panel opened")
        self.set_interval(0.25, self._refresh_status)
        self.run_worker(self._pump, thread=True, group="pump", exit_on_error=False, name="log-pump")
        self.load_engine()

    def on_unmount(self) -> None:
        for stop in self.stops.values():
            stop.set()

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

    def note(self, text: str) -> None:
        self.timeline.append((self.app.services.clock(), redact(text)))

    # -- engine and sources ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="engine", exit_on_error=False)
    def load_engine(self) -> None:
        services = self.app.services
        try:
            if services.make_engine is None:
                raise RuntimeError(services.unavailable.get("engine", "the diagnostics engine is not installed"))
            self.post_message(EngineReady(services.make_engine()))
        except Exception as exc:  # lines still stream; findings say why they cannot
            self.post_message(EngineReady(None, f"{type(exc).__name__}: {exc}"))
        try:
            sources = list(services.log_sources())
            self.post_message(SourcesListed(sources))
        except Exception as exc:  # no sources listed: the file source still works
            self.post_message(SourcesListed([], f"{type(exc).__name__}: {exc}"))

    def on_engine_ready(self, message: EngineReady) -> None:
        self.engine = message.engine
        if message.error:
            self.query_one("#finding-detail", FindingDetail).update(
                redact(f"Diagnostics engine not available: {message.error}"))

    def on_sources_listed(self, message: SourcesListed) -> None:
        if message.error:
            self.app.fail("Log sources not available", message.error)
        tap_source = self._runbook_source()
        for source in [*message.sources, tap_source]:
            self.add_source(source)

    def _runbook_source(self) -> LogSource:
        queue = self.app.runbook_queue

        def follow(stop: threading.Event):
            import queue as queue_mod

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
        label = source.title if not source.unavailable else f"{source.title} (n/a)"
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
        from petstore_tui.services.log_file import ScanStopped, tail_lines

        whole = source.follow
        engine = self.engine
        if engine is None or not whole.path.is_file():
            return True  # nothing to match it with, or not there yet: follow only

        def progress(read: int, total: int) -> None:
            self.post_message(ScanProgress(source.id, read, total))

        self.post_message(ScanProgress(source.id, 0, 0))
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
        self.post_message(ScanProgress(source.id, whole.offset or 0, whole.offset or 0, done=True))
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
            self.note(f"scanned {title} whole ({message.read} bytes)")
            return
        bar.display = True
        self.query_one("#scan-note", Label).update(f"diagnosing {title} ")
        self.query_one("#scan-progress", ProgressBar).update(total=message.total or None,
                                                             progress=message.read)

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

    def on_lines_batch(self, message: LinesBatch) -> None:
        log = self.query_one(LogView)
        log.total_lines += message.dropped
        log.add_lines(message.lines)
        self._status_dirty = True  # drawn by the 4 Hz timer: a label update re-lays the screen

    def on_source_ended(self, message: SourceEnded) -> None:
        self.stops.pop(message.source_id, None)
        source = self.sources.get(message.source_id)
        title = source.title if source else message.source_id
        if message.reason:
            self.note(f"{title} ended: {message.reason}")
            self.app.fail(f"Source {title} ended", message.reason)

    def on_findings_changed(self, message: FindingsChanged) -> None:
        table = self.query_one(FindingsTable)
        for finding in message.findings:
            if finding_key(finding) not in table.findings:
                self.note(f"finding {finding.failure_id} on {finding.resource or '?'} "
                          f"({message.origin})")
        now = self.app.services.clock()
        for finding in message.findings:
            key = finding_key(finding)
            before = table.findings[key].count if key in table.findings else 0
            seen = self._counts.get(key, before)
            if finding.count > seen:
                self.sightings.setdefault(key, deque(maxlen=500)).append((now, finding.count - seen))
            self._counts[key] = max(seen, finding.count)
        table.upsert(message.findings)
        selected = table.selected()
        if selected is None and table.row_count:
            table.move_cursor(row=0)
            selected = table.selected()
        if selected is not None and finding_key(selected) in {finding_key(f) for f in message.findings}:
            self._detail_dirty = True
        self._status_dirty = True

    def _refresh_status(self) -> None:
        """At most four times a second, whatever the line rate."""
        if self._detail_dirty:
            self._detail_dirty = False
            self._show_detail(self.query_one(FindingsTable).selected())
        if self._status_dirty:
            self._status_dirty = False
            self._log_status()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(self.query_one(FindingsTable).selected())

    def _show_detail(self, finding: Finding | None) -> None:
        """The finding's detail, under a strip of when the panel saw it since it opened."""
        self.query_one(FindingDetail).show(finding)
        timeline = self.query_one("#finding-timeline", Label)
        hits = self.sightings.get(finding_key(finding)) if finding is not None else None
        if not hits:
            timeline.display = False
            return
        from petstore_tui.widgets.timeline_strip import strip

        opened, now = self.opened_at, self.app.services.clock()
        width = max(10, self.query_one("#finding-detail-pane").content_region.width - 20)
        timeline.display = True
        timeline.update(f"seen {strip(hits, opened, max(now, opened + 1), width)} "
                        f"{clock_text(opened)}→now")

    def _log_status(self) -> None:
        log = self.query_one(LogView)
        table = self.query_one(FindingsTable)
        follow = "following" if log.follow else "paused"
        shown = f"filter '{log.filter_text}' · " if log.filter_text else ""
        restarts = self.restarts.summary()
        self.query_one("#log-status", Label).update(
            f"{log.total_lines} lines · {shown}{follow} · {table.row_count} findings"
            + (f" · {redact(restarts)}" if restarts else ""))
        worst = max((f.severity.rank for f in table.findings.values()), default=-1)
        self.query_one(TargetHeader).status = (
            f"{table.row_count} findings" + (" · errors" if worst >= 2 else ""))

    # -- log view actions -----------------------------------------------------------------

    def action_toggle_follow(self) -> None:
        log = self.query_one(LogView)
        log.follow = not log.follow
        self._log_status()

    def action_focus_search(self) -> None:
        self.query_one("#search", KeyInput).activate()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", KeyInput).activate()

    def action_focus_log(self) -> None:
        if self._evidence_return is not None:
            self.action_evidence()  # Escape from the evidence: back to the finding
            return
        self.query_one(LogView).focus()

    def action_evidence(self) -> None:
        """From the selected finding to its evidence lines in the log (highlighted, n and N
        move between them), and back to the finding on g or Escape, following again if it was."""
        log = self.query_one(LogView)
        table = self.query_one(FindingsTable)
        if self._evidence_return is not None:
            follow, self._evidence_return = self._evidence_return, None
            log.clear_marks()
            log.follow = follow
            table.focus()
            self._log_status()
            return
        finding = table.selected()
        if finding is None:
            self.notify("No finding selected.", severity="warning")
            return
        follow = log.follow
        found = log.mark_evidence(finding.evidence)
        if not found:
            self.notify("Its evidence lines are no longer in the log view (filtered out, folded "
                        "or older than the view keeps).", severity="warning")
            return
        self._evidence_return = follow
        log.focus()
        self.query_one("#log-status", Label).update(
            f"{found} evidence line(s) of {redact(finding.title)} · n/N move · g or Esc: back")

    def action_toggle_raw(self) -> None:
        log = self.query_one(LogView)
        log.set_format(raw=not log.raw_mode)

    def action_toggle_wrap(self) -> None:
        log = self.query_one(LogView)
        log.set_wrap(not log.wrap)

    def action_toggle_fold(self) -> None:
        log = self.query_one(LogView)
        log.set_folded(not log.folded)

    def action_toggle_sources(self) -> None:
        pane = self.query_one("#sources-pane")
        if self.has_class("-wide"):
            pane.display = not pane.display
        else:
            self.toggle_class("-show-sources")

    def on_resize(self) -> None:
        narrow = self.has_class("-narrow")
        self.query_one(LogView).set_format(tag_width=6 if narrow else 10, show_time=not narrow)

    def action_search_next(self) -> None:
        log = self.query_one(LogView)
        if self._evidence_return is not None:
            log.next_mark()
        else:
            log.search(log.search_text)

    def action_search_prev(self) -> None:
        log = self.query_one(LogView)
        if self._evidence_return is not None:
            log.next_mark(backwards=True)
        else:
            log.search(log.search_text, backwards=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        log = self.query_one(LogView)
        if event.input.id == "filter":
            log.set_filter(event.value)
            self._log_status()
            log.focus()
        elif event.input.id == "search":
            log.search(event.value)
            log.focus()

    def on_log_view_search_moved(self, message: LogView.SearchMoved) -> None:
        status = self.query_one("#log-status", Label)
        if message.line < 0:
            status.update("no match")
        else:
            status.update(f"match at line {message.line + 1} of {message.matches} matches · paused")

    # -- findings actions -----------------------------------------------------------------

    def action_copy_fix(self) -> None:
        finding = self.query_one(FindingsTable).selected()
        if finding is None:
            self.notify("No finding selected.", severity="warning")
            return
        commands = fix_commands(finding)
        if not commands:
            self.notify("This finding's fix has no commands to copy.", severity="warning")
            return
        self.app.copy_to_clipboard("\n".join(commands))
        self.notify(f"Copied {len(commands)} command(s) to the clipboard.")

    def action_fix(self) -> None:
        """x: the fix dialog (petstore_tui/screens/fix_dialog.py); live probes re-run after a fix."""
        from petstore_tui.screens.fix_dialog import open_fix

        finding = self.query_one(FindingsTable).selected()
        open_fix(self, finding.failure_id if finding else None,
                 lambda outcome: outcome is not None and outcome.status == "fixed" and self.action_run_probes())

    def action_export_report(self) -> None:
        from petstore_tui.reports import default_report_path

        path = default_report_path(self.app.services.report_dir, self.app.services.clock())

        def chosen(value: str | None) -> None:
            if value:
                self.write_report(Path(value).expanduser())

        self.app.push_screen(PromptDialog("Write the incident report (Markdown) to:", str(path)),
                             chosen)

    @work(thread=True, group="report", exit_on_error=False)
    def write_report(self, path: Path) -> None:
        from petstore_tui.reports import render_report

        try:
            findings = list(self.query_findings())
            text = render_report(self.app.target, findings, list(self.timeline),
                                 [s.title for s in self.sources.values()], self.app.services.clock())
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            self.app.call_from_thread(self.notify, f"Report written to {path}")
        except Exception as exc:  # a full disk or a bad path: say so
            self.app.call_from_thread(self.app.fail, "Report not written", exc)

    def query_findings(self) -> list[Finding]:
        engine = self.engine
        shown = dict(self.query_one(FindingsTable).findings)
        if engine is not None:
            try:
                with self.engine_lock:
                    for finding in engine.findings():
                        shown[finding_key(finding)] = finding
            except Exception:  # the table already holds what we showed
                pass
        return sorted(shown.values(), key=lambda f: (-f.severity.rank, f.first_seen))

    @work(thread=True, exclusive=True, group="probes", exit_on_error=False)
    def action_run_probes(self) -> None:
        self.app.call_from_thread(self.notify, "Running live probes…")
        try:
            found = list(self.app.services.run_probes())
        except Exception as exc:  # probes unreachable: say why
            self.app.call_from_thread(self.app.fail, "Probes failed", exc)
            return
        self.post_message(FindingsChanged(found, "live probes"))
        self.app.call_from_thread(self.notify, f"Probes done: {len(found)} finding(s).")

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

    # -- drills ---------------------------------------------------------------------------

    def action_drills(self) -> None:
        if not self.app.target.sandbox:
            self.notify("Drills plant real failures: they run in the sandbox only (--sandbox).",
                        severity="warning")
            return
        if not self.drills:
            self.drills = list(self.app.services.drills())
        if not self.drills:
            self.notify("No drills available here.", severity="warning")
            return
        # planted in an earlier session: the drill keeps a memo on disk
        self.planted |= {d.id for d in self.drills if getattr(d, "planted", False) is True}

        def chosen(value: tuple[str, str] | None) -> None:
            if value:
                self.run_drill(*value)

        self.app.push_screen(DrillDialog(self.drills, self.planted), chosen)

    @work(thread=True, group="drill", exit_on_error=False)
    def run_drill(self, drill_id: str, what: str) -> None:
        drill = next((d for d in self.drills if d.id == drill_id), None)
        if drill is None:
            return
        try:
            outcome = drill.run_plant() if what == "plant" else drill.undo()
        except Exception as exc:  # the drill could not be planted or undone: say why
            self.post_message(DrillDone(redact(f"Drill {drill.title}: {exc}"), False))
            return
        changed: dict = {}
        replay = getattr(outcome, "replay", ()) or ()
        if replay:
            lines = []
            simulated = getattr(outcome, "simulated", True)
            tag = f"drill:{drill.id} simulated" if simulated else f"drill:{drill.id}"
            for kind, line in replay:
                fake = LogSource(f"drill-{drill.id}", drill.title, kind, lambda _s: iter(()),
                                 resource=getattr(outcome, "resource", "") or "")
                self._feed(line, fake, changed, simulated=simulated)
                lines.append(f"[{tag}] {line}")
            self._flush_engine(LogSource("drill", "drill", "any", lambda _s: iter(())), changed)
            self.post_message(LinesBatch(f"drill-{drill.id}", lines))
        if changed:
            self.post_message(FindingsChanged(list(changed.values()), f"drill {drill.id}"))
        if getattr(outcome, "probe", False):
            try:
                found = list(self.app.services.run_probes())
                if found:
                    self.post_message(FindingsChanged(found, "live probes"))
            except Exception as exc:  # the probe is a bonus; the drill itself worked
                self.post_message(DrillDone(redact(f"probes failed: {exc}"), False))
        verb = "planted" if what == "plant" else "undone"
        self.post_message(DrillDone(redact(f"Drill {verb}: {outcome.message}"), True))
        self.app.call_from_thread(self._mark_drill, drill.id, what == "plant")

    def _mark_drill(self, drill_id: str, planted: bool) -> None:
        if planted:
            self.planted.add(drill_id)
        else:
            self.planted.discard(drill_id)

    def on_drill_done(self, message: DrillDone) -> None:
        self.note(message.text)
        self.notify(message.text, severity="information" if message.ok else "error", timeout=8)
