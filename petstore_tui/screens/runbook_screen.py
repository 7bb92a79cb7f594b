"""The runbook screen shared by deploy and cleanup: steps with state and time, the selected
step's live output."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections import deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Label, ProgressBar, Static
from textual.worker import get_current_worker

from petstore_core.redact import redact
from petstore_tui import events as ev
from petstore_tui.runbook.journal import last_output
from petstore_tui.screens.runbook_actions import RunbookActions
from petstore_tui.screens.runbook_messages import (
    OutputBatch,
    ProgressArrived,
    RunbookEventArrived,
    RunEnded,
    RunnerBuilt,
)
from petstore_tui.screens.runbook_worker import RunbookWorker
from petstore_tui.widgets.keys_footer import KeysFooter
from petstore_tui.widgets.log_view import LogView
from petstore_tui.widgets.step_list import StepList
from petstore_tui.widgets.target_header import TargetHeader
from petstore_tui.workers import Batcher

if TYPE_CHECKING:
    from petstore_tui.app import PetstoreApp


STEP_LINES = 5_000  # per step kept for the output pane
FLUSH_EVERY = 0.05  # seconds: output lines reach the screen in batches, about per frame


def step_pairs(runner: Any) -> list[tuple[str, str]]:
    """(id, title) of each step, whatever the runner calls them."""
    pairs = []
    for step in getattr(runner, "steps", None) or ():
        if isinstance(step, tuple | list):
            pairs.append((str(step[0]), str(step[1] if len(step) > 1 else step[0])))
            continue
        step_id = getattr(step, "id", None) or getattr(step, "name", None) or str(step)
        title = getattr(step, "title", None) or step_id
        pairs.append((str(step_id), str(title)))
    return pairs


def runbook_palette(
    screen: str, *, run_all: tuple[str, str], run_one: tuple[str, str]
) -> list[tuple[str, str, str]]:
    """A runbook screen's command palette entries: its own words for the two ways to run,
    the shared ones for skip, retry and stop."""
    return [
        ("run_all", f"{screen}: {run_all[0]}", run_all[1]),
        ("run_one", f"{screen}: {run_one[0]}", run_one[1]),
        ("skip", f"{screen}: skip selected step", "Mark the highlighted step skipped and go on"),
        ("retry", f"{screen}: retry from selected step", "Run again from the highlighted step"),
        ("stop", f"{screen}: stop", "Interrupt the running tool and stop after it exits"),
    ]


class RunbookScreen(RunbookWorker, RunbookActions, Screen):
    """Shared by deploy and cleanup: drives a runner in a thread worker and renders its events."""

    app: PetstoreApp  # the app's type for type checkers (Textual sets self.app)
    CSS_PATH = Path(__file__).with_name("runbook.tcss")  # read when first shown (app.tcss)
    # below 120 columns the output pane goes under the steps, full width: beside them at
    # 80 columns it kept 28 columns and cut every line of a tool's output (runbook.tcss)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]

    KIND = "deploy"
    TITLE = "Deploy"
    BINDINGS = [
        Binding("r", "run_all", "Run all"),
        Binding("o", "run_one", "Run selected"),
        Binding("s", "skip", "Skip selected"),
        Binding("t", "retry", "Retry from selected"),
        Binding("x", "stop", "Stop"),
    ]
    # the keys the footer keeps first when it is too narrow for all (widgets/keys_footer.py)
    FOOTER_FIRST = ("run_all", "stop", "run_one", "retry", "skip")
    PALETTE = runbook_palette(
        "Deploy",
        run_all=("run all steps", "Run the runbook from the first step not done"),
        run_one=("run selected step", "Run only the highlighted step"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.runner: Any = None
        self.runner_error: str | None = None
        # a run asked for while the runner is still being built: started once it is
        self.start_when_built: dict[str, str | None] | None = None
        self.running = False
        self.steps_started = 0  # steps the current run started (runbook_worker.start_run)
        self.current: str | None = None
        self.started_at: dict[str, float] = {}
        self.outputs: dict[str, deque[str]] = {}
        self.summaries: dict[str, str] = {}
        self.findings: dict[str, tuple] = {}
        self.progress: dict[str, ev.StepProgress] = {}
        self.confirmed_text: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending_answer: concurrent.futures.Future | None = None
        self.last_result: ev.RunFinished | None = None
        self.batcher = Batcher(self._deliver, FLUSH_EVERY, keep=STEP_LINES)

    def compose(self) -> ComposeResult:
        app = self.app
        yield TargetHeader(self.TITLE, app.target.label, sandbox=app.target.sandbox,
                           sandbox_state=app.sandbox_state)
        with Horizontal(id="runbook-body"):
            yield StepList(id="steps")
            with Vertical(id="step-pane"):
                yield Label("Output", id="step-title")
                yield ProgressBar(total=None, show_eta=False, id="step-progress")
                yield Label("", id="progress-label")
                output = LogView(max_lines=STEP_LINES, id="step-output")
                # wrapped: the pane is 46 columns at 120 and narrower at 80, and a tool's
                # error (Terraform's, the journal's note) was cut at its edge, read nowhere
                output.wrap, output.tag_width = True, 0  # no source tag to indent past here
                yield output
                yield Static("", id="step-findings")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#step-progress").display = False
        self.set_interval(1.0, self._tick)
        self.run_worker(lambda: self.batcher.pump(lambda: get_current_worker().is_cancelled),
                        thread=True, group="pump", exit_on_error=False, name="output-pump")
        self._draw_outline()
        self._build_runner()

    def _draw_outline(self) -> None:
        """The steps at once, each "checking": building the runner imports every step's
        module (boto3, the Kubernetes client) and reads the journal, ~2 s idle and 5 s or more
        on a loaded machine, and the list stayed blank until then. Their states follow."""
        outline = getattr(self.app.services, "runbook_outline", None)
        if outline is None:
            return
        try:
            pairs = outline(self.KIND)
        except Exception:  # noqa: S110 - the list then waits for the runner, as before
            return
        self.query_one(StepList).set_steps(pairs, state="checking")
        self.query_one(TargetHeader).status = "checking the journal…"

    def on_unmount(self) -> None:
        """The app is closing: an open question is answered no and the tool interrupted,
        so the worker's thread ends instead of waiting for an answer forever."""
        if self._pending_answer and not self._pending_answer.done():
            self._pending_answer.set_result(False)
        if self.running:
            self.action_stop()

    def on_runner_built(self, message: RunnerBuilt) -> None:
        if message.error:
            self.runner_error = message.error
            self.start_when_built = None
            self.query_one(StepList).set_steps([])  # the outline's "checking" would never end
            self.query_one(TargetHeader).status = "runbook not available"
            self.query_one("#step-title", Label).update(
                redact(f"Runbook not available: {message.error}"))
            # the title is one line, cut at the pane's width: the reason whole, in a notification
            self.app.fail("Runbook not available", message.error)
            return
        self.runner = message.runner
        steps = self.query_one(StepList)
        pairs = step_pairs(self.runner)
        if steps.order == [step_id for step_id, _ in pairs]:  # the outline: keep the cursor
            for step_id in steps.order:
                steps.set_state(step_id, "pending")
        else:
            steps.set_steps(pairs)
        self._show_recorded(message.recorded)
        self._update_status()
        if self.start_when_built is not None:
            wanted, self.start_when_built = self.start_when_built, None
            self.start_run(**wanted)

    def _show_recorded(self, recorded: dict) -> None:
        """The journal's last word on each step: its state in the list, and its summary
        whole under the output (the list's column cuts it; a failed step's reason and fix
        from an earlier session was readable nowhere else)."""
        steps = self.query_one(StepList)
        for step, entry in recorded.items():
            if step not in steps.states:
                continue
            state = entry.get("status") or "pending"  # "running" here: a run that died
            summary = redact(entry.get("summary") or "")
            steps.set_state(step, "stopped" if state == "running" else state,
                            elapsed=entry.get("elapsed"), summary=summary)
            if summary:
                self.summaries[step] = summary
            heading, earlier = last_output(entry)  # a stopped step's output outlives the session
            if earlier and step not in self.outputs:
                self.outputs[step] = deque([heading, *earlier], maxlen=STEP_LINES)
        self._render_selected()

    # -- rendering ------------------------------------------------------------------------

    def on_runbook_event_arrived(self, message: RunbookEventArrived) -> None:
        event = message.event
        steps = self.query_one(StepList)
        if isinstance(event, ev.StepStarted):
            self.steps_started += 1
            self.current = event.step
            self.started_at[event.step] = event.at
            self.progress.pop(event.step, None)
            steps.set_state(event.step, "running", elapsed=0.0, summary="")
            if steps.selected_id() != event.step and event.step in steps.states:
                steps.move_cursor(row=steps.get_row_index(event.step))
        elif isinstance(event, ev.StepFinished):
            state = event.status.value if hasattr(event.status, "value") else str(event.status)
            self.summaries[event.step] = redact(event.summary)
            if event.findings:
                self.findings[event.step] = event.findings
            steps.set_state(event.step, state, elapsed=event.elapsed, summary=redact(event.summary))
            self.started_at.pop(event.step, None)
            if self.current == event.step:
                self.current = None
            if state == "failed":
                self.notify(redact(f"{event.step} failed: {event.summary}"), severity="error",
                            timeout=8)
        elif isinstance(event, ev.StepFindings):
            self.findings[event.step] = event.findings
        elif isinstance(event, ev.RunFinished):
            self.last_result = event
            if event.ok and not self.steps_started:
                # "Run finished" read as if r had done something; say what the CLI says
                # (petstore_tui/runbook/console.py) and which keys run a step again
                self.notify(f"Every {self.KIND} step is already done (the journal says so): "
                            "t runs again from the selected step, o runs it alone.", timeout=8)
            else:
                self.notify("Run finished" if event.ok else f"Run stopped at {event.stopped_at}",
                            severity="information" if event.ok else "warning", timeout=5)
        if getattr(event, "step", None) == steps.selected_id():
            self._render_selected()
        self._update_status()

    def on_output_batch(self, message: OutputBatch) -> None:
        lines = self.outputs.setdefault(message.step, deque(maxlen=STEP_LINES))
        lines.extend(message.lines)
        if message.step == self.query_one(StepList).selected_id():
            self.query_one(LogView).add_lines(message.lines)

    def on_progress_arrived(self, message: ProgressArrived) -> None:
        self.progress[message.event.step] = message.event
        if message.event.step == self.query_one(StepList).selected_id():
            self._render_progress()

    def on_run_ended(self, message: RunEnded) -> None:
        self.running = False
        if message.error:
            self.app.fail("The runbook stopped", message.error)
        steps = self.query_one(StepList)
        self._show_recorded(message.recorded or {})  # the journal changed under the screen
        for step, state in steps.states.items():
            if state == "running":  # a runner that died mid-step leaves no StepFinished
                steps.set_state(step, "stopped")
        self._update_status()
        self.app.run_ended(self)  # last: it may quit, once the runner has journalled the step

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._render_selected()

    def _render_selected(self) -> None:
        step = self.query_one(StepList).selected_id()
        log = self.query_one(LogView)
        log.reset()
        if step is None:
            return
        table = self.query_one(StepList)  # before the runner is built: the outline's titles
        shown = step_pairs(self.runner) if self.runner else zip(table.order, table.titles, strict=True)
        title = dict(shown).get(step, step)
        self.query_one("#step-title", Label).update(f"Output of {title}")
        log.add_lines(list(self.outputs.get(step, ())))
        self._render_progress()
        found = self.findings.get(step) or ()
        text = ""
        if found:
            text = "Findings: " + "; ".join(
                redact(f"{f.title} → {f.fix.summary if f.fix else 'see troubleshoot'}") for f in found)
        elif self.summaries.get(step):
            text = self.summaries[step]
        self.query_one("#step-findings", Static).update(text)

    def _render_progress(self) -> None:
        step = self.query_one(StepList).selected_id()
        bar = self.query_one("#step-progress", ProgressBar)
        label = self.query_one("#progress-label", Label)
        progress = self.progress.get(step or "")
        bar.display = progress is not None
        if progress is None:
            label.update("")
            return
        bar.update(total=progress.total, progress=progress.done)
        of = f"/{progress.total}" if progress.total else ""
        label.update(redact(f"{progress.label} {progress.done}{of}".strip()))

    def _tick(self) -> None:
        """Elapsed time of the running step, from the app's clock (frozen in snapshots)."""
        now = self.app.services.clock()
        steps = self.query_one(StepList)
        for step, started in self.started_at.items():
            steps.set_elapsed(step, now - started)

    def _update_status(self) -> None:
        steps = self.query_one(StepList)
        counts: dict[str, int] = {}
        for state in steps.states.values():
            counts[state] = counts.get(state, 0) + 1
        parts = [f"{counts.get('done', 0)}/{len(steps.states)} done"]
        for state in ("failed", "skipped", "stopped"):
            if counts.get(state):
                parts.append(f"{counts[state]} {state}")
        if self.running:
            parts.append(f"running {self.current}" if self.current else "running")
        self.query_one(TargetHeader).status = " · ".join(parts)
