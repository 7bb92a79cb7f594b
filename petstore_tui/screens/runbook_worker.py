"""The runbook screens' workers: building the runner, running it, asking its confirmations."""

from __future__ import annotations

import asyncio
import concurrent.futures
from typing import Any

from textual.worker import get_current_worker

from petstore_core.redact import redact
from petstore_tui import events as ev
from petstore_tui.screens.dialogs import ConfirmDialog, TypedConfirmDialog
from petstore_tui.screens.runbook_messages import (
    OutputBatch,
    ProgressArrived,
    RunbookEventArrived,
    RunEnded,
    RunnerBuilt,
)
from petstore_tui.workers import drain_async


class RunbookWorker:
    """Drives the runner in a thread worker; its events and output come back as messages."""

    def _deliver(self, lines: dict[str, list[str]], _dropped: int) -> None:
        """From the pump thread: one message a step, and a copy for the troubleshoot panel."""
        for step, batch in lines.items():
            self.post_message(OutputBatch(step, batch))
            self.app.runbook_tap(step, batch)

    def _build_runner(self) -> None:
        services = self.app.services
        kind = self.KIND

        def body() -> None:
            try:
                if services.make_runner is None:
                    raise RuntimeError(services.unavailable.get("runbook", "the runbook is not installed"))
                runner = services.make_runner(kind, self._confirm)
                recorded = getattr(runner, "recorded", None)  # read here, off the UI thread
                self.post_message(RunnerBuilt(runner, recorded=recorded() if recorded else None))
            except Exception as exc:  # shown as "not available", never a crash
                self.post_message(RunnerBuilt(None, f"{type(exc).__name__}: {exc}"))

        self.run_worker(body, thread=True, group=f"{kind}-build", exit_on_error=False)

    def start_run(self, *, from_step: str | None = None, only: str | None = None) -> None:
        self.running = True
        self.steps_started = 0  # none by the end: every step was already done
        self.app.run_started(self)  # a quit now asks first (screens/quit_guard.py)
        self.last_result = None
        self._update_status()
        runner = self.runner

        def body() -> None:
            worker = get_current_worker()
            started = []

            def on_event(event: Any) -> None:
                if isinstance(event, ev.StepStarted):
                    started.append(event.step)
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
            recorded = None
            reader = getattr(runner, "recorded", None)
            if not started and not error and callable(reader):
                try:  # read here, off the UI thread
                    recorded = reader()
                except Exception:  # noqa: S110 - the list then keeps what it showed
                    recorded = None
            self.post_message(RunEnded(error, recorded))

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
