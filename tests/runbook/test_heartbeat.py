"""No long silences: a running step reports what it waits for at least every 10 seconds (a fake clock and ticks, no timed sleeps)."""

from __future__ import annotations

import asyncio
import io

from petstore_core import settings
from petstore_tui.events import RunFinished, StepOutput
from petstore_tui.runbook.console import run_headless
from petstore_tui.runbook.deploy import Runbook
from petstore_tui.runbook.model import Step, done
from petstore_tui.runbook.runner import Runner

TARGET = settings.Target(sandbox=True)


class FakeTime:
    """Stand-in for the clock and the heartbeat's ticks: the test moves time and lets the
    heartbeat look, one tick at a time."""

    def __init__(self) -> None:
        self.now = 0.0
        self.ticks: asyncio.Queue = asyncio.Queue()

    def clock(self) -> float:
        return self.now

    async def tick(self) -> None:
        await self.ticks.get()

    async def at(self, when: float) -> None:
        self.now = when
        self.ticks.put_nowait(None)
        await settle()


async def settle() -> None:
    for _ in range(50):  # lets every ready task run; no time passes
        await asyncio.sleep(0)


def start(runner) -> tuple[list, asyncio.Future]:
    """Run `runner` in a task; its events land in the list as they come."""
    events: list = []

    async def consume() -> None:
        async for event in runner.run():
            events.append(event)

    return events, asyncio.ensure_future(consume())


def beats(events) -> list[str]:
    return [e.line for e in events if isinstance(e, StepOutput) and e.line.startswith("…")]


async def test_a_silent_wait_is_named_every_ten_seconds():
    """Stand-in: a fake clock and ticks; a step that waits on an event the test sets. With
    nothing printed, the heartbeat names the wait, its time so far and its limit at 10 s
    and every 10 s after; a line the step prints restarts the count; a step with no named
    wait says it is still running; nothing beats once the step is over."""
    fake = FakeTime()
    speak, release = asyncio.Event(), asyncio.Event()

    async def ingress(ctx):
        with ctx.waiting_for("an ALB address on Ingress petstore/petstore", 900):
            await speak.wait()
            ctx.emit("controller: reconciling", "stdout")
            await release.wait()
        return done()

    async def quiet(ctx):
        await release.wait()
        return done()

    runner = Runner(TARGET, Runbook("deploy", [Step("ingress-wait", "Wait for the ALB", ingress),
                                               Step("quiet", "Quiet step", quiet)]),
                    engine_factory=None, clock=fake.clock, tick=fake.tick)
    events, task = start(runner)
    await settle()
    await fake.at(5.0)
    await fake.at(9.9)
    assert beats(events) == []
    await fake.at(10.0)
    assert beats(events) == ["… still waiting for an ALB address on Ingress petstore/petstore: 10s, "
                             "gives up after 15m"]
    await fake.at(15.0)
    await fake.at(20.0)
    assert beats(events)[1:] == ["… still waiting for an ALB address on Ingress petstore/petstore: 20s, "
                                 "gives up after 15m"]
    fake.now = 25.0
    speak.set()
    await settle()
    await fake.at(34.0)
    assert len(beats(events)) == 2  # 9 s after the step's own line: no news needed yet
    await fake.at(35.0)
    assert beats(events)[2].endswith("ALB address on Ingress petstore/petstore: 35s, gives up after 15m")

    release.set()
    await settle()  # ingress-wait ends; quiet starts at t=35 and returns at once (release set)
    await task
    assert isinstance(events[-1], RunFinished) and events[-1].ok
    assert len(beats(events)) == 3


async def test_a_step_without_a_named_wait_still_reports():
    """Stand-in: a fake clock and ticks. A step that names no wait is reported by its
    title and time."""
    fake = FakeTime()
    release = asyncio.Event()

    async def slow(ctx):
        await release.wait()
        return done()

    runner = Runner(TARGET, Runbook("deploy", [Step("slow", "Build the image", slow)]),
                    engine_factory=None, clock=fake.clock, tick=fake.tick)
    events, task = start(runner)
    await settle()
    await fake.at(75.0)
    assert beats(events) == ["… Build the image: still running (1m15s)"]
    release.set()
    await task


async def test_headless_prints_every_changed_count_and_the_heartbeat():
    """Stand-in: a fake clock and ticks; a step playing the ALB cleanup's poll (the same
    count every 10 s, then a smaller one). The console prints each count when it changes
    (the old console printed the first only) and the heartbeat in between."""
    fake = FakeTime()
    polls = asyncio.Queue()

    async def cleanup(ctx):
        with ctx.waiting_for("the controller to delete the ALB and its security groups", 600):
            while True:
                left = await polls.get()
                ctx.progress(0, None, f"{left} load balancer(s) left")
                if left == 0:
                    return done()

    runner = Runner(TARGET, Runbook("destroy", [Step("ingress-delete", "Delete the Ingress", cleanup)]),
                    engine_factory=None, clock=fake.clock, tick=fake.tick)
    out, err = io.StringIO(), io.StringIO()
    task = asyncio.ensure_future(run_headless(runner, out=out, err=err))
    await settle()
    for when, left in ((0.0, 2), (10.0, 2), (20.0, 1), (30.0, 1)):
        fake.now = when
        polls.put_nowait(left)
        await settle()
    await fake.at(41.0)
    polls.put_nowait(0)
    assert await task == 0
    lines = out.getvalue().splitlines()
    assert [line.strip() for line in lines if "left" in line and "[" in line] == [
        "[0] 2 load balancer(s) left", "[0] 1 load balancer(s) left", "[0] 0 load balancer(s) left"]
    # a note: wrapped to the stream's width (runbook/console.py), read as one paragraph
    assert ("still waiting for the controller to delete the ALB and its security groups: 41s, "
            "gives up after 10m") in " ".join(out.getvalue().split())


async def test_no_heartbeat_over_a_question():
    """Stand-in: a fake clock and ticks; a step asking for a confirmation the test answers
    late. While the operator reads the question nothing is printed over it; the count
    starts again once answered."""
    fake = FakeTime()
    answer, release = asyncio.Event(), asyncio.Event()

    async def ask(request):
        await answer.wait()
        return True

    async def plan(ctx):
        await ctx.confirm("Apply this plan?")
        await release.wait()
        return done()

    runner = Runner(TARGET, Runbook("deploy", [Step("terraform-plan", "Terraform plan", plan)]), ask,
                    engine_factory=None, clock=fake.clock, tick=fake.tick)
    events, task = start(runner)
    await settle()
    await fake.at(30.0)
    await fake.at(60.0)
    assert beats(events) == []
    answer.set()
    await settle()
    await fake.at(69.0)
    assert beats(events) == []
    await fake.at(70.0)
    assert beats(events) == ["… Terraform plan: still running (1m10s)"]
    release.set()
    await task
