"""Ctrl-C in a headless run says what the stopping tool is doing: Terraform's state lock is
named only when the step running is a Terraform step."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys

import pytest

from petstore_core import settings
from petstore_tui.runbook.console import run_headless
from petstore_tui.runbook.deploy import Runbook
from petstore_tui.runbook.model import Step
from petstore_tui.runbook.runner import Runner

TARGET = settings.Target(sandbox=True)


@pytest.mark.parametrize(("source", "names_the_lock"), [("terraform", True), ("image-build", False)])
async def test_the_interrupt_notice_follows_the_running_step(source, names_the_lock):
    """Stand-in: a step that waits until cancelled, in place of a tool; a real SIGINT sent
    to this process while it runs, caught by run_headless's handler."""
    started = asyncio.Event()

    async def waits(ctx):
        started.set()
        await asyncio.Event().wait()  # until the runner cancels it

    runner = Runner(TARGET, Runbook("deploy", [Step("step", "A step", waits, source=source)]),
                    engine_factory=None)
    out, err = io.StringIO(), io.StringIO()
    task = asyncio.ensure_future(run_headless(runner, out=out, err=err))
    await asyncio.wait_for(started.wait(), 30)
    os.kill(os.getpid(), signal.SIGINT)
    assert await asyncio.wait_for(task, 30) == 1
    said = " ".join(err.getvalue().split())  # wrapped to the terminal's width: read as one paragraph
    notice = said[said.index("stopping:"):].split("...")[0]
    assert ("Terraform writes its state" in notice) is names_the_lock, notice


async def test_what_ctrl_c_says_is_wrapped_to_stderrs_width(monkeypatch):
    """Stand-ins: a step that waits until cancelled; stderr (where the notes go) a terminal
    of 80 columns, stdout one of 200, as `deploy | tee deploy.log` in one window would have
    it the other way round; a real SIGINT caught by run_headless's handler. Before, the notes
    were wrapped to stdout's 200 columns and the terminal broke them mid-word at 80."""
    from tests.support.terminals import TerminalStream, widths

    started = asyncio.Event()

    async def waits(ctx):
        started.set()
        await asyncio.Event().wait()  # until the runner cancels it

    widths(monkeypatch, {1: 200, 2: 80})
    monkeypatch.setattr("sys.stdout", TerminalStream(1))
    runner = Runner(TARGET, Runbook("deploy", [Step("terraform-apply", "Terraform apply", waits,
                                                    source="terraform")]), engine_factory=None)
    out, err = TerminalStream(1), TerminalStream(2)
    task = asyncio.ensure_future(run_headless(runner, out=out, err=err))
    await asyncio.wait_for(started.wait(), 30)
    os.kill(os.getpid(), signal.SIGINT)
    assert await asyncio.wait_for(task, 30) == 1
    said = err.getvalue()
    print(said, file=sys.__stderr__)
    assert "Terraform writes its state" in " ".join(said.split())
    assert all(len(line) <= 80 for line in said.splitlines()), said


async def test_a_killed_steps_stopped_line_keeps_to_80_columns(monkeypatch):
    """Stand-ins: a step that waits until cancelled, stopped at once (runner.stop_now, as
    the second Ctrl+C does); stdout and stderr terminals of 80 columns. Before, the line
    "<== terraform-apply stopped (0.0s): killed by the operator during its clean stop: check
    its tool's state before the next run" ran to 113 columns and the terminal broke it
    mid-word; now it is wrapped between words, its later lines under the step's id."""
    from petstore_tui.runbook.stopping import KILLED
    from tests.support.terminals import TerminalStream, widths

    started = asyncio.Event()

    async def waits(ctx):
        started.set()
        await asyncio.Event().wait()  # until the runner cancels it

    widths(monkeypatch, {1: 80, 2: 80})
    runner = Runner(TARGET, Runbook("deploy", [Step("terraform-apply", "Terraform apply", waits,
                                                    source="terraform")]), engine_factory=None)
    out, err = TerminalStream(1), TerminalStream(2)
    task = asyncio.ensure_future(run_headless(runner, out=out, err=err))
    await asyncio.wait_for(started.wait(), 30)
    runner.stop()
    runner.stop_now()
    assert await asyncio.wait_for(task, 30) == 1
    lines = out.getvalue().splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("<== terraform-apply stopped"))
    said = [lines[first]] + [line for line in lines[first + 1:] if line.startswith("    ")]
    assert " ".join(" ".join(said).split()).endswith(KILLED), lines
    assert len(said) > 1 and all(len(line) <= 80 for line in lines + err.getvalue().splitlines()), lines
