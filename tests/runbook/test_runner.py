"""The Runner with synthetic steps: resume, --from/--only, stop, confirmations, skips, findings, journal."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest

from checks.model import Finding, Fix, Severity
from petstore_core import settings
from petstore_tui.events import (
    ConfirmationRequested,
    RunFinished,
    StepFindings,
    StepFinished,
    StepOutput,
    StepStarted,
    StepStatus,
)
from petstore_tui.runbook.deploy import Runbook
from petstore_tui.runbook.journal import journal_path
from petstore_tui.runbook.model import Step, StepFailed, done, skipped
from petstore_tui.runbook.runner import RunbookError, Runner

TARGET = settings.Target(sandbox=True)


class FakeEngine:
    """Stand-in for checks.engine: one known failure on lines containing 'AccessDenied'."""

    def feed(self, line, source="any", resource=""):
        if "AccessDenied" in line:
            return [Finding("iam-denied", "IAM denied the call", Severity.ERROR, "role/x", source,
                            fix=Fix("Attach the policy", commands=("aws iam attach-role-policy ...",)))]
        return []

    def flush(self):
        return []


def make_steps(log: list[str], fail_at: set[str] | None = None, name: str = "deploy") -> Runbook:
    fail_at = fail_at if fail_at is not None else set()

    def step(step_id: str, **kwargs) -> Step:
        async def run(ctx):
            log.append(step_id)
            ctx.emit(f"{step_id} working")
            if step_id in fail_at:
                raise StepFailed(f"planted fault in {step_id}")
            return done(f"{step_id} ok", **{f"{step_id}_out": step_id.upper()})
        return Step(step_id, step_id.title(), run, **kwargs)

    return Runbook(name, [step("one"), step("two"), step("three"), step("four")])


async def collect(runner: Runner, **kwargs) -> list:
    return [event async for event in runner.run(**kwargs)]


def started(events) -> list[str]:
    return [e.step for e in events if isinstance(e, StepStarted)]


async def test_failed_step_stops_and_rerun_resumes_there():
    """Stand-in: synthetic steps (no tools). A planted fault at step three stops the run
    there; the re-run starts at three with the outputs of one and two from the journal."""
    log: list[str] = []
    events = await collect(Runner(TARGET, make_steps(log, {"three"}), engine_factory=None))
    assert started(events) == ["one", "two", "three"]
    assert events[-1] == RunFinished(False, "three", events[-1].elapsed)
    failed = [e for e in events if isinstance(e, StepFinished) and e.status is StepStatus.FAILED]
    assert failed[0].summary == "planted fault in three"

    seen_outputs = {}

    async def spy(ctx):
        seen_outputs.update(ctx.outputs)
        return done("three fixed")

    steps = make_steps(log)
    steps[2] = Step("three", "Three", spy)
    events = await collect(Runner(TARGET, steps, engine_factory=None))
    assert started(events) == ["three", "four"]
    assert seen_outputs == {"one_out": "ONE", "two_out": "TWO"}
    assert events[-1].ok is True
    journal = json.loads(journal_path(TARGET).read_text())
    assert {k: v["status"] for k, v in journal["runbooks"]["deploy"].items()} == {
        "one": "done", "two": "done", "three": "done", "four": "done"}


async def test_everything_done_runs_nothing_and_only_from_pick_steps():
    """Stand-in: synthetic steps. A finished runbook runs nothing again unless asked;
    --only runs one step, --from starts at the named one (steps are idempotent);
    unknown ids are refused."""
    log: list[str] = []
    await collect(Runner(TARGET, make_steps(log), engine_factory=None))
    assert log == ["one", "two", "three", "four"]
    log.clear()
    events = await collect(Runner(TARGET, make_steps(log), engine_factory=None))
    assert started(events) == [] and events == [RunFinished(True, None, 0.0)] and log == []
    assert started(await collect(Runner(TARGET, make_steps(log), engine_factory=None), from_step="one")) == [
        "one", "two", "three", "four"]
    assert started(await collect(Runner(TARGET, make_steps(log), engine_factory=None), only="two")) == ["two"]
    assert started(await collect(Runner(TARGET, make_steps(log), engine_factory=None), from_step="three")) == ["three", "four"]
    with pytest.raises(RunbookError, match="unknown step 'nope'"):
        await collect(Runner(TARGET, make_steps(log), engine_factory=None), only="nope")


async def test_resume_from_and_always_steps():
    """Stand-in: synthetic steps. A failed step with resume_from restarts at that step
    (an apply re-plans); an `always` step (the typed confirmation) runs on every resume."""
    log: list[str] = []

    async def ok(ctx):
        log.append(ctx.step_id)
        return done()

    async def boom(ctx):
        log.append(ctx.step_id)
        raise StepFailed("apply failed")

    steps = Runbook("destroy", [Step("confirm", "C", ok, always=True), Step("plan", "P", ok),
                                Step("apply", "A", boom, resume_from="plan"), Step("after", "X", ok)])
    await collect(Runner(TARGET, steps, engine_factory=None))
    assert log == ["confirm", "plan", "apply"]
    log.clear()
    await collect(Runner(TARGET, steps, engine_factory=None))
    assert log == ["confirm", "plan", "apply"]


async def test_stop_interrupts_the_running_step_and_records_stopped():
    """Stand-in: a synthetic step that waits forever. stop() cancels it (process.stream
    turns that into one SIGINT for a real tool); the step ends STOPPED and the run ends."""
    entered = asyncio.Event()

    async def wait_forever(ctx):
        entered.set()
        await asyncio.sleep(3600)

    steps = Runbook("deploy", [Step("slow", "Slow", wait_forever), Step("next", "Next", wait_forever)])
    runner = Runner(TARGET, steps, engine_factory=None)

    async def stopper():
        await entered.wait()
        runner.stop()

    task = asyncio.ensure_future(stopper())
    events = await collect(runner)
    await task
    finished = [e for e in events if isinstance(e, StepFinished)]
    assert [(e.step, e.status) for e in finished] == [("slow", StepStatus.STOPPED)]
    assert events[-1].ok is False and events[-1].stopped_at == "slow"
    assert json.loads(journal_path(TARGET).read_text())["runbooks"]["deploy"]["slow"]["status"] == "stopped"


async def test_confirmation_goes_through_the_callback_and_typed_text_must_match():
    """Stand-in: synthetic steps. A typed confirmation is a ConfirmationRequested event and
    a call of `confirm`; a wrong cluster name stops before any destructive step."""
    from petstore_tui.runbook.destroy import confirm as confirm_step

    ran: list[str] = []

    async def destructive(ctx):
        ran.append("deleted")
        return done()

    steps = Runbook("destroy", [Step("confirm", "Confirm", confirm_step, always=True),
                                Step("delete", "Delete", destructive, destructive=True)])
    asked: list[ConfirmationRequested] = []

    async def wrong(request):
        asked.append(request)
        return "not-the-cluster"

    events = await collect(Runner(TARGET, steps, wrong, engine_factory=None))
    assert asked[0].expected_text == TARGET.cluster_name
    assert any(isinstance(e, ConfirmationRequested) for e in events)
    assert ran == [] and events[-1].stopped_at == "confirm"

    async def right(request):
        return TARGET.cluster_name

    events = await collect(Runner(TARGET, steps, right, engine_factory=None))
    assert ran == ["deleted"] and events[-1].ok


async def test_skip_reason_and_findings_with_their_fix():
    """Stand-in: a fake diagnostics engine. A step whose prerequisite is missing is
    skipped with the reason; a failing step's output yields findings, and the failure
    summary carries the fix."""
    async def reason(ctx):
        return "helm not found"

    async def never(ctx):
        raise AssertionError("must not run")

    async def denied(ctx):
        ctx.emit("An error occurred (AccessDenied) when calling CreateTags", "stderr")
        raise StepFailed("aws call failed")

    steps = Runbook("deploy", [Step("helm", "Helm", never, skip_if=reason), Step("tag", "Tag", denied)])
    events = await collect(Runner(TARGET, steps, engine_factory=FakeEngine))
    finished = {e.step: e for e in events if isinstance(e, StepFinished)}
    assert finished["helm"].status is StepStatus.SKIPPED and finished["helm"].summary == "helm not found"
    assert [f.failure_id for f in finished["tag"].findings] == ["iam-denied"]
    assert "Attach the policy" in finished["tag"].summary
    assert any(isinstance(e, StepFindings) for e in events)


async def test_output_and_journal_are_redacted():
    """Stand-in: synthetic step printing a fake AWS key and returning it as an output;
    neither the event nor the journal holds it."""
    key = "AKIAIOSFODNN7EXAMPLE"

    async def leaky(ctx):
        ctx.emit(f"using {key} secret=hunter22")
        return done(f"key {key}", credentials={"id": key})

    events = await collect(Runner(TARGET, Runbook("deploy", [Step("leak", "Leak", leaky)]), engine_factory=None))
    lines = [e.line for e in events if isinstance(e, StepOutput)]
    assert lines and all(key not in line and "hunter22" not in line for line in lines)
    text = journal_path(TARGET).read_text()
    assert key not in text and "AKIA" in text  # masked, not dropped


async def test_a_broken_engine_does_not_stop_the_run():
    """Stand-in: an engine factory that raises (a half-written catalog). The step's output
    could not be diagnosed, and the run says so."""
    def broken():
        raise RuntimeError("catalog broken")

    async def ok(ctx):
        ctx.emit("terraform says hello")
        return done()

    events = await collect(Runner(TARGET, Runbook("deploy", [Step("a", "A", ok)]), engine_factory=broken))
    assert events[-1].ok
    assert any(isinstance(e, StepOutput) and "diagnostics engine unavailable" in e.line for e in events)


async def test_steps_start_while_the_engine_is_built_and_their_lines_are_still_diagnosed():
    """Stand-in: FakeEngine behind a factory that blocks until the first step has run (a
    first Hyperscan compile of the catalog takes ~17 s of CPU). Built on the event loop, the
    factory held every step back until it returned (here: it gave up after 30 s, and the step
    ran undiagnosed); now the lines printed meanwhile are fed once it is ready, and the step's
    findings hold them."""
    step_ran = threading.Event()

    def slow_factory():
        assert step_ran.wait(30), "the step never started while the engine was being built"
        return FakeEngine()

    async def denied(ctx):
        step_ran.set()
        ctx.emit("AccessDenied: not authorized to perform elasticloadbalancing:AddTags")
        raise StepFailed("apply failed")

    events = await asyncio.wait_for(
        collect(Runner(TARGET, Runbook("deploy", [Step("apply", "Apply", denied)]), engine_factory=slow_factory)), 60)
    finished = next(e for e in events if isinstance(e, StepFinished))
    assert [f.failure_id for f in finished.findings] == ["iam-denied"]
    assert "IAM denied the call" in finished.summary


async def test_skipped_helper_and_steps_of_the_runbooks():
    """Stand-in: none (pure data). The deploy and cleanup orders of issue 6."""
    from petstore_tui.runbook.deploy import deploy_runbook
    from petstore_tui.runbook.destroy import destroy_runbook

    assert skipped("x").status is StepStatus.SKIPPED
    assert [s.id for s in deploy_runbook(settings.Target())] == [
        "preflight", "terraform-init", "terraform-plan", "terraform-apply", "image-build", "image-push",
        "kubeconfig", "manifests", "controller-prereqs", "controller-helm", "app-apply", "ingress-wait"]
    assert [s.id for s in deploy_runbook(TARGET)][-1] == "local-app"
    assert [s.id for s in destroy_runbook(settings.Target())] == [
        "confirm", "ingress-delete", "namespace-delete", "controller-uninstall", "ecr-images-delete",
        "terraform-destroy", "leftovers"]
    assert [s.id for s in destroy_runbook(TARGET)][-1] == "local-app-stop"
    assert all(s.destructive for s in destroy_runbook(TARGET)[:6])


async def test_only_still_asks_for_the_typed_confirmation():
    """Stand-in: synthetic steps. `destroy --only X` runs the confirmation step first."""
    log: list[str] = []

    async def ok(ctx):
        log.append(ctx.step_id)
        return done()

    steps = Runbook("destroy", [Step("confirm", "C", ok, always=True), Step("a", "A", ok), Step("b", "B", ok)])
    await collect(Runner(TARGET, steps, engine_factory=None), only="b")
    assert log == ["confirm", "b"]


async def test_a_step_waiting_for_the_engine_says_so_and_its_time_is_its_own(monkeypatch):
    """Stand-in: FakeEngine behind a factory that takes 1.5 s (the catalog's first compile:
    ~17 s of CPU, 56 s at load 10), a heartbeat of 0.5 s. Before, the first step (preflight)
    sat silent until the engine was built and its time read 56 s where its checks took
    under one; now a line says what it waits for, again each heartbeat, and the step's
    elapsed is its own work."""
    import time

    from petstore_tui.runbook import runner as runner_module

    monkeypatch.setattr(runner_module, "HEARTBEAT", 0.5)

    def slow_factory():
        time.sleep(1.5)
        return FakeEngine()

    async def quick(ctx):
        ctx.emit("[PASS ] tools.git: git 2.39.5")
        return done("checks passed")

    events = await asyncio.wait_for(
        collect(Runner(TARGET, Runbook("deploy", [Step("preflight", "Preflight checks", quick)]),
                       engine_factory=slow_factory)), 30)
    lines = [e.line for e in events if isinstance(e, StepOutput)]
    assert any(line.startswith("diagnosing this step's 1 line: the diagnostics engine is still being built")
               for line in lines), lines
    assert any(line.startswith("… still waiting for the diagnostics engine") for line in lines), lines
    finished = next(e for e in events if isinstance(e, StepFinished))
    assert finished.elapsed < 1.0, finished.elapsed
