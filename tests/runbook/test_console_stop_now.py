"""A second Ctrl+C during a headless run's clean stop stops the tool now, as the TUI's second
quit does: the first Ctrl+C sends Terraform its one SIGINT and says that a second one kills
it; the second kills it (SIGKILL to its process group), says what that may leave and what to
run next, journals the step as killed and ends the command with exit 130, never a traceback."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sys

import pytest

from petstore_core import process, settings
from petstore_tui.runbook.console import KILLED_EXIT, run_headless
from petstore_tui.runbook.journal import Journal
from petstore_tui.runbook.model import Step, done
from petstore_tui.runbook.runner import Runner
from petstore_tui.runbook.stopping import KILLED
from tests.support.stand_in_terraform import alive, tool_script

TARGET = settings.Target(sandbox=True)


async def _until(condition, seconds: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def _headless_apply(tmp_path, grace: float):
    """A headless deploy of one step, the stand-in Terraform with `grace` seconds after its
    SIGINT, started and printing: (task, runner, out, err, state file, the stand-in's pid)."""
    state, pidfile = tmp_path / "terraform.tfstate", tmp_path / "tool.pid"
    printed = asyncio.Event()

    async def apply(ctx):
        def line(item):
            ctx.emit(item.text, item.stream)
            printed.set()

        await process.stream([sys.executable, "-c", tool_script(grace), str(state), str(pidfile)], timeout=300,
                             interrupt_grace=900, on_line=line)
        return done()

    runner = Runner(TARGET, [Step("terraform-apply", "Terraform apply", apply, source="terraform")],
                    None, runbook="deploy", engine_factory=None)
    out, err = io.StringIO(), io.StringIO()
    task = asyncio.ensure_future(run_headless(runner, out=out, err=err))
    await asyncio.wait_for(printed.wait(), 30)
    return task, runner, out, err, state, int(pidfile.read_text())


@pytest.mark.parametrize("columns", [80, 120])
async def test_a_second_ctrl_c_during_terraforms_grace_kills_it_and_says_what_to_check(tmp_path, monkeypatch,
                                                                                      columns):
    """Stand-in: `tests/support/stand_in_terraform.py` in place of `terraform apply`, a real
    child process that takes a minute after its SIGINT to "write its state"; real SIGINTs
    sent to this process, caught by run_headless's handler as a terminal's Ctrl+C would be.
    Before, the second Ctrl+C only printed "still stopping cleanly; wait for it to exit"
    and the command waited out the whole grace (Terraform: up to 15 minutes). What it says
    is wrapped to the terminal's width ($COLUMNS, as shutil reads it), each command whole on
    a line of its own: before, it was one long line the terminal broke mid-word at 80."""
    monkeypatch.setenv("COLUMNS", str(columns))
    task, runner, out, err, state, pid = await _headless_apply(tmp_path, 60)

    os.kill(os.getpid(), signal.SIGINT)
    await _until(lambda: "Ctrl+C again stops it at once" in err.getvalue())
    await asyncio.sleep(0.5)
    assert alive(pid) and not task.done()  # in its grace: the clean stop goes on
    assert "state may stay locked" in err.getvalue()

    started = asyncio.get_running_loop().time()
    os.kill(os.getpid(), signal.SIGINT)
    assert await asyncio.wait_for(task, 30) == KILLED_EXIT == 130
    assert asyncio.get_running_loop().time() - started < 20  # seconds, not the minute's grace
    assert not alive(pid) and not state.exists()
    said = err.getvalue()
    chdir = str(runner.workdir / "terraform")
    commands = (f"terraform -chdir={chdir} plan", f"terraform -chdir={chdir} force-unlock ID",
                f"terraform -chdir={chdir} import ADDRESS ID")
    lines = said.splitlines()
    for command in commands:  # whole, alone on its line: copied as it is
        assert f"    {command}" in lines, command
    assert all(len(line) <= columns for line in lines if line.strip() not in commands), said
    assert max(len(line) for line in lines if line.strip() not in commands) > columns - 20  # it fills the width
    prose = " ".join(said.split())
    for words in ("stopping now: Terraform apply killed during its clean stop", "SIGKILL",
                  "missing from terraform.tfstate", "never apply twice",
                  "deploy stopped at terraform-apply, its tool killed: do the checks above"):
        assert words in prose, words
    assert "Traceback" not in said + out.getvalue()
    entry = Journal.load(TARGET).steps("deploy")["terraform-apply"]
    assert entry["status"] == "stopped" and entry["summary"] == KILLED


@pytest.mark.parametrize("kind", ["a wait", "a tool without a grace"])
async def test_a_step_that_stops_at_once_is_not_offered_a_second_ctrl_c(tmp_path, kind):
    """Stand-ins: a step that waits (as the Ingress and rollout waits poll), and a real child
    process that exits on its SIGINT at once (Python's default). Before, the first Ctrl+C
    said "Ctrl+C again stops it at once (SIGKILL)" for them too, though they had already
    stopped: that is said only while a step is in its grace (the test above)."""
    started = asyncio.Event()

    async def wait(ctx):
        ctx.emit("waiting", "stdout")
        started.set()
        if kind == "a wait":
            await asyncio.sleep(300)
        else:
            await process.stream([sys.executable, "-c", "import time; print('up', flush=True); time.sleep(300)"],
                                 timeout=300, interrupt_grace=900, on_line=lambda item: ctx.emit(item.text, "stdout"))
        return done()

    runner = Runner(TARGET, [Step("ingress-wait", "Wait for the ALB", wait, source="kubectl")],
                    None, runbook="deploy", engine_factory=None)
    err = io.StringIO()
    task = asyncio.ensure_future(run_headless(runner, out=io.StringIO(), err=err))
    await asyncio.wait_for(started.wait(), 30)
    await asyncio.sleep(0.3)  # the child is up
    os.kill(os.getpid(), signal.SIGINT)
    assert await asyncio.wait_for(task, 30) == 1
    await asyncio.sleep(1.0)  # longer than the hint's delay: nothing more is said
    said = err.getvalue()
    assert "stopping: the running tool got one interrupt" in said
    assert "Ctrl+C again" not in said and "Traceback" not in said
    assert "deploy stopped at ingress-wait" in said


async def test_one_ctrl_c_still_stops_cleanly_and_exits_1(tmp_path):
    """Stand-in: the same stand-in Terraform with a half-second grace. One Ctrl+C: the tool
    writes its state and exits on its own, nothing is killed, the exit code stays 1."""
    task, _, _, err, state, _ = await _headless_apply(tmp_path, 0.5)
    os.kill(os.getpid(), signal.SIGINT)
    assert await asyncio.wait_for(task, 30) == 1
    assert state.read_text() == "state written after SIGINT" and "stopping now" not in err.getvalue()
    entry = Journal.load(TARGET).steps("deploy")["terraform-apply"]
    assert entry["status"] == "stopped" and entry["summary"] == "stopped by the operator"


async def test_a_stop_is_not_held_back_by_the_engines_first_build(tmp_path):
    """Stand-ins: the stand-in Terraform with a half-second grace, and an engine whose build
    never ends in this test (the catalog's first compile on a fresh state folder takes
    minutes on a loaded machine). Before, after the tool had stopped, the run still waited
    for the engine to diagnose the step's lines ("… still waiting for the diagnostics
    engine: 30s"), so Ctrl+C ended the command only once the compile had, and a second
    Ctrl+C then claimed to kill a tool already gone. Now the run ends at once, says the
    lines were not diagnosed, and a second Ctrl+C kills nothing."""
    import threading

    state, pidfile = tmp_path / "terraform.tfstate", tmp_path / "tool.pid"
    printed, building = asyncio.Event(), threading.Event()

    async def apply(ctx):
        def line(item):
            ctx.emit(item.text, item.stream)
            printed.set()

        await process.stream([sys.executable, "-c", tool_script(0.5), str(state), str(pidfile)], timeout=300,
                             interrupt_grace=900, on_line=line)
        return done()

    runner = Runner(TARGET, [Step("terraform-apply", "Terraform apply", apply, source="terraform")],
                    None, runbook="deploy", engine_factory=lambda: building.wait(120))
    err = io.StringIO()
    try:
        task = asyncio.ensure_future(run_headless(runner, out=(out := io.StringIO()), err=err))
        await asyncio.wait_for(printed.wait(), 30)
        os.kill(os.getpid(), signal.SIGINT)
        assert await asyncio.wait_for(task, 20) == 1
    finally:
        building.set()
    assert state.read_text() == "state written after SIGINT"
    # a note: wrapped to the stream's width (runbook/console.py), read as one paragraph
    assert "1 line of this step not diagnosed: stopped before the diagnostics engine was built" in " ".join(
        out.getvalue().split())
    assert "stopping now" not in err.getvalue()


def test_what_stopping_now_leaves_follows_the_terraform_command():
    """Stand-in: none (the words only). Seen in a headless `destroy` against the sandbox:
    a second Ctrl+C during `terraform destroy` warned of resources "this run created"
    missing from the state and said to `terraform import` them and never apply twice,
    which is the apply's risk, not the destroy's."""
    from petstore_tui.runbook.stopping import what_stopping_now_does

    apply = what_stopping_now_does("terraform-apply", "DIR")
    destroy = what_stopping_now_does("terraform-destroy", "DIR")
    plan = what_stopping_now_does("terraform-plan", "DIR")
    assert "`terraform -chdir=DIR import ADDRESS ID`" in apply and "never apply twice" in apply
    for words in (destroy, plan):
        assert "terraform -chdir=DIR force-unlock ID" in words and "terraform -chdir=DIR plan" in words
        assert "terraform import" not in words and "created" not in words
    assert "already deleted in AWS may still be listed in terraform.tfstate" in destroy
    assert "changes nothing in AWS" in plan
