"""The troubleshooting panel: sources, a live log view, findings as logs stream, fixes, report.

Its parts: troubleshoot_messages (what workers post), troubleshoot_sources (following),
troubleshoot_pump (feeding the engine), troubleshoot_log_actions (log view keys, evidence),
troubleshoot_drills (drills)."""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Label, ProgressBar, SelectionList

from checks.model import Finding
from petstore_core.redact import KeyBlockMasker, redact
from petstore_core.words import counted
from petstore_tui.contracts import LogSource
from petstore_tui.reports import default_report_path, render_report, write_report_file
from petstore_tui.restarts import RestartCounter
from petstore_tui.screens.dialogs import PromptDialog
from petstore_tui.screens.troubleshoot_ack import AckActions
from petstore_tui.screens.troubleshoot_drills import DrillActions
from petstore_tui.screens.troubleshoot_log_actions import LogViewActions
from petstore_tui.screens.troubleshoot_messages import FindingsChanged, LinesBatch
from petstore_tui.screens.troubleshoot_pump import EnginePump
from petstore_tui.screens.troubleshoot_sources import SourceFollowing
from petstore_tui.widgets.detail import FindingDetail, fix_commands
from petstore_tui.widgets.findings_table import FindingsTable, clock_text, finding_key
from petstore_tui.widgets.key_input import KeyInput
from petstore_tui.widgets.keys_footer import KeysFooter
from petstore_tui.widgets.log_view import LogView
from petstore_tui.widgets.target_header import TargetHeader
from petstore_tui.widgets.timeline_strip import seen_line

if TYPE_CHECKING:
    from petstore_tui.app import PetstoreApp

PROBES = "live probes"  # FindingsChanged's origin for the probes' whole answer
STATUS_EVERY = 0.25  # seconds between redraws of the status line, the lagging cells and the detail
# until the engine is ready no source is followed (each line must meet the engine)
LOADING = "loading the diagnostics engine · a first run compiles the catalog (seconds; a minute on a busy machine)"


class TroubleshootScreen(SourceFollowing, EnginePump, LogViewActions, DrillActions, AckActions, Screen):
    """Follows the checked sources in thread workers that feed the engine and post batches."""

    app: PetstoreApp  # the app's type for type checkers (Textual sets self.app)
    CSS_PATH = Path(__file__).with_name("troubleshoot.tcss")  # read when first shown (app.tcss)
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
        Binding("k", "acknowledge", "Ack"),
        Binding("g", "evidence", "Evidence"),
        Binding("r", "toggle_raw", "Raw"),
        Binding("w", "toggle_wrap", "Wrap"),
        Binding("z", "toggle_fold", "Fold"),
        Binding("s", "toggle_sources", "Sources"),
        Binding("escape", "focus_log", "Log", show=False),
    ]
    # the keys the footer keeps first when it is too narrow for all (widgets/keys_footer.py)
    FOOTER_FIRST = ("focus_filter", "focus_search", "fix", "copy_fix", "export_report", "toggle_follow")
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
        ("acknowledge", "Troubleshoot: acknowledge the selected finding",
         "Record why it is acceptable, as petstore-tui ack does (k again withdraws it)"),
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
        self._status_at = float("-inf")  # time.monotonic() of the last status redraw
        self._timeline_cells = 0  # the width of the strip the screen was last laid out for
        self._evidence_return: bool | None = None  # showing evidence: the follow state to restore
        self.sightings: dict[str, deque[tuple[float, int]]] = {}  # finding key -> (when, new hits)
        self._counts: dict[str, int] = {}  # finding key -> hits recorded in sightings
        self.opened_at = 0.0
        self.restarts = RestartCounter()  # fed by the pump from event sources
        self.cleared: dict[str, int] = {}  # finding key -> its count when an undone drill cleared it
        self.drill_findings: dict[str, set[str]] = {}  # drill id -> keys of the findings its lines raised

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
                yield Label(LOADING, id="log-status")
            with Vertical(id="findings-pane"):
                yield Label("Findings", classes="pane-title")
                yield FindingsTable(id="findings")
                with VerticalScroll(id="finding-detail-pane", classes="detail-pane"):
                    yield Label("", id="finding-timeline")
                    yield FindingDetail(id="finding-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.opened_at = self.app.services.clock()
        self._show_detail(None)
        self.note("panel opened")
        self.set_interval(STATUS_EVERY, self._refresh_status)
        self.run_worker(self._pump, thread=True, group="pump", exit_on_error=False, name="log-pump")
        # the app's launch-time compile of the catalog, said while this panel waits for it
        self.watch(self.app, "catalog_note", self._catalog_note, init=True)
        self.load_engine()
        if self.app.services.stand_in is not None:
            self.learn_stand_in()

    @work(thread=True, group="stand-in", exit_on_error=False)
    def learn_stand_in(self) -> None:
        """Where the sandbox's app runs under podman: the fixes' kubectl commands become
        podman ones there (petstore_tui/stand_in_commands.py)."""
        try:
            found = self.app.services.stand_in()
        except Exception:  # no engine answering: kubectl commands are left out, and said so
            return
        if found is not None:
            self.app.call_from_thread(self._use_stand_in, found)

    def _use_stand_in(self, found: Any) -> None:
        self.query_one(FindingDetail).stand_in = found
        self._show_detail(self.query_one(FindingsTable).selected())

    def _catalog_note(self, note: str) -> None:
        if not self.engine_answered:  # once the engine (or its error) is here, the line is the log's
            self.query_one("#log-status", Label).update(note or LOADING, layout=False)

    def on_unmount(self) -> None:
        for stop in self.stops.values():
            stop.set()

    def note(self, text: str) -> None:
        self.timeline.append((self.app.services.clock(), redact(text)))

    def on_lines_batch(self, message: LinesBatch) -> None:
        log = self.query_one(LogView)
        log.total_lines += message.dropped
        log.add_lines(message.lines)
        self._status_dirty = True
        self._refresh_status()  # when due, in this batch's frame rather than one of its own

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
        if message.origin == PROBES:  # the probes' whole answer: what they no longer report leaves
            table.replace_probes(message.findings)
        else:
            table.upsert(message.findings, later=True)  # a known finding's cells: on the tick
        selected = table.selected()
        if selected is None and table.row_count:
            table.move_cursor(row=0)
            selected = table.selected()
        if selected is not None and (message.origin == PROBES or finding_key(selected) in
                                     {finding_key(f) for f in message.findings}):
            self._detail_dirty = True
        self._status_dirty = True

    def _refresh_status(self) -> None:
        """At most four times a second, whatever the line rate. While batches come, a
        batch draws it when due and the timer finds nothing to do: each frame of its own
        would open one more wait for a key's frame (docs/knowledge/log-display.md)."""
        now = time.monotonic()
        if now - self._status_at < STATUS_EVERY * 0.9:  # the timer's tick may come a little early
            return
        self._status_at = now
        self.query_one(FindingsTable).draw_lagging()
        if self._detail_dirty:
            self._detail_dirty = False
            self._show_detail(self.query_one(FindingsTable).selected())
        if self._status_dirty:
            self._status_dirty = False
            self._log_status()

    def on_resize(self) -> None:
        """The seen strip is fitted to the detail pane when drawn: fit it again once the
        new size is laid out, or a strip drawn wide runs past a narrowed pane until its
        finding recurs. (Textual also calls LogViewActions.on_resize: each class's own.)"""
        self.call_after_refresh(self._refit_timeline)

    def _refit_timeline(self) -> None:
        if self.query_one("#finding-timeline", Label).display:
            self._show_detail(self.query_one(FindingsTable).selected())

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(self.query_one(FindingsTable).selected())

    def _show_detail(self, finding: Finding | None) -> None:
        """The finding's detail, under a strip of when the panel saw it since it opened."""
        self.query_one(FindingDetail).show(finding, self.app.target)
        timeline = self.query_one("#finding-timeline", Label)
        hits = self.sightings.get(finding_key(finding)) if finding is not None else None
        if not hits:
            timeline.display = False
            return
        opened, now = self.opened_at, self.app.services.clock()
        pane = self.query_one("#finding-detail-pane")
        # the pane's scrollbar counted out even before it shows: the detail grows under the
        # strip after it is drawn, and the scrollbar would then cover the line's end
        width = pane.content_region.width - pane.styles.scrollbar_size_vertical
        text = seen_line(hits, opened, max(now, opened + 1), clock_text(opened), width)
        # the strip redraws four times a second while the finding recurs: the screen is
        # laid out again only when the label appears or its width changes
        relayout = not timeline.display or cell_len(text) != self._timeline_cells
        self._timeline_cells = cell_len(text)
        timeline.display = True
        timeline.update(text, layout=relayout)

    def _log_status(self) -> None:
        log = self.query_one(LogView)
        table = self.query_one(FindingsTable)
        follow = "following" if log.follow else "paused"
        shown = f"filter '{log.filter_text}' · " if log.filter_text else ""
        restarts = self.restarts.summary()
        cut = getattr(self.engine, "lines_cut", 0) if self.engine is not None else 0
        if cut:  # as diagnose's note says: only the first MAX_LINE bytes of each were searched
            from checks.engine.normalize import MAX_LINE  # start-up: loaded with the engine by now

            shown += f"{counted(cut, 'line')} cut at {MAX_LINE // 1024} KiB · "
        # one row as wide as the pane (troubleshoot.tcss): new text never moves anything, so
        # no re-layout of the whole screen four times a second while lines stream
        self.query_one("#log-status", Label).update(
            f"{counted(log.total_lines, 'line')} · {shown}{follow} · {_findings(table.row_count)}"
            + (f" · {redact(restarts)}" if restarts else ""), layout=False)
        worst = max((f.severity.rank for f in table.findings.values() if not f.acknowledged), default=-1)
        self.query_one(TargetHeader).status = (
            _findings(table.row_count) + (" · errors" if worst >= 2 else ""))

    # -- findings actions -----------------------------------------------------------------

    def action_copy_fix(self) -> None:
        finding = self.query_one(FindingsTable).selected()
        if finding is None:
            self.notify("No finding selected.", severity="warning")
            return
        commands = fix_commands(finding, self.app.target, self.query_one(FindingDetail).stand_in)
        if not commands:
            self.notify("This finding's fix has no commands to copy.", severity="warning")
            return
        self.app.copy_to_clipboard("\n".join(commands))
        self.notify(f"Copied {counted(len(commands), 'command')} to the clipboard.")

    def action_fix(self) -> None:
        """x: the fix dialog (petstore_tui/screens/fix_dialog.py); live probes re-run after a fix."""
        # start-up: the fix dialog brings the fixes and boto3; only asking for a fix loads them
        from petstore_tui.screens.fix_dialog import open_fix

        finding = self.query_one(FindingsTable).selected()
        open_fix(self, finding.failure_id if finding else None,
                 lambda outcome: outcome is not None and outcome.status == "fixed" and self.action_run_probes(),
                 stand_in=self.query_one(FindingDetail).stand_in)

    def action_export_report(self) -> None:
        path = default_report_path(self.app.services.report_dir, self.app.services.clock())

        def chosen(value: str | None) -> None:
            if value:
                self.write_report(Path(value).expanduser())

        self.app.push_screen(PromptDialog("Write the incident report (Markdown) to:", str(path)),
                             chosen)

    @work(thread=True, group="report", exit_on_error=False)
    def write_report(self, path: Path) -> None:
        try:
            findings = list(self.query_findings())
            sources = list(self.sources.values())
            text = render_report(self.app.target, findings, list(self.timeline),
                                 [s.title for s in sources if not s.unavailable], self.app.services.clock(),
                                 [(s.title, s.unavailable) for s in sources if s.unavailable])
            write_report_file(path, text)
            self.app.call_from_thread(self.notify, f"Report written to {path}")
        except FileExistsError:
            self.app.call_from_thread(self.app.fail, "Report not written",
                                      f"{path} exists and is kept: give another name")
        except Exception as exc:  # a full disk or a bad path: say so
            self.app.call_from_thread(self.app.fail, "Report not written", exc)

    def query_findings(self) -> list[Finding]:
        engine = self.engine
        shown = dict(self.query_one(FindingsTable).findings)
        if engine is not None:
            try:
                with self.engine_lock:
                    for finding in engine.findings():
                        key = finding_key(finding)
                        if finding.count <= self.cleared.get(key, -1) and finding.simulated:
                            continue  # cleared with its drill, not seen since
                        if key in shown:  # with what the live probes said of it
                            shown[key] = self.query_one(FindingsTable).merged_finding(finding)
                        else:
                            shown[key] = finding
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
        self.post_message(FindingsChanged(found, PROBES))
        self.app.call_from_thread(self.notify, f"Probes done: {_findings(len(found))}.")


def _findings(count: int) -> str:
    return counted(count, "finding")
