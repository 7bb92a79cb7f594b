"""The runbook screens' keys: run all, run one, retry, skip, stop."""

from __future__ import annotations

import asyncio

from petstore_tui.widgets.step_list import StepList


class RunbookActions:
    """What the keys do to the run: start it where the operator says, skip, or stop it."""

    def _can_start(self, wanted: dict[str, str | None] | None = None) -> bool:
        """Whether a run may start now. `wanted`: the run a key asked for, started once the
        runner is built when it is not yet (skip asks for none)."""
        if self.runner is None and self.runner_error is None and wanted is not None:
            # a key pressed as the screen opens: the runner is still being built (it reads
            # the journal); the run starts when it is ready instead of the key being lost
            self.start_when_built = wanted
            self.notify("Loading the runbook: the run starts when it is ready.")
            return False
        if self.runner is None:
            self.notify("The runbook is not available here.", severity="warning")
            return False
        if self.running:
            self.notify("A run is in progress: stop it first (x).", severity="warning")
            return False
        return True

    def action_run_all(self) -> None:
        if self._can_start({}):
            self.start_run()

    def action_run_one(self) -> None:
        step = self.query_one(StepList).selected_id()
        if step and self._can_start({"only": step}):
            self.start_run(only=step)

    def action_retry(self) -> None:
        step = self.query_one(StepList).selected_id()
        if step and self._can_start({"from_step": step}):
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

    def action_stop_now(self) -> None:
        """During a stop's grace (the quit question's second ask): kill the tool at once
        (Runner.stop_now); what that leaves was said before the operator chose it."""
        loop, stop_now = self._loop, getattr(self.runner, "stop_now", None)
        if not self.running or loop is None or stop_now is None:
            return
        loop.call_soon_threadsafe(stop_now)  # the runner lives on the worker's loop
