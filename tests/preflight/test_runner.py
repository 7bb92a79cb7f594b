"""run_preflight: concurrency, per-check timeouts, errors turned into results, redaction, selection (stand-in: small fake Check classes)."""

from __future__ import annotations

import asyncio
import json
import threading
import time

from checks.model import CheckResult, Status
from checks.preflight.base import Check
from checks.preflight.registry import ALL_CHECKS
from checks.preflight.runner import run_preflight, select
from tests.preflight.conftest import make_ctx


class Quick(Check):
    id, group, title = "t.quick", "tools", "quick"

    async def run(self, ctx):
        return self.passed("fine")


class Slow(Check):
    id, group, title, timeout = "t.slow", "aws", "slow", 0.3

    async def run(self, ctx):
        await asyncio.sleep(60)
        return self.passed("never")


class Broken(Check):
    id, group, title = "t.broken", "config", "broken"

    async def run(self, ctx):
        raise RuntimeError("boom with AKIAIOSFODNN7EXAMPLE inside")


class Leaky(Check):
    id, group, title = "t.leaky", "config", "leaky"

    async def run(self, ctx):
        return self.failed("password=hunter22", detail="token: abcdefgh12345", fix="x")


class Gate(Check):
    """Waits for Opener: they can only both finish when they run at the same time."""

    id, group, title = "t.gate", "tools", "gate"
    event: asyncio.Event | None = None

    async def run(self, ctx):
        await asyncio.wait_for(type(self).event.wait(), 5)
        return self.passed("opened")


class Opener(Check):
    id, group, title = "t.opener", "tools", "opener"

    async def run(self, ctx):
        Gate.event.set()
        return self.passed("opening")


async def collect(checks, **kwargs):
    return {r.id: r async for r in run_preflight(make_ctx(), checks=checks, **kwargs)}


async def test_results_arrive_as_checks_finish_and_hangs_are_cut():
    """Fake checks: a quick one, one that would sleep a minute (timeout 0.3 s)."""
    order = [r.id async for r in run_preflight(make_ctx(), checks=[Slow, Quick])]
    assert order == ["t.quick", "t.slow"]
    results = await collect([Slow])
    assert results["t.slow"].status == Status.ERROR
    assert results["t.slow"].summary == "timed out after 0.3s"


async def test_checks_run_concurrently():
    """Fake checks that deadlock when run one after the other."""
    Gate.event = asyncio.Event()
    results = await collect([Gate, Opener])
    assert results["t.gate"].status == Status.PASS


async def test_exception_becomes_redacted_error():
    """Fake check raising with an access key in its message."""
    result = (await collect([Broken]))["t.broken"]
    assert result.status == Status.ERROR
    assert "RuntimeError" in result.summary and "AKIAIOSFODNN7EXAMPLE" not in result.summary


async def test_results_are_redacted():
    """Fake check putting secrets in its summary and detail."""
    result = (await collect([Leaky]))["t.leaky"]
    assert "hunter22" not in result.summary and "abcdefgh12345" not in result.detail


async def test_group_and_only_selection():
    """Fake checks in three groups."""
    assert set(await collect([Quick, Broken, Leaky], groups=["config"])) == {"t.broken", "t.leaky"}
    assert set(await collect([Quick, Broken, Leaky], only=["t.quick"])) == {"t.quick"}


def test_all_checks_registry_is_sound():
    """No stand-in: ids unique, groups known, every class a Check with a title."""
    ids = [c.id for c in ALL_CHECKS]
    assert len(ids) == len(set(ids))
    assert {c.group for c in ALL_CHECKS} == {"tools", "aws", "config", "cluster"}
    assert all(issubclass(c, Check) and c.title and c.id.startswith(c.group + ".") for c in ALL_CHECKS)
    assert len(select(ALL_CHECKS, groups=["tools"])) == 7


def test_check_result_defaults():
    """No stand-in."""
    result = Quick().failed("x")
    assert isinstance(result, CheckResult) and result.id == "t.quick" and result.group == "tools"


async def test_slowest_of_the_last_run_starts_first():
    """Stand-in: small fake checks and the test's own state folder. The first run keeps
    the registry's order; the next starts the checks by how long they took last time,
    slowest first; a check not seen before counts as slow."""
    from checks.preflight import runner

    started: list[str] = []

    def make(check_id: str, seconds: float) -> type[Check]:
        class Timed(Check):
            id, group, title = check_id, "tools", check_id

            async def run(self, ctx):
                started.append(self.id)
                await asyncio.sleep(seconds)
                return self.passed("ok")
        return Timed

    fast, slow, middle = make("t.fast", 0.0), make("t.slow2", 0.4), make("t.middle", 0.2)
    checks = [fast, slow, middle]
    ctx = make_ctx()
    assert [r.id async for r in run_preflight(ctx, checks=checks)] == ["t.fast", "t.middle", "t.slow2"]
    assert started == ["t.fast", "t.slow2", "t.middle"]
    assert [c.id for c in runner.slowest_first(checks)] == ["t.slow2", "t.middle", "t.fast"]
    started.clear()
    newcomer = make("t.new", 0.0)
    [r async for r in run_preflight(ctx, checks=[*checks, newcomer])]
    assert started == ["t.new", "t.slow2", "t.middle", "t.fast"]


def _holding(check_id: str, lock, seconds: float, limit: float) -> type[Check]:
    """A fake blocking check that needs `lock` (the stand-in for what checks really queue
    on under load: the CPU, Python's import lock, a shared memo) for `seconds`."""
    from checks.preflight.base import BlockingCheck

    class Holding(BlockingCheck):
        id, group, title, timeout = check_id, "config", check_id, limit

        def _check(self, ctx):
            with lock:
                time.sleep(seconds)
            return self.passed("done")
    return Holding


async def test_a_checks_limit_counts_from_when_a_worker_takes_it_up():
    """Stand-in: two fake blocking checks sharing one lock, one worker. The first holds
    the lock 0.6 s; the second needs it 0.05 s and has 0.4 s. Started together (the old
    runner), the second timed out while it waited; taken up in turn, it passes, and its
    duration is its own run, not its wait."""
    lock = threading.Lock()
    first, second = _holding("t.first", lock, 0.6, 5), _holding("t.second", lock, 0.05, 0.4)
    ctx = make_ctx()
    ctx.workers = 1
    results = {r.id: r async for r in run_preflight(ctx, checks=[first, second])}
    assert results["t.second"].status == Status.PASS, results["t.second"].summary
    assert results["t.second"].duration < 0.4
    assert results["t.first"].status == Status.PASS


async def test_the_whole_preflight_is_bounded():
    """Stand-in: four fake checks that would each sleep a minute (limit 0.3 s), one
    worker. The overall limit (3 x 0.3 s) passes while the fourth still waits: it is
    reported as not started, not as timed out, and is not remembered as quick."""
    from checks.preflight import runner

    def sleeper(check_id: str) -> type[Check]:
        class Sleeper(Slow):
            id = check_id
        return Sleeper

    checks = [sleeper(f"t.sleep{n}") for n in range(4)]
    ctx = make_ctx()
    ctx.workers = 1
    started = time.monotonic()
    results = [r async for r in run_preflight(ctx, checks=checks)]
    assert time.monotonic() - started < 3
    summaries = {r.id: r.summary for r in results}
    assert [summaries[f"t.sleep{n}"] for n in range(3)] == ["timed out after 0.3s"] * 3
    assert summaries["t.sleep3"] == "not started within the preflight's 0.9s"
    assert results[-1].status == Status.ERROR
    assert "t.sleep3" not in json.loads(runner._durations_path().read_text(encoding="utf-8"))
    assert runner.slowest_first(checks)[0].id == "t.sleep3"  # never seen: taken up first next time


async def test_checks_beyond_the_workers_wait_their_turn():
    """Fake checks counting how many run at once: never more than the context's workers."""
    running, most = 0, 0

    def counted(check_id: str) -> type[Check]:
        class Counted(Check):
            id, group, title = check_id, "tools", check_id

            async def run(self, ctx):
                nonlocal running, most
                running += 1
                most = max(most, running)
                await asyncio.sleep(0.02)
                running -= 1
                return self.passed("ok")
        return Counted

    ctx = make_ctx()
    ctx.workers = 3
    results = [r async for r in run_preflight(ctx, checks=[counted(f"t.c{n}") for n in range(10)])]
    assert len(results) == 10 and all(r.status == Status.PASS for r in results)
    assert most == 3
