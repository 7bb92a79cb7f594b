"""Run preflight checks concurrently, each under its timeout, yielding results as they finish."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable

from checks.model import CheckResult, Status
from checks.preflight.base import Check
from checks.preflight.context import CheckContext
from checks.redact import redact

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


async def run_preflight(ctx: CheckContext, groups: Iterable[str] | None = None,
                        only: Iterable[str] | None = None,
                        checks: Iterable[type[Check]] | None = None) -> AsyncIterator[CheckResult]:
    """Yield each selected check's result as soon as it finishes (all run at once)."""
    if checks is None:
        from checks.preflight.registry import ALL_CHECKS

        checks = ALL_CHECKS
    tasks = [asyncio.ensure_future(run_check(cls(), ctx)) for cls in select(checks, groups, only)]
    try:
        for next_done in asyncio.as_completed(tasks):
            yield await next_done
    finally:
        for task in tasks:
            if not task.done():
                task.cancel()
