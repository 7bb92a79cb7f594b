"""Run preflight checks concurrently (a bounded number at once), each under its time limit counted from its own start, yielding results as they finish."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import time
from collections.abc import AsyncIterator, Iterable

from checks.model import CheckResult, Status
from checks.preflight import registry
from checks.preflight.base import Check
from checks.preflight.context import CheckContext
from petstore_core.redact import redact
from petstore_core.settings import cache_dir

GROUPS = ("tools", "aws", "config", "cluster")


def select(checks: Iterable[type[Check]], groups: Iterable[str] | None = None,
           only: Iterable[str] | None = None) -> list[type[Check]]:
    groups = set(groups or ())
    only = set(only or ())
    return [c for c in checks if (not groups or c.group in groups) and (not only or c.id in only)]


async def run_check(check: Check, ctx: CheckContext) -> CheckResult:
    """One check under its timeout; never raises (except cancellation)."""
    timeout = check.effective_timeout(ctx)
    started = time.monotonic()
    try:
        result = await asyncio.wait_for(check.run(ctx), timeout)
    except TimeoutError:
        result = CheckResult(check.id, check.group, Status.ERROR, f"timed out after {timeout:g}s",
                             f"{check.title or check.id} did not finish within {timeout:g}s",
                             "raise --timeout, or check the network or tool it waits on")
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a bug or an unexpected answer: reported, never a traceback
        result = CheckResult(check.id, check.group, Status.ERROR,
                             f"check failed: {type(exc).__name__}: {exc}".splitlines()[0][:300])
    if not isinstance(result, CheckResult):
        result = CheckResult(check.id, check.group, Status.ERROR, "check returned no result")
    result.id = result.id or check.id
    result.group = result.group or check.group
    result.summary = redact(result.summary)
    result.detail = redact(result.detail)
    result.fix = redact(result.fix)
    result.duration = round(time.monotonic() - started, 3)
    return result


# How long each check took last time, in the state folder: the slowest start first.
DURATIONS = "preflight-durations.json"


def _durations_path():
    return cache_dir() / DURATIONS


def slowest_first(checks: list[type[Check]]) -> list[type[Check]]:
    """`checks` with the slowest of the last run first (a check not seen yet counts as
    slow). All run at once, but the event loop starts them one after another and a
    check's first steps (spawning a tool, starting a thread) can wait behind another's
    CPU work: what takes longest should be under way earliest. Stable otherwise."""
    try:
        last = json.loads(_durations_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return list(checks)
    if not isinstance(last, dict):
        return list(checks)

    def expected(check: type[Check]) -> float:
        seconds = last.get(check.id)
        return float(seconds) if isinstance(seconds, (int, float)) else float("inf")

    return sorted(checks, key=lambda check: -expected(check))


def _remember_durations(results: list[CheckResult]) -> None:
    path = _durations_path()
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
        known = known if isinstance(known, dict) else {}
    except (OSError, ValueError):
        known = {}
    known.update({r.id: r.duration for r in results if r.duration is not None})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".durations-")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(known, handle, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except OSError:
        pass  # only the start order depends on it


# The whole run is bounded too: a check still waiting for a worker this many times the
# longest time limit after the start is reported as not started, never left to hang.
OVERALL_LIMIT_FACTOR = 3


def _not_started(check: Check, overall: float) -> CheckResult:
    return CheckResult(check.id, check.group, Status.ERROR, f"not started within the preflight's {overall:g}s",
                       f"{check.title or check.id} waited for a free worker until the whole preflight's "
                       f"limit ({OVERALL_LIMIT_FACTOR} x the longest check limit) had passed",
                       "raise --timeout, or run fewer checks at once (--group, --only)")


async def run_preflight(ctx: CheckContext, groups: Iterable[str] | None = None,
                        only: Iterable[str] | None = None,
                        checks: Iterable[type[Check]] | None = None) -> AsyncIterator[CheckResult]:
    """Yield each selected check's result as soon as it finishes. `ctx.workers` checks run
    at once, the slowest of the last run taken up first; each check's time limit counts
    from when a worker takes it up, not from when it was queued (at load 15, checks queued
    behind others timed out without having run)."""
    if checks is None:
        checks = registry.ALL_CHECKS  # read at the call: tests put their own checks there
    queued = [cls() for cls in slowest_first(select(checks, groups, only))]
    if not queued:
        return
    overall = OVERALL_LIMIT_FACTOR * max(check.effective_timeout(ctx) for check in queued)
    deadline = time.monotonic() + overall
    workers = asyncio.Semaphore(max(1, ctx.workers))
    never_ran: set[str] = set()

    async def when_free(check: Check) -> CheckResult:
        try:
            await asyncio.wait_for(workers.acquire(), max(0.0, deadline - time.monotonic()))
        except TimeoutError:
            never_ran.add(check.id)
            return _not_started(check, overall)
        try:
            return await run_check(check, ctx)
        finally:
            workers.release()

    tasks = [asyncio.ensure_future(when_free(check)) for check in queued]
    finished: list[CheckResult] = []
    try:
        for next_done in asyncio.as_completed(tasks):
            result = await next_done
            finished.append(result)
            yield result
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
        if finished:
            _remember_durations([r for r in finished if r.id not in never_ran])
