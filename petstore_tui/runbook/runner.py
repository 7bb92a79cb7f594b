"""The Runner: runs a runbook's steps in order, yields petstore_tui.events, keeps the journal."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from checks.engine import load_default_engine
from petstore_core import settings
from petstore_core.redact import KeyBlockMasker, redact
from petstore_core.words import counted
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
from petstore_tui.runbook.background_engine import BackgroundEngine
from petstore_tui.runbook.journal import OUTPUT_LINES, Journal, last_output
from petstore_tui.runbook.lock import RunLock
from petstore_tui.runbook.model import Step, StepContext, StepResult, describe_error, duration
from petstore_tui.runbook.stopping import KILLED

_END = object()
_COMPLETE = ("done", "skipped")
HEARTBEAT = 10.0  # a running step is never silent for longer than this
ENGINE_POLL = 0.1  # seconds between looks at an engine still being built
_TICK = 1.0  # how often the heartbeat looks (a silence is reported within a second of HEARTBEAT)
VERIFY_TIMEOUT = 20.0  # each journal check is a call or two; a dead endpoint must not hang a resume


class RunbookError(ValueError):
    """Bad arguments to a run (an unknown step id): the CLI exits 2 with this message."""


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
        engine_factory: Callable[[], Any] | None = load_default_engine,
        clock: Callable[[], float] = time.monotonic,
        tick: Callable[[], Awaitable[None]] | None = None,
    ):
        """`clock` and `tick` drive the heartbeat (tests pass a fake clock and ticks)."""
        self.target = target
        self.steps = list(steps)
        self.confirm = confirm
        self.runbook = runbook or getattr(steps, "name", None) or "deploy"
        self.options = dict(options or {})
        self.engine_factory = engine_factory
        self.workdir = settings.state_dir() / "work" / target.key
        self._task: asyncio.Task | None = None
        self._stop_requested = False
        self._killed = False  # stop_now: the tool was killed rather than left to exit cleanly
        self.clock = clock
        self._tick = tick or (lambda: asyncio.sleep(_TICK))

    # ---- the plan of a run --------------------------------------------------------------
    def _index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        known = ", ".join(s.id for s in self.steps)
        raise RunbookError(f"unknown step {step_id!r} (steps: {known})")

    def plan(self, journal: Journal, from_step: str | None, only: str | None,
             stale: str | None = None) -> list[Step]:
        """The steps this run executes, in order. `stale`: a done step whose result no
        longer stands (see verify_journal), run again like a step not done."""
        if only:  # a confirmation step flagged `always` still comes first
            index = self._index(only)
            return [s for s in self.steps[:index] if s.always] + [self.steps[index]]
        if from_step:
            start = self._index(from_step)
        else:
            start = next((i for i, s in enumerate(self.steps)
                          if journal.status(self.runbook, s.id) not in _COMPLETE
                          or s.id == stale), None)
            if start is None:
                # Everything is done: nothing runs unless asked (--from). Re-applying
                # unasked is never what a resume means, and against the emulator a second
                # apply fails on drift moto reports (docs/knowledge/dependencies.md).
                return []
            if self.steps[start].resume_from:
                start = min(start, self._index(self.steps[start].resume_from))
        before = [s for s in self.steps[:start] if s.always]
        return before + self.steps[start:]

    def recorded(self) -> dict[str, dict]:
        """What the journal last recorded of each step (status, elapsed, summary): the
        screen shows it before a run, since a run resumes from it."""
        return Journal.load(self.target).steps(self.runbook)

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

    @property
    def step_running(self) -> bool:
        """A step's work (its tool) is under way: a stop or `stop_now` still has something to
        stop. False between steps and once it has ended (its findings, its journal entry)."""
        return self._task is not None and not self._task.done()

    def stop_now(self) -> None:
        """After `stop`, while the tool still has its grace (Terraform: up to 15 min): stop
        it at once. A second cancel cuts process.stream's wait short, which SIGKILLs the
        tool's process group; the step is journalled as killed (stopping.KILLED)."""
        self._stop_requested = self._killed = True
        if self._task is not None and not self._task.done():
            self._task.cancel()

    async def verify_journal(self, journal: Journal, outputs: dict, cache: dict) -> tuple[str, str] | None:
        """(step id, why) of the first step the journal says is done whose result no
        longer stands (a cluster deleted by hand, an emulator restarted empty), else None.
        A journal entry is a hint: each done step with a `verify` is checked, cheaply."""
        for step in self.steps:
            status = journal.status(self.runbook, step.id)
            if status not in _COMPLETE:
                return None  # the plan starts here anyway
            if status != "done" or step.verify is None:
                continue
            ctx = StepContext(self.target, outputs, self.workdir, self.options, step.id, cache,
                              _clock=self.clock)
            try:
                why = await asyncio.wait_for(step.verify(ctx), VERIFY_TIMEOUT)
            except TimeoutError:
                why = f"could not confirm it within {VERIFY_TIMEOUT:.0f}s"
            except Exception as exc:  # an unanswerable check is no proof: run the step again
                why = f"could not confirm it: {describe_error(exc)}"
            if why:
                return step.id, redact(why)
        return None

    async def run(self, from_step: str | None = None, only: str | None = None) -> AsyncIterator:
        """The run's events. Raises RunLocked when another live run holds this target."""
        lock = RunLock(self.target, self.runbook).acquire()
        try:
            async for event in self._run(from_step, only, [lock.note()]):
                yield event
        finally:
            lock.release()

    async def _run(self, from_step: str | None, only: str | None, notes: list[str]) -> AsyncIterator:
        journal = Journal.load(self.target)
        outputs = journal.outputs(self.runbook)
        if self.runbook != "deploy":  # cleanup needs what the deploy made (kubeconfig, outputs)
            outputs = {**journal.outputs("deploy"), **outputs}
        cache: dict[str, Any] = {}
        stale = None
        if not from_step and not only:
            stale = await self.verify_journal(journal, outputs, cache)
        plan = self.plan(journal, from_step, only, stale[0] if stale else None)
        if not plan:
            yield RunFinished(True, None, 0.0)
            return
        if stale:
            notes.append(f"the journal says {stale[0]} is done, but {stale[1]}: running again from {plan[0].id}")
        self.workdir.mkdir(parents=True, exist_ok=True)
        engine = BackgroundEngine(self.engine_factory) if self.engine_factory is not None else None
        engine_error_told = False
        run_started = time.monotonic()
        self._stop_requested = False
        self._killed = False  # stop_now: the tool was killed rather than left to exit cleanly
        for step in plan:
            if self._stop_requested:
                yield RunFinished(False, step.id, time.monotonic() - run_started)
                return
            queue: asyncio.Queue = asyncio.Queue()
            findings: dict = {}
            ctx = self._context(step, outputs, cache, queue, engine, findings)
            started_at = time.time()
            t0 = time.monotonic()
            last = journal.steps(self.runbook).get(step.id) or {}
            yield StepStarted(step.id, step.title, started_at)
            for note in filter(None, notes):
                yield StepOutput(step.id, note, "info")
            notes = []
            heading, earlier = last_output(last)  # what it printed when it was stopped, before it runs again
            if earlier:
                yield StepOutput(step.id, heading, "info")
                for line in earlier:
                    yield StepOutput(step.id, line, "journal")
            said: deque[str] = deque(maxlen=OUTPUT_LINES)  # its lines, journalled if it stops or fails
            self._task = asyncio.ensure_future(self._execute(step, ctx, queue))
            beat = asyncio.ensure_future(self._heartbeat(step, ctx, queue))
            try:
                while True:
                    item = await queue.get()
                    if item is _END:
                        break
                    if isinstance(item, StepOutput):
                        said.append(item.line)
                    yield item
            finally:
                beat.cancel()
            result: StepResult = self._task.result()
            self._task = None
            elapsed = time.monotonic() - t0  # the step's own time: not the wait for the engine below
            if engine is not None and result.status is StepStatus.STOPPED and not engine.ready:
                # the operator stopped it: never held back by the catalog's first compile
                # (minutes on a loaded machine) for lines the stop made moot
                if engine.pending:
                    yield StepOutput(step.id, f"{counted(engine.pending, 'line')} of this step not diagnosed: "
                                     "stopped before the diagnostics engine was built", "info")
            elif engine is not None:
                async for line in self._wait_for_engine(step, engine):
                    yield line
                try:
                    if self._merge(findings, await engine.flush()):
                        yield StepFindings(step.id, self._sorted(findings))  # lines fed once it was ready
                except Exception:  # noqa: S110 - a broken engine must not break the deploy
                    pass
                if engine.error and not engine_error_told:
                    engine_error_told = True  # steps still run; their output is just not diagnosed
                    yield StepOutput(step.id, redact(f"diagnostics engine unavailable: {engine.error}"[:300]), "info")
            found = self._sorted(findings)
            summary = result.summary
            if result.status is StepStatus.FAILED and found and found[0].fix is not None:
                summary = f"{summary} — {found[0].title}: {found[0].fix.summary}"
            kept = list(said) if result.status in (StepStatus.STOPPED, StepStatus.FAILED) else None
            journal.record(self.runbook, step.id, result.status.value, started=started_at,
                           elapsed=elapsed, summary=summary, outputs=result.outputs, output=kept)
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

    async def _wait_for_engine(self, step: Step, engine: BackgroundEngine) -> AsyncIterator[StepOutput]:
        """A step whose lines wait for the engine (the catalog's first compile on a fresh
        state folder: ~15-20 s of CPU, a minute or more on a loaded machine) ends only once
        they are diagnosed. Said, and said again every HEARTBEAT seconds, rather than
        charged in silence to the step (the first preflight once read 56 s; its checks took
        under one)."""
        if not engine.pending:
            return
        yield StepOutput(step.id, f"diagnosing this step's {counted(engine.pending, 'line')}: the diagnostics engine is "
                         "still being built (the catalog's first compile in this state folder; later runs "
                         "load it from the cache)", "info")
        started = last = time.monotonic()
        while not engine.ready:  # polled: a thread blocked on it would hold the exit until the compile ends
            await asyncio.sleep(ENGINE_POLL)
            now = time.monotonic()
            if not engine.ready and now - last >= HEARTBEAT:
                last = now
                yield StepOutput(step.id, "… still waiting for the diagnostics engine: "
                                 f"{duration(now - started)}", "info")

    async def _heartbeat(self, step: Step, ctx: StepContext, queue: asyncio.Queue) -> None:
        """While `step` runs: after HEARTBEAT seconds with nothing shown, one line saying
        what it waits for and for how long, then again every HEARTBEAT seconds."""
        while True:
            await self._tick()
            now = self.clock()
            if now - ctx.last_shown >= HEARTBEAT and not ctx.asking:
                queue.put_nowait(StepOutput(step.id, redact(_still(step, ctx, now)), "info"))
                ctx.last_shown = now

    def _context(self, step: Step, outputs: dict, cache: dict, queue: asyncio.Queue, engine,
                 findings: dict) -> StepContext:
        last_progress: list = [None]
        key_blocks = KeyBlockMasker()  # a private key printed over several lines

        def emit(line: str, stream: str) -> None:
            text = redact(key_blocks(line, stream))
            ctx.last_shown = self.clock()
            queue.put_nowait(StepOutput(step.id, text, stream))
            if engine is not None:
                try:
                    changed = engine.feed(text, source=step.source)
                except Exception:
                    changed = None
                if changed and self._merge(findings, changed):
                    queue.put_nowait(StepFindings(step.id, self._sorted(findings)))

        def progress(done: int, total: int | None, label: str) -> None:
            event = StepProgress(step.id, done, total, redact(label))
            if event != last_progress[0]:  # a repeat is no news: the heartbeat speaks instead
                last_progress[0] = event
                ctx.last_shown = self.clock()
                queue.put_nowait(event)

        async def confirm(request: ConfirmationRequested):
            queue.put_nowait(request)
            if self.confirm is None:
                return False
            ctx.asking = True  # the operator is reading a question: no heartbeat over it
            try:
                return await self.confirm(request)
            finally:
                ctx.asking = False
                ctx.last_shown = self.clock()

        ctx = StepContext(self.target, outputs, self.workdir, self.options, step.id, cache,
                          emit, progress, confirm, _clock=self.clock)
        return ctx

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
            return StepResult(StepStatus.STOPPED, KILLED if self._killed else "stopped by the operator")
        except Exception as exc:  # a step's failure is reported, never raised
            return StepResult(StepStatus.FAILED, describe_error(exc))
        finally:
            queue.put_nowait(_END)


def _still(step: Step, ctx: StepContext, now: float) -> str:
    """The heartbeat's line: what the step waits for, for how long, and its limit."""
    if ctx.activity is None:
        return f"… {step.title}: still running ({duration(now - ctx.started)})"
    what, since, limit = ctx.activity
    bound = f", gives up after {duration(limit)}" if limit else ""
    return f"… still waiting for {what}: {duration(now - since)}{bound}"
