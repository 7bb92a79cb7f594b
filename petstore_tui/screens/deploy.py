"""The deploy screen: runbook steps with state and time, the selected step's live output."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections import deque
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, ProgressBar, Static
from textual.worker import get_current_worker

from petstore_core.redact import redact
from petstore_tui import events as ev
from petstore_tui.screens.dialogs import ConfirmDialog, TypedConfirmDialog
from petstore_tui.widgets.log_view import LogView
from petstore_tui.widgets.step_list import StepList
from petstore_tui.widgets.target_header import TargetHeader
from petstore_tui.workers import Batcher, drain_async

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


class RunbookEventArrived(Message):
    """A runbook event (StepStarted, StepFinished, ...) from the runner's worker."""

    def __init__(self, event: Any) -> None:
        super().__init__()
        self.event = event


class OutputBatch(Message):
    """Lines one step printed since the last batch: never replaced, never dropped."""

    def __init__(self, step: str, lines: list[str]) -> None:
        super().__init__()
        self.step = step
        self.lines = lines


class ProgressArrived(Message):
    """Progress of a step: a newer one replaces an older one still in the queue."""

    def __init__(self, event: ev.StepProgress) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ProgressArrived) and message.event.step == self.event.step


class RunEnded(Message):
    def __init__(self, error: str = "") -> None:
        super().__init__()
        self.error = error


class RunnerBuilt(Message):
    def __init__(self, runner: Any, error: str = "") -> None:
        super().__init__()
        self.runner = runner
        self.error = error


class RunbookScreen(Screen):
    """Shared by deploy and cleanup: drives a runner in a thread worker and renders its events."""

    app: PetstoreApp  # the app's type for type checkers (Textual sets self.app)

    KIND = "deploy"
    TITLE = "Deploy"
    BINDINGS = [
        Binding("r", "run_all", "Run all"),
        Binding("o", "run_one", "Run selected"),
        Binding("s", "skip", "Skip selected"),
        Binding("t", "retry", "Retry from selected"),
        Binding("x", "stop", "Stop"),
    ]
    PALETTE = [
        ("run_all", "Deploy: run all steps", "Run the runbook from the first step not done"),
        ("run_one", "Deploy: run selected step", "Run only the highlighted step"),
        ("skip", "Deploy: skip selected step", "Mark the highlighted step skipped and go on"),
        ("retry", "Deploy: retry from selected step", "Run again from the highlighted step"),
        ("stop", "Deploy: stop", "Interrupt the running tool and stop after it exits"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.runner: Any = None
        self.running = False
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

    def _deliver(self, lines: dict[str, list[str]], _dropped: int) -> None:
        """From the pump thread: one message a step, and a copy for the troubleshoot panel."""
        for step, batch in lines.items():
            self.post_message(OutputBatch(step, batch))
            self.app.runbook_tap(step, batch)

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
                yield LogView(max_lines=STEP_LINES, id="step-output")
                yield Static("", id="step-findings")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#step-progress").display = False
        self.set_interval(1.0, self._tick)
        self.run_worker(lambda: self.batcher.pump(lambda: get_current_worker().is_cancelled),
                        thread=True, group="pump", exit_on_error=False, name="output-pump")
        self._build_runner()

    def on_unmount(self) -> None:
        """The app is closing: an open question is answered no and the tool interrupted,
        so the worker's thread ends instead of waiting for an answer forever."""
        if self._pending_answer and not self._pending_answer.done():
            self._pending_answer.set_result(False)
        if self.running:
            self.action_stop()

    def _build_runner(self) -> None:
        services = self.app.services
        kind = self.KIND

        def body() -> None:
            try:
                if services.make_runner is None:
                    raise RuntimeError(services.unavailable.get("runbook", "the runbook is not installed"))
                runner = services.make_runner(kind, self._confirm)
                self.post_message(RunnerBuilt(runner))
            except Exception as exc:  # shown as "not available", never a crash
                self.post_message(RunnerBuilt(None, f"{type(exc).__name__}: {exc}"))

        self.run_worker(body, thread=True, group=f"{kind}-build", exit_on_error=False)

    def on_runner_built(self, message: RunnerBuilt) -> None:
        if message.error:
            self.query_one(TargetHeader).status = "runbook not available"
            self.query_one("#step-title", Label).update(
                redact(f"Runbook not available: {message.error}"))
            return
        self.runner = message.runner
        self.query_one(StepList).set_steps(step_pairs(self.runner))
        self._update_status()

    # -- actions -------------------------------------------------------------------------

    def _can_start(self) -> bool:
        if self.runner is None:
            self.notify("The runbook is not available here.", severity="warning")
            return False
        if self.running:
            self.notify("A run is in progress: stop it first (x).", severity="warning")
            return False
        return True

    def action_run_all(self) -> None:
        if self._can_start():
            self.start_run()

    def action_run_one(self) -> None:
        step = self.query_one(StepList).selected_id()
        if step and self._can_start():
            self.start_run(only=step)

    def action_retry(self) -> None:
        step = self.query_one(StepList).selected_id()
        if step and self._can_start():
            self.start_run(from_step=step)

    def action_skip(self) -> None:
        steps = self.query_one(StepList)
        step = steps.selected_id()
        if not step or not self._can_start():
            return
        skip = getattr(self.runner, "skip", None)
        if callable(skip):  # the runner records skips in its journal
            try:
                skip(step)
            except Exception as exc:  # refused (e.g. a step that cannot be skipped)
                self.app.fail(f"Cannot skip {step}", exc)
                return
        steps.set_state(step, "skipped", summary="skipped by the operator")
        following = steps.order[steps.order.index(step) + 1:]
        nxt = next((s for s in following if steps.states.get(s) != "done"), None)
        if nxt:
            self.start_run(from_step=nxt)

    def action_stop(self) -> None:
        if not self.running or self.runner is None:
            self.notify("Nothing is running.")
            return
        if self._pending_answer and not self._pending_answer.done():
            self._pending_answer.set_result(False)  # a stop answers an open question with no
        loop = self._loop
        stop = getattr(self.runner, "stop", None)
        if loop is None or stop is None:
            return

        def do_stop() -> None:
            result = stop()
            if asyncio.iscoroutine(result):
                asyncio.ensure_future(result)

        loop.call_soon_threadsafe(do_stop)  # the runner lives on the worker's loop
        self.notify("Stopping: the running tool was interrupted and is exiting cleanly…")

    # -- the worker -----------------------------------------------------------------------

    def start_run(self, *, from_step: str | None = None, only: str | None = None) -> None:
        self.running = True
        self.last_result = None
        self._update_status()
        runner = self.runner

        def body() -> None:
            worker = get_current_worker()

            def on_event(event: Any) -> None:
                if isinstance(event, ev.StepOutput):
                    self.batcher.add(event.step, redact(event.line))
                    return
                self.batcher.flush()  # a step's lines reach the screen before its end
                if isinstance(event, ev.StepProgress):
                    self.post_message(ProgressArrived(event))
                else:
                    self.post_message(RunbookEventArrived(event))

            def on_loop(loop: asyncio.AbstractEventLoop) -> None:
                self._loop = loop

            error = ""
            try:
                drain_async(lambda: runner.run(from_step=from_step, only=only), on_event,
                            lambda: worker.is_cancelled, on_loop=on_loop)
            except Exception as exc:  # the runner itself broke: report it, keep the screen
                error = f"{type(exc).__name__}: {exc}"
            self.batcher.flush()
            self._loop = None
            self.post_message(RunEnded(error))

        self.run_worker(body, thread=True, exclusive=True, group=self.KIND, exit_on_error=False)

    async def _confirm(self, request: ev.ConfirmationRequested) -> Any:
        """The runner's confirm callback, called on the worker's loop: ask with a dialog on
        the UI thread and wait for the answer without blocking either loop."""
        if request.expected_text and self.confirmed_text == request.expected_text:
            return self.confirmed_text  # the operator typed it before the run started
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._pending_answer = future

        def answer(value: Any) -> None:
            if not future.done():
                future.set_result(value)

        def ask() -> None:
            if request.expected_text:
                dialog = TypedConfirmDialog(request.prompt, request.expected_text, request.detail)
            else:
                dialog = ConfirmDialog(request.prompt, request.detail)
            self.app.push_screen(dialog, callback=answer)

        self.app.call_from_thread(ask)
        value = await asyncio.wrap_future(future)
        if request.expected_text:
            return value if isinstance(value, str) else ""
        return bool(value)

    # -- rendering ------------------------------------------------------------------------

    def on_runbook_event_arrived(self, message: RunbookEventArrived) -> None:
        event = message.event
        steps = self.query_one(StepList)
        if isinstance(event, ev.StepStarted):
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
        for step, state in steps.states.items():
            if state == "running":  # a runner that died mid-step leaves no StepFinished
                steps.set_state(step, "stopped")
        self._update_status()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._render_selected()

    def _render_selected(self) -> None:
        step = self.query_one(StepList).selected_id()
        log = self.query_one(LogView)
        log.reset()
        if step is None:
            return
        title = dict(step_pairs(self.runner)).get(step, step) if self.runner else step
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


class DeployScreen(RunbookScreen):
    """Deploy runbook: confirmations come from the runner (before apply, before destructive steps)."""

    KIND = "deploy"
    TITLE = "Deploy"
