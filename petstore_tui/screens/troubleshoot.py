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
from textual.widgets import DataTable, Footer, Input, Label, SelectionList
from textual.widgets.selection_list import Selection
from textual.worker import get_current_worker

from checks.model import Finding
from petstore_core.redact import KeyBlockMasker, redact
from petstore_tui.contracts import LogSource
from petstore_tui.screens.dialogs import DrillDialog, PromptDialog
from petstore_tui.widgets.detail import FindingDetail, fix_commands
from petstore_tui.widgets.findings_table import FindingsTable, finding_key
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


class DrillDone(Message):
    def __init__(self, text: str, ok: bool) -> None:
        super().__init__()
        self.text = text
        self.ok = ok


class TroubleshootScreen(Screen):
    """Follows the checked sources in thread workers that feed the engine and post batches."""

    app: PetstoreApp  # the app's type for type checkers (Textual sets self.app)

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
                    yield Input(placeholder="filter (\\)", id="filter")
                    yield Input(placeholder="search (/)", id="search")
                yield LogView(id="log")
                yield Label("", id="log-status")
            with Vertical(id="findings-pane"):
                yield Label("Findings", classes="pane-title")
                yield FindingsTable(id="findings")
                with VerticalScroll(id="finding-detail-pane", classes="detail-pane"):
                    yield FindingDetail(id="finding-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(FindingDetail).show(None)
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
                for raw in source.follow(stop):
                    if stop.is_set() or worker.is_cancelled:
                        break
                    inbox.append((source, raw))
            except Exception as exc:  # a broken source ends quietly with its reason
                reason = f"{type(exc).__name__}: {exc}"
            self.post_message(SourceEnded(source.id, reason))

        self.run_worker(body, thread=True, group=f"source-{source.id}", exit_on_error=False,
                        name=f"source-{source.id}")

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
            self.query_one(FindingDetail).show(self.query_one(FindingsTable).selected())
        if self._status_dirty:
            self._status_dirty = False
            self._log_status()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.query_one(FindingDetail).show(self.query_one(FindingsTable).selected())

    def _log_status(self) -> None:
        log = self.query_one(LogView)
        table = self.query_one(FindingsTable)
        follow = "following" if log.follow else "paused"
        shown = f"filter '{log.filter_text}' · " if log.filter_text else ""
        self.query_one("#log-status", Label).update(
            f"{log.total_lines} lines · {shown}{follow} · {table.row_count} findings")
        worst = max((f.severity.rank for f in table.findings.values()), default=-1)
        self.query_one(TargetHeader).status = (
            f"{table.row_count} findings" + (" · errors" if worst >= 2 else ""))

    # -- log view actions -----------------------------------------------------------------

    def action_toggle_follow(self) -> None:
        log = self.query_one(LogView)
        log.follow = not log.follow
        self._log_status()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_focus_log(self) -> None:
        self.query_one(LogView).focus()

    def action_search_next(self) -> None:
        log = self.query_one(LogView)
        log.search(log.search_text)

    def action_search_prev(self) -> None:
        log = self.query_one(LogView)
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
