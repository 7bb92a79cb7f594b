"""One run per target: two real processes on one target, the second refused with who holds it; a lock left by a killed run taken over; the in-process Runner (the TUI's) shares the lock."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time as clock
from pathlib import Path

import pytest

from petstore_core import settings
from petstore_tui.runbook.deploy import Runbook
from petstore_tui.runbook.lock import RunLock, RunLocked, lock_path
from petstore_tui.runbook.model import Step, done
from petstore_tui.runbook.runner import Runner

REPO = Path(__file__).resolve().parents[2]
TARGET = settings.Target(region="eu-west-1")

FAKE_TERRAFORM = """#!{python}
# fake terraform: records its pid, then hangs while FAKE_TF_HANG is set, else succeeds
import os, sys, time
with open(os.environ["FAKE_TF_PIDS"], "a") as fh:
    fh.write(f"{{os.getpid()}}\\n")
if os.environ.get("FAKE_TF_HANG"):
    time.sleep(600)
"""


@pytest.fixture
def deploy_process(tmp_path):
    """Stand-in: a fake `terraform` on PATH (records its pid; hangs on demand). Starts
    `petstore-tui deploy --only terraform-init` as a real process on one target."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "terraform"
    fake.write_text(FAKE_TERRAFORM.format(python=sys.executable))
    fake.chmod(0o755)
    project = tmp_path / "project"
    (project / "terraform").mkdir(parents=True)
    (project / "kubernetes").mkdir()
    pids = tmp_path / "terraform.pids"
    started: list[subprocess.Popen] = []

    def start(hang: bool) -> subprocess.Popen:
        env = dict(os.environ, PATH=str(bin_dir), FAKE_TF_PIDS=str(pids))
        env.pop("FAKE_TF_HANG", None)
        if hang:
            env["FAKE_TF_HANG"] = "1"
        proc = subprocess.Popen(  # noqa: S603 - argument list
            [sys.executable, "-m", "petstore_tui", "--project-dir", str(project), "--region", "eu-west-1",
             "deploy", "--only", "terraform-init"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO)
        started.append(proc)
        return proc

    def terraform_pids() -> list[int]:
        return [int(x) for x in pids.read_text().split()] if pids.exists() else []

    start.terraform_pids = terraform_pids
    yield start
    for pid in terraform_pids():  # the fake tools these processes started, by their pid
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    for proc in started:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=30)


def test_second_run_refused_and_a_dead_runs_lock_taken_over(deploy_process):
    """Two `deploy` processes on one target: while the first runs (inside terraform init),
    the second exits 1 at once naming the holder's pid, host and start time, without
    running a tool; the lock beside the journal records the holder. The first is then
    killed (SIGKILL: no cleanup); a third run takes the lock over, says so, and finishes;
    a clean end leaves the lock file empty."""
    first = deploy_process(hang=True)
    deadline = clock.monotonic() + 60
    while not deploy_process.terraform_pids() and first.poll() is None and clock.monotonic() < deadline:
        clock.sleep(0.05)  # waits for the first run to reach its tool; not a timing assertion
    assert deploy_process.terraform_pids(), first.communicate(timeout=10)
    holder = json.loads(lock_path(TARGET).read_text())
    assert holder["pid"] == first.pid and holder["host"] == socket.gethostname()
    assert holder["runbook"] == "deploy" and abs(holder["started"] - clock.time()) < 120

    second = deploy_process(hang=True)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 1, (out, err)
    assert f"pid {first.pid} on {socket.gethostname()}" in err and "one run per target" in err
    assert "Traceback" not in err and "==>" not in out
    assert len(deploy_process.terraform_pids()) == 1  # the second never started terraform

    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    third = deploy_process(hang=False)
    out, err = third.communicate(timeout=60)
    assert third.returncode == 0, (out, err)
    assert f"took over the run lock left by petstore-tui deploy (pid {first.pid}" in out
    assert lock_path(TARGET).read_text() == ""


async def test_the_in_process_runner_shares_the_lock():
    """Stand-in: synthetic steps. A Runner (what the TUI drives) is refused while another
    holder has the target, with the holder named, and runs once it is released."""
    ran: list[str] = []

    async def step(ctx):
        ran.append(ctx.step_id)
        return done()

    held = RunLock(TARGET, "destroy").acquire()
    runner = Runner(TARGET, Runbook("deploy", [Step("one", "One", step)]), engine_factory=None)
    with pytest.raises(RunLocked, match=f"petstore-tui destroy \\(pid {os.getpid()}"):
        [event async for event in runner.run()]
    assert ran == []
    held.release()
    events = [event async for event in runner.run()]
    assert ran == ["one"] and events[-1].ok
