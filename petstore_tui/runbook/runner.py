"""The Runner: runs a runbook's steps in order, yields petstore_tui.events, keeps the journal."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from checks.redact import KeyBlockMasker, redact
from petstore_tui import settings
from petstore_tui.events import (
    ConfirmationRequested,
    RunFinished,
    StepFindings,
    StepFinished,
    StepOutput,
    StepProgress,
    StepStarted,
    StepStatus,
)
from petstore_tui.runbook.journal import Journal
from petstore_tui.runbook.model import Step, StepContext, StepResult, describe_error

_END = object()
_COMPLETE = ("done", "skipped")


class RunbookError(ValueError):
    """Bad arguments to a run (an unknown step id): the CLI exits 2 with this message."""


def _load_engine():
    """The diagnostics engine, or None while checks.engine is not installed."""
    try:
        from checks.engine import load_default_engine
    except ImportError:
        return None
    return load_default_engine()


class Runner:
    """Runs `steps` for `target`. `confirm` answers plan and destructive prompts."""

    def __init__(
        self,
        target: settings.Target,
        steps: list[Step],
        confirm: Callable[[ConfirmationRequested], Awaitable[bool | str]] | None = None,
        *,
        runbook: str | None = None,
        options: dict[str, Any] | None = None,
        engine_factory: Callable[[], Any] | None = _load_engine,
    ):
        self.target = target
        self.steps = list(steps)
        self.confirm = confirm
        self.runbook = runbook or getattr(steps, "name", None) or "deploy"
        self.options = dict(options or {})
        self.engine_factory = engine_factory
        self.workdir = settings.state_dir() / "work" / target.key
        self._task: asyncio.Task | None = None
        self._stop_requested = False

    # ---- the plan of a run --------------------------------------------------------------
    def _index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        known = ", ".join(s.id for s in self.steps)
        raise RunbookError(f"unknown step {step_id!r} (steps: {known})")

    def plan(self, journal: Journal, from_step: str | None, only: str | None) -> list[Step]:
        """The steps this run executes, in order."""
        if only:  # a confirmation step flagged `always` still comes first
            index = self._index(only)
            return [s for s in self.steps[:index] if s.always] + [self.steps[index]]
        if from_step:
            start = self._index(from_step)
        else:
            start = next((i for i, s in enumerate(self.steps)
                          if journal.status(self.runbook, s.id) not in _COMPLETE), None)
            if start is None:
                # Everything is done: nothing runs unless asked (--from). Re-applying
                # unasked is never what a resume means, and against the emulator a second
                # apply fails on drift moto reports (../shared/DEPENDENCIES.md).
                return []
            if self.steps[start].resume_from:
                start = min(start, self._index(self.steps[start].resume_from))
        before = [s for s in self.steps[:start] if s.always]
        return before + self.steps[start:]

    # ---- running ---------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the running step: its tool gets one SIGINT and time to exit cleanly.

        Idempotent: a second cancel would cut short process.stream's wait for the tool
        (Terraform would still be writing its state), so only the first one is sent."""
        if self._stop_requested:
            return
        self._stop_requested = True
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def run(self, from_step: str | None = None, only: str | None = None) -> AsyncIterator:
        journal = Journal.load(self.target)
        plan = self.plan(journal, from_step, only)
        if not plan:
            yield RunFinished(True, None, 0.0)
            return
        outputs = journal.outputs(self.runbook)
        if self.runbook != "deploy":  # cleanup needs what the deploy made (kubeconfig, outputs)
            outputs = {**journal.outputs("deploy"), **outputs}
        self.workdir.mkdir(parents=True, exist_ok=True)
        engine, engine_note = None, ""
        if self.engine_factory is not None:
            try:
                engine = self.engine_factory()
            except Exception as exc:  # steps still run; their output is just not diagnosed
                engine_note = redact(f"diagnostics engine unavailable: {type(exc).__name__}: {exc}"[:300])
        cache: dict[str, Any] = {}
        run_started = time.monotonic()
        self._stop_requested = False
        for step in plan:
            if self._stop_requested:
                yield RunFinished(False, step.id, time.monotonic() - run_started)
                return
            queue: asyncio.Queue = asyncio.Queue()
            findings: dict = {}
            ctx = self._context(step, outputs, cache, queue, engine, findings)
            started_at = time.time()
            t0 = time.monotonic()
            yield StepStarted(step.id, step.title, started_at)
            if engine_note:
                yield StepOutput(step.id, engine_note, "info")
                engine_note = ""
            self._task = asyncio.ensure_future(self._execute(step, ctx, queue))
            while True:
                item = await queue.get()
                if item is _END:
                    break
                yield item
            result: StepResult = self._task.result()
            self._task = None
            if engine is not None:
                try:
                    self._merge(findings, engine.flush())
                except Exception:  # noqa: S110 - a broken engine must not break the deploy
                    pass
            elapsed = time.monotonic() - t0
            found = self._sorted(findings)
            summary = result.summary
            if result.status is StepStatus.FAILED and found and found[0].fix is not None:
                summary = f"{summary} — {found[0].title}: {found[0].fix.summary}"
            journal.record(self.runbook, step.id, result.status.value, started=started_at,
                           elapsed=elapsed, summary=summary, outputs=result.outputs)
            if result.status in (StepStatus.DONE, StepStatus.SKIPPED):
                outputs.update(result.outputs)
            yield StepFinished(step.id, result.status, elapsed, redact(summary), found,
                               dict(result.outputs))
            if result.status in (StepStatus.FAILED, StepStatus.STOPPED):
                yield RunFinished(False, step.id, time.monotonic() - run_started)
                return
        if not only:
            # A finished deploy makes a later destroy start from its beginning, and back.
            other = "destroy" if self.runbook == "deploy" else "deploy"
            journal.reset(other)
            journal.save()
        yield RunFinished(True, None, time.monotonic() - run_started)

    def _context(self, step: Step, outputs: dict, cache: dict, queue: asyncio.Queue, engine,
                 findings: dict) -> StepContext:
        key_blocks = KeyBlockMasker()  # a private key printed over several lines

        def emit(line: str, stream: str) -> None:
            text = redact(key_blocks(line, stream))
            queue.put_nowait(StepOutput(step.id, text, stream))
            if engine is not None:
                try:
                    changed = engine.feed(text, source=step.source)
                except Exception:
                    changed = None
                if changed and self._merge(findings, changed):
                    queue.put_nowait(StepFindings(step.id, self._sorted(findings)))

        def progress(done: int, total: int | None, label: str) -> None:
            queue.put_nowait(StepProgress(step.id, done, total, redact(label)))

        async def confirm(request: ConfirmationRequested):
            queue.put_nowait(request)
            if self.confirm is None:
                return False
            return await self.confirm(request)

        return StepContext(self.target, outputs, self.workdir, self.options, step.id, cache,
                           emit, progress, confirm)

    @staticmethod
    def _merge(findings: dict, changed) -> bool:
        if not changed:
            return False
        for finding in changed:
            findings[finding.key] = finding
        return True

    @staticmethod
    def _sorted(findings: dict) -> tuple:
        return tuple(sorted(findings.values(), key=lambda f: (-f.severity.rank, f.failure_id)))

    async def _execute(self, step: Step, ctx: StepContext, queue: asyncio.Queue) -> StepResult:
        try:
            reason = await step.skip_if(ctx) if step.skip_if is not None else None
            if reason:
                return StepResult(StepStatus.SKIPPED, reason)
            result = await step.run(ctx)
            return result if isinstance(result, StepResult) else StepResult(StepStatus.DONE)
        except asyncio.CancelledError:
            return StepResult(StepStatus.STOPPED, "stopped by the operator")
        except Exception as exc:  # a step's failure is reported, never raised
            return StepResult(StepStatus.FAILED, describe_error(exc))
        finally:
            queue.put_nowait(_END)
