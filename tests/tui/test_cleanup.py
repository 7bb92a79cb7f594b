"""Pilot tests of the cleanup screen: nothing runs before the cluster name is typed right."""

from __future__ import annotations

from textual.widgets import Input, Label

from petstore_tui.app import PetstoreApp
from petstore_tui.screens.dialogs import TypedConfirmDialog
from petstore_tui.widgets.step_list import StepList
from tests.tui import fakes
from tests.tui.conftest import settle


def _destroy_runner(confirm):
    return fakes.FakeRunner(confirm, steps=[fakes.FakeStep("delete-ingress", "Delete the Ingress"),
                                            fakes.FakeStep("terraform-destroy", "Terraform destroy")],
                            destructive=True)


async def test_wrong_cluster_name_is_refused_and_nothing_runs():
    """The user types a wrong name: the dialog stays, says nothing was deleted, and no
    step starts; then the right name starts the cleanup; stand-in: FakeRunner (destroy)."""
    app = PetstoreApp(fakes.services(runner_factory=_destroy_runner), initial="cleanup")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TypedConfirmDialog)
        await pilot.press(*"petstore-prod", "enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "is not petstore-sandbox: nothing was deleted" in str(
            dialog.query_one("#typed-error", Label).render())
        runner = app.services.made["destroy"]
        assert runner.runs == []
        assert dialog.query_one(Input).value == ""
        await pilot.press(*"petstore-sandbox", "enter")
        await settle(app, pilot)
        assert runner.runs == [(None, None)]
        # the runner's own typed confirmation is answered with the name already typed
        assert runner.answers == ["petstore-sandbox"]
        assert set(app.screen.query_one(StepList).states.values()) == {"done"}


async def test_cancel_deletes_nothing():
    """The user presses Escape at the typed confirmation and is told nothing was deleted;
    stand-in: FakeRunner (destroy)."""
    app = PetstoreApp(fakes.services(runner_factory=_destroy_runner), initial="cleanup")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.services.made["destroy"].runs == []
        assert any("nothing was deleted" in n.message for n in app._notifications)
