"""Pilot tests of the deploy screen, over FakeRunner yielding real petstore_tui.events."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from petstore_tui import events as ev
from petstore_tui.app import PetstoreApp
from petstore_tui.screens.dialogs import ConfirmDialog
from petstore_tui.widgets.log_view import LogView
from petstore_tui.widgets.step_list import StepList
from petstore_tui.widgets.target_header import TargetHeader
from tests.tui import fakes
from tests.tui.conftest import settle


async def _open_deploy(pilot, app):
    await settle(app, pilot)
    await pilot.press("2")
    await settle(app, pilot)


async def _run_until_asked(pilot, app):
    """Press r and wait (at most a second) for the apply question."""
    await pilot.press("r")
    for _ in range(50):
        await pilot.pause(0.02)
        if isinstance(app.screen, ConfirmDialog):
            return


async def test_sandbox_deploy_steps_through_with_confirmation_and_skip():
    """The user presses r, confirms the apply in a dialog, and sees every step end done,
    the image build skipped with its reason; stand-in: FakeRunner."""
    app = PetstoreApp(fakes.services())
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_deploy(pilot, app)
        await _run_until_asked(pilot, app)
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.prompt == "Run Terraform apply?"
        await pilot.press("y")
        await settle(app, pilot)
        steps = app.screen.query_one(StepList)
        assert steps.states == {"preflight": "done", "terraform-plan": "done",
                                "terraform-apply": "done", "image-build": "skipped",
                                "local-app": "done"}
        assert "no container engine" in str(steps.get_cell("image-build", "summary"))
        assert str(steps.get_cell("terraform-apply", "elapsed")) == "0:03"
        assert app.services.made["runner"].answers == [True]
        assert app.screen.query_one(TargetHeader).status == "4/5 done · 1 skipped"


async def test_selected_step_output_is_redacted_and_shows_progress():
    """The user selects the apply step and reads its output with the password masked,
    and its progress; stand-in: FakeRunner."""
    app = PetstoreApp(fakes.services())
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_deploy(pilot, app)
        await _run_until_asked(pilot, app)
        await pilot.press("y")
        await settle(app, pilot)
        steps = app.screen.query_one(StepList)
        steps.move_cursor(row=steps.get_row_index("terraform-apply"))
        await pilot.pause()
        lines = app.screen.query_one(LogView).visible_lines()
        assert lines[0] == "terraform-apply: line 0 password=****"
        assert not any("hunter2" in line for line in lines)
        assert str(app.screen.query_one("#progress-label", Label).render()) == "resources 25/25"


async def test_declining_the_apply_stops_the_run():
    """The user answers Cancel to the apply question and the run stops there, nothing
    after it runs; stand-in: FakeRunner."""
    app = PetstoreApp(fakes.services())
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_deploy(pilot, app)
        await _run_until_asked(pilot, app)
        await pilot.press("escape")
        await settle(app, pilot)
        steps = app.screen.query_one(StepList)
        assert steps.states["terraform-apply"] == "stopped"
        assert steps.states["local-app"] == "pending"
        assert app.services.made["runner"].answers == [False]


async def test_skip_and_retry_resume_from_the_right_step():
    """The user skips the selected step (the run continues after it) and retries from a
    step (the run starts there); stand-in: FakeRunner recording its run arguments."""
    app = PetstoreApp(fakes.services())
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_deploy(pilot, app)
        steps = app.screen.query_one(StepList)
        steps.focus()
        steps.move_cursor(row=steps.get_row_index("image-build"))
        await pilot.press("s")
        await settle(app, pilot)
        runner = app.services.made["runner"]
        assert runner.runs == [("local-app", None)]
        assert steps.states["image-build"] == "skipped"
        assert steps.states["local-app"] == "done"
        steps.move_cursor(row=steps.get_row_index("local-app"))
        await pilot.press("t")
        await settle(app, pilot)
        await pilot.press("o")
        await settle(app, pilot)
        assert runner.runs[1:] == [("local-app", None), (None, "local-app")]


async def test_missing_runbook_shows_not_available():
    """Without the runbook package the user sees 'Runbook not available' and r only warns;
    stand-in: services with no runner factory."""
    app = PetstoreApp(fakes.services(make_runner=None, unavailable={"runbook": "not installed"}))
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_deploy(pilot, app)
        assert "Runbook not available" in str(app.screen.query_one("#step-title", Label).render())
        await pilot.press("r")
        await pilot.pause()
        assert app.is_running


async def test_why_the_runbook_is_not_available_is_readable_on_a_small_terminal():
    """At 80x24 the operator whose state folder cannot be made (a read-only HOME) read
    only 'Runbook not available: NotAD' on the one-line step title, the reason cut off.
    The whole reason must reach them (a notification). Stand-in: services whose runner
    factory raises the error the real one raised."""
    reason = "NotADirectoryError: [Errno 20] Not a directory: '/home/ops/.local/state/petstore-tui'"

    def factory(confirm):
        raise NotADirectoryError(20, "Not a directory", "/home/ops/.local/state/petstore-tui")

    app = PetstoreApp(fakes.services(runner_factory=factory))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_deploy(pilot, app)
        await settle(app, pilot)
        shown = [str(n.message) for n in app._notifications]
        assert any(reason in text for text in shown), shown


async def test_reopened_deploy_shows_what_the_journal_recorded():
    """An operator quits mid-deploy and opens the app again: the deploy screen shows the
    steps done and the one stopped as the journal recorded them, not every step pending
    (a run resumes from the journal, so "0/5 done" would be false). Stand-in: the real
    Runner over FakeSteps with a journal written in the test's state folder."""
    from petstore_core.settings import Target
    from petstore_tui.runbook.journal import Journal
    from petstore_tui.runbook.runner import Runner

    target = Target(sandbox=True)
    journal = Journal.load(target)
    journal.record("deploy", "preflight", "done", started=0.0, elapsed=1.2, summary="34 checks")
    journal.record("deploy", "terraform-plan", "done", started=0.0, elapsed=24.0, summary="44 to add")
    journal.record("deploy", "terraform-apply", "done", started=0.0, elapsed=22.0,
                   summary="44 resources password=hunter2")
    journal.record("deploy", "image-build", "stopped", started=0.0, elapsed=20.0,
                   summary="stopped by the operator")
    journal.save()

    def factory(confirm):
        return Runner(target, fakes.DEPLOY_STEPS, confirm, runbook="deploy", engine_factory=None)

    app = PetstoreApp(fakes.services(runner_factory=factory))
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_deploy(pilot, app)
        steps = app.screen.query_one(StepList)
        assert steps.states == {"preflight": "done", "terraform-plan": "done",
                                "terraform-apply": "done", "image-build": "stopped",
                                "local-app": "pending"}
        assert str(steps.get_cell("terraform-plan", "elapsed")) == "0:24"
        assert "stopped by the operator" in str(steps.get_cell("image-build", "summary"))
        assert "hunter2" not in str(steps.get_cell("terraform-apply", "summary"))
        assert app.screen.query_one(TargetHeader).status.startswith("3/5 done")


async def test_at_80_columns_the_output_pane_goes_under_the_steps_full_width():
    """Found walking the sandbox deploy at 80x24 (fix-22): the output pane beside the steps
    kept 28 columns and cut every line of a tool's output ("[PASS ] tools.kubectl: kub").
    Below 120 columns it goes under the steps, as wide as the screen; at 120 it stays
    beside them. Stand-in: the app over tests.tui.fakes."""
    for size, stacked in (((80, 24), True), ((120, 36), False)):
        app = PetstoreApp(fakes.services())
        async with app.run_test(size=size) as pilot:
            await _open_deploy(pilot, app)
            steps = app.screen.query_one(StepList).region
            output = app.screen.query_one(LogView).region
            if stacked:
                assert output.y >= steps.bottom and output.width >= 74, (steps, output)
            else:
                assert output.x >= steps.right and output.y < steps.bottom, (steps, output)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_apply_dialog_says_which_keys_answer_it(size):
    """Cancel has the focus (the safe answer), so Enter cancels; the dialog must say that y
    agrees and Escape cancels, whole at 80x24 too, as the Drills dialog says its keys.
    Stand-in: FakeRunner. Before, nothing on screen named y: an operator pressing Enter
    read "the plan was not confirmed"."""
    app = PetstoreApp(fakes.services())
    async with app.run_test(size=size) as pilot:
        await _open_deploy(pilot, app)
        await _run_until_asked(pilot, app)
        keys = app.screen.query_one("#dialog-keys")
        said = " ".join(str(keys.render()).split())
        assert said == "y agrees, Enter presses the focused button, Escape cancels", said
        assert keys.region.right <= size[0] and keys.region.height >= 1


class _JournalDoneElsewhere(fakes.FakeRunner):
    """A runner whose journal another process (a headless `deploy` in a second terminal)
    finished after the screen read it: recorded() first says nothing ran, then all done;
    run() starts no step, as Runner.plan returns [] when every step is done."""

    def __init__(self, confirm):
        super().__init__(confirm)
        self.reads = 0

    def recorded(self):
        self.reads += 1
        if self.reads == 1:
            return {}
        return {s.id: {"status": "done", "elapsed": 1.0, "summary": "done in another terminal"}
                for s in self.steps}

    async def run(self, from_step=None, only=None):
        self.runs.append((from_step, only))
        yield ev.RunFinished(True, None, 0.1)


async def test_run_all_with_every_step_already_done_says_so_and_shows_the_journal():
    """The journal says every step is done (another terminal ran the deploy); the user
    presses r. Before: a "Run finished" toast and the list still "pending", as if r had
    run something; now the list shows the journal's states and the toast says every step
    is already done and which keys run one again. Stand-in: FakeRunner."""
    app = PetstoreApp(fakes.services(runner_factory=_JournalDoneElsewhere))
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_deploy(pilot, app)
        steps = app.screen.query_one(StepList)
        assert set(steps.states.values()) == {"pending"}
        await pilot.press("r")
        await settle(app, pilot)
        assert set(steps.states.values()) == {"done"}, steps.states
        shown = [str(n.message) for n in app._notifications]
        assert any("Every deploy step is already done" in m and "t runs again" in m for m in shown), shown
        assert "Run finished" not in shown
        assert app.screen.query_one(TargetHeader).status == "5/5 done"


class _FailedInAnEarlierSession(fakes.FakeRunner):
    """The journal of an earlier session: the apply failed with a long reason."""

    REASON = ("Error: creating EKS Cluster (petstore-sandbox): operation error EKS: CreateCluster, "
              "https response error StatusCode: 400, InvalidParameterException: unsupported Kubernetes "
              "version 1.24 — pass a supported version in terraform.tfvars")

    def recorded(self):
        return {"preflight": {"status": "done", "elapsed": 1.0, "summary": "34 checks"},
                "terraform-apply": {"status": "failed", "elapsed": 4.0, "summary": self.REASON}}


async def test_a_failed_step_from_an_earlier_session_shows_its_whole_reason():
    """The user quit after the apply failed and opens the app again at 80x24: the list
    cuts the summary column, and the pane under the output used to stay blank for a step
    the journal recorded; now it shows the reason whole. Stand-in: FakeRunner."""
    app = PetstoreApp(fakes.services(runner_factory=_FailedInAnEarlierSession))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_deploy(pilot, app)
        steps = app.screen.query_one(StepList)
        assert steps.states["terraform-apply"] == "failed"
        steps.move_cursor(row=steps.get_row_index("terraform-apply"))
        await pilot.pause()
        shown = str(app.screen.query_one("#step-findings").render())
        assert "version 1.24 — pass a supported version in terraform.tfvars" in " ".join(shown.split()), shown


class _StoppedInAnEarlierSession(fakes.FakeRunner):
    def recorded(self):
        return {"preflight": {"status": "done", "elapsed": 1.0, "summary": "34 checks"},
                "terraform-apply": {"status": "stopped", "elapsed": 95.0, "finished": 0.0,
                                    "summary": "stopped", "output": ["module.eks.aws_eks_cluster.this: Still creating... [1m30s elapsed]"]}}


async def test_a_stopped_step_from_an_earlier_session_shows_its_journalled_output():
    """The user stopped the apply and quit; opening the app again, the step's output until
    then (journalled by the runner) shows in its pane before any run, not only once the
    step runs again. Stand-in: FakeRunner."""
    app = PetstoreApp(fakes.services(runner_factory=_StoppedInAnEarlierSession))
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_deploy(pilot, app)
        steps = app.screen.query_one(StepList)
        steps.move_cursor(row=steps.get_row_index("terraform-apply"))
        await pilot.pause()
        shown = "\n".join(app.screen.query_one(LogView).visible_lines())
        assert "the last run stopped this step" in shown, shown
        assert "Still creating... [1m30s elapsed]" in shown, shown


class _LongErrorRunner(fakes.FakeRunner):
    LINE = ("Error: creating EKS Cluster (petstore-sandbox): InvalidParameterException: unsupported "
            "Kubernetes version 1.24 END-OF-LINE")

    async def run(self, from_step=None, only=None):
        self.runs.append((from_step, only))
        yield ev.StepStarted("preflight", "Preflight checks", fakes.FROZEN)
        yield ev.StepOutput("preflight", self.LINE)
        yield ev.StepFinished("preflight", ev.StepStatus.FAILED, 1.0, "failed")
        yield ev.RunFinished(False, "preflight", 1.0)


async def test_a_long_output_line_wraps_in_the_step_pane_at_80_columns():
    """A step prints an error longer than the output pane at 80x24; the pane used to cut it
    at its edge (its end readable nowhere), it now wraps onto the next rows. Stand-in:
    FakeRunner."""
    app = PetstoreApp(fakes.services(runner_factory=_LongErrorRunner))
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_deploy(pilot, app)
        await pilot.press("r")
        await settle(app, pilot)
        log = app.screen.query_one(LogView)
        rows = [log.render_line(y).text for y in range(log.size.height)]  # as drawn on screen
        assert "END-OF-LINE" in "".join(rows), rows
        assert "version 1.24" in " ".join(" ".join(rows).split()), rows
