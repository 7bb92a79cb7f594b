"""Quitting while a deploy step runs asks first; on yes the step's tool is stopped the way
it stops cleanly (one SIGINT, time to write its state), the runner journals the step as
stopped, and only then the app quits. Idle, `q` quits at once."""

from __future__ import annotations

import sys

from petstore_core import process
from petstore_core.settings import Target
from petstore_tui.app import PetstoreApp
from petstore_tui.runbook.journal import Journal
from petstore_tui.runbook.model import Step, done
from petstore_tui.runbook.runner import Runner
from petstore_tui.runbook.stopping import KILLED
from petstore_tui.screens.quit_guard import QuitNowDialog, QuitWhileRunningDialog
from petstore_tui.widgets.step_list import StepList
from tests.support.stand_in_terraform import alive
from tests.support.stand_in_terraform import tool_script as _tool
from tests.tui import fakes
from tests.tui.conftest import settle

TOOL = _tool(0.5)


def _services(tmp_path):
    state = tmp_path / "terraform.tfstate"

    async def apply(ctx):
        await process.stream([sys.executable, "-c", TOOL, str(state), str(tmp_path / "tool.pid")], timeout=300,
                             on_line=lambda line: ctx.emit(line.text, line.stream))
        return done()  # not reached: the stop cancels the step

    def make_runner(kind, confirm):
        steps = [Step("terraform-apply", "Terraform apply", apply)]
        return Runner(Target(sandbox=True), steps, confirm, runbook="deploy", engine_factory=None)

    return fakes.services(make_runner=make_runner), state


async def _wait_for(pilot, condition, rounds: int = 500) -> bool:
    for _ in range(rounds):
        if condition():
            return True
        await pilot.pause(0.02)
    return condition()


async def _apply_running(app, pilot):
    """Press r on Deploy and wait until the stand-in apply prints; the Deploy screen."""
    await settle(app, pilot)
    await pilot.press("r")
    deploy = app.screen
    assert await _wait_for(pilot, lambda: "applying" in "".join(deploy.outputs.get("terraform-apply", ())))
    return deploy


async def _ask_to_quit(app, pilot, key: str):
    """Press `key` while the apply runs; the quit question it brings up."""
    await pilot.press(key)
    assert await _wait_for(pilot, lambda: isinstance(app.screen, QuitWhileRunningDialog))
    return app.screen


async def test_q_during_an_apply_asks_then_stops_it_cleanly_journals_and_quits(tmp_path):
    """Stand-ins: a real child process in place of terraform (it writes a state file on
    SIGINT), the real Runner and journal. The operator presses r on Deploy, then q while the
    apply runs: a question names the step and what stopping does; Cancel keeps it running;
    q again and `y`: the tool gets its SIGINT and writes its state, the journal says
    stopped, and the app quits."""
    services, state = _services(tmp_path)
    app = PetstoreApp(services, initial="deploy", autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        deploy = await _apply_running(app, pilot)

        dialog = await _ask_to_quit(app, pilot, "q")
        assert dialog.prompt == "Terraform apply is running: stop it and quit?"
        assert "one SIGINT" in dialog.detail and "write its state" in dialog.detail
        assert "journalled as stopped" in dialog.detail
        await pilot.press("escape")  # no: the apply goes on
        await pilot.pause(0.3)
        assert app.is_running and deploy.running and not state.exists()

        await _ask_to_quit(app, pilot, "q")
        await pilot.press("y")
        assert await _wait_for(pilot, lambda: not app.is_running, rounds=1500)
    assert state.read_text() == "state written after SIGINT"  # waited for, not cut short
    entry = Journal.load(Target(sandbox=True)).steps("deploy")["terraform-apply"]
    assert entry["status"] == "stopped" and entry["summary"] == "stopped by the operator"


async def test_ctrl_c_during_a_step_asks_the_same_question(tmp_path):
    """Ctrl+C, an operator's reflex, while the apply runs: the same question, not Textual's
    "press q" hint (stand-ins as above; Cancel keeps the apply, then it is stopped for the
    test's own end)."""
    services, _state = _services(tmp_path)
    app = PetstoreApp(services, initial="deploy", autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        deploy = await _apply_running(app, pilot)
        await _ask_to_quit(app, pilot, "ctrl+c")
        await pilot.press("escape")
        await pilot.pause()
        deploy.action_stop()
        assert await _wait_for(pilot, lambda: not deploy.running, rounds=1500)
        assert deploy.query_one(StepList).states["terraform-apply"] == "stopped"


async def test_q_on_an_idle_screen_quits_at_once():
    """No run in progress (the deploy screen before `r`): q quits without a question."""
    app = PetstoreApp(fakes.services(), initial="deploy", autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("q")
        assert await _wait_for(pilot, lambda: not app.is_running)


# A Terraform that takes its grace: a minute, so only a kill ends it sooner.
SLOW_TOOL = _tool(60)


def _slow_services(tmp_path):
    state, pidfile = tmp_path / "terraform.tfstate", tmp_path / "tool.pid"

    async def apply(ctx):
        await process.stream([sys.executable, "-c", SLOW_TOOL, str(state), str(pidfile)], timeout=300,
                             interrupt_grace=900, on_line=lambda line: ctx.emit(line.text, line.stream))
        return done()

    def make_runner(kind, confirm):
        steps = [Step("terraform-apply", "Terraform apply", apply)]
        return Runner(Target(sandbox=True), steps, confirm, runbook="deploy", engine_factory=None)

    return fakes.services(make_runner=make_runner), state, pidfile


async def test_a_second_quit_during_terraforms_grace_offers_to_stop_it_now_with_what_that_leaves(tmp_path):
    """Stand-ins: a real child process in place of terraform that takes its SIGINT grace
    (a minute here, up to 15 for Terraform), the real Runner and journal. The operator
    quits (q, y) during an apply; the tool is stopping cleanly; a second q asks whether to
    stop it now and says exactly what that risks (a locked state, resources missing from
    terraform.tfstate) and what to run next (a plan, force-unlock, import). Cancel keeps
    waiting; Ctrl+C and `y`: the tool is killed at once, the journal says so, the app
    quits in seconds, and the same words wait in the notes printed as the TUI ends."""
    services, state, pidfile = _slow_services(tmp_path)
    app = PetstoreApp(services, initial="deploy", autostart=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await _apply_running(app, pilot)
        pid = int(pidfile.read_text())
        await _ask_to_quit(app, pilot, "q")
        await pilot.press("y")
        await pilot.pause(0.3)
        assert app.is_running and alive(pid)  # in its grace: writing its state

        dialog = await _ask_to_quit(app, pilot, "q")
        assert isinstance(dialog, QuitNowDialog)
        assert dialog.prompt == "Terraform apply is still stopping cleanly: stop it now and quit?"
        for words in ("SIGKILL", "locked", "missing from terraform.tfstate", "plan`", "force-unlock ID",
                      "import ADDRESS ID", "-chdir="):
            assert words in dialog.detail, words
        await pilot.press("escape")  # no: keep waiting for the clean stop
        await pilot.pause(0.3)
        assert app.is_running and alive(pid) and not app.exit_notes

        await _ask_to_quit(app, pilot, "ctrl+c")
        await pilot.press("y")
        assert await _wait_for(pilot, lambda: not app.is_running, rounds=500)  # seconds, not the grace
    assert not alive(pid) and not state.exists()
    entry = Journal.load(Target(sandbox=True)).steps("deploy")["terraform-apply"]
    assert entry["status"] == "stopped" and entry["summary"] == KILLED
    assert len(app.exit_notes) == 1 and "force-unlock" in app.exit_notes[0]
