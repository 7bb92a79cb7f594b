"""A step stopped with Ctrl+C keeps its output so far in the journal (redacted as the rest
of it), and the next run shows it when it reaches that step again: before, the step read
"stopped" on the next start and what its tool had printed was gone with the terminal."""

from __future__ import annotations

import asyncio
import io
import json

from petstore_core import settings
from petstore_tui.events import StepOutput, StepStarted
from petstore_tui.runbook.console import run_headless
from petstore_tui.runbook.deploy import Runbook
from petstore_tui.runbook.journal import journal_path
from petstore_tui.runbook.model import Step, done
from petstore_tui.runbook.runner import Runner

TARGET = settings.Target(sandbox=True)
KEY = "AKIAIOSFODNN7EXAMPLE"


async def test_a_stopped_steps_output_is_journalled_redacted_and_shown_on_the_next_run():
    """Stand-ins: a synthetic step that prints three lines (one with a fake AWS key and a
    password) and waits until the runner stops it, as Ctrl+C does; then a second run
    (a new Runner: the tool quit between them) whose step ends at once."""
    entered = asyncio.Event()

    async def applies(ctx):
        ctx.emit("aws_vpc.main: Creating...", "stdout")
        ctx.emit(f"using {KEY} password=hunter22", "stderr")
        ctx.emit("aws_eks_cluster.main: Still creating... [10m0s elapsed]", "stdout")
        entered.set()
        await asyncio.sleep(3600)

    runner = Runner(TARGET, Runbook("deploy", [Step("terraform-apply", "Terraform apply", applies)]),
                    engine_factory=None)

    async def stopper():
        await entered.wait()
        await asyncio.sleep(0)  # the lines reach the run before the stop
        runner.stop()

    task = asyncio.ensure_future(stopper())
    assert await run_headless(runner, out=io.StringIO(), err=io.StringIO()) == 1
    await task
    entry = json.loads(journal_path(TARGET).read_text())["runbooks"]["deploy"]["terraform-apply"]
    assert entry["status"] == "stopped"
    assert entry["output"][0] == "aws_vpc.main: Creating..." and "Still creating" in entry["output"][-1], entry
    text = journal_path(TARGET).read_text()
    assert KEY not in text and "hunter22" not in text and "AKIA" in text  # masked, not dropped
    assert runner.recorded()["terraform-apply"]["output"] == entry["output"]  # what a screen reads

    async def ends(ctx):
        ctx.emit("Apply complete!", "stdout")
        return done()

    again = Runner(TARGET, Runbook("deploy", [Step("terraform-apply", "Terraform apply", ends)]),
                   engine_factory=None)
    events = [event async for event in again.run()]
    assert isinstance(events[0], StepStarted)
    lines = [e.line for e in events if isinstance(e, StepOutput)]
    shown = lines[:lines.index("Apply complete!")]
    assert any("stopped" in line and "its output until then" in line for line in shown), shown
    assert any("aws_vpc.main: Creating..." in line for line in shown), shown
    assert any("Still creating... [10m0s elapsed]" in line for line in shown), shown
    assert not any(KEY in line or "hunter22" in line for line in lines)
    entry = json.loads(journal_path(TARGET).read_text())["runbooks"]["deploy"]["terraform-apply"]
    assert entry["status"] == "done" and "output" not in entry  # a done step keeps none


async def test_the_headless_run_prints_the_last_runs_output_marked(monkeypatch):
    """Stand-in: a journal written as a stopped run leaves it; `deploy` run again."""
    from petstore_tui.runbook.journal import Journal

    journal = Journal.load(TARGET)
    journal.record("deploy", "terraform-apply", "stopped", started=0.0, elapsed=42.0,
                   summary="stopped by the operator", output=["aws_vpc.main: Creating...", f"key {KEY}"])

    async def ends(ctx):
        return done()

    runner = Runner(TARGET, Runbook("deploy", [Step("terraform-apply", "Terraform apply", ends)]),
                    engine_factory=None)
    out = io.StringIO()
    assert await run_headless(runner, out=out, err=io.StringIO()) == 0
    text = out.getvalue()
    assert "    | aws_vpc.main: Creating..." in text and KEY not in text, text
    assert "the last run stopped this step" in " ".join(text.split()), text
