"""The Deploy and Cleanup screens draw their step list at once, each step "checking", while
the runner is still being built (importing every step's module and reading the journal took
~5 s at load 8.6, and the list stayed blank all that time); the states follow once it is.

Stand-in: a make_runner held back by an event (the slow import), over FakeRunner; the
outline is the real one (petstore_tui/runbook/outline.py)."""

from __future__ import annotations

import threading

import pytest

from petstore_tui.app import PetstoreApp
from petstore_tui.runbook.outline import outline
from petstore_tui.widgets.step_list import StepList
from petstore_tui.widgets.target_header import TargetHeader
from tests.tui import fakes
from tests.tui.conftest import settle


@pytest.mark.parametrize(("key", "kind"), [("2", "deploy"), ("4", "destroy")])
async def test_the_step_list_is_drawn_before_the_runner_is_built(key, kind):
    """The operator presses 2 (or 4) and reads the steps in the first frames, each
    "checking"; once the runner is built they turn to their journalled state (pending)."""
    built = threading.Event()
    steps = [fakes.FakeStep(step_id, title) for step_id, title in outline(kind, True)]

    def slow_runner(_kind, confirm):
        built.wait(30)  # the step modules' import, on a loaded machine
        return fakes.FakeRunner(confirm, steps=steps)

    app = PetstoreApp(fakes.services(make_runner=slow_runner, runbook_outline=lambda k: outline(k, True)))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            await pilot.press(key)
            for _ in range(3):  # a few frames
                await pilot.pause()
            table = app.screen.query_one(StepList)
            assert table.order == [step.id for step in steps]
            assert set(table.states.values()) == {"checking"}
            assert str(table.get_cell(steps[0].id, "title")) == steps[0].title
            assert "checking" in app.screen.query_one(TargetHeader).status
            built.set()
            await settle(app, pilot)
            assert set(table.states.values()) == {"pending"}
            assert app.screen.runner is not None
    finally:
        built.set()


async def test_a_runbook_that_cannot_be_built_leaves_no_checking_rows():
    """The runner fails to build: the rows drawn from the outline go, and the pane says why."""
    def broken(_kind, _confirm):
        raise RuntimeError("no terraform folder")

    app = PetstoreApp(fakes.services(make_runner=broken, runbook_outline=lambda k: outline(k, True)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        assert app.screen.query_one(StepList).order == []
        assert app.screen.query_one(TargetHeader).status == "runbook not available"


def test_the_outline_is_the_runbooks_own_steps():
    """Stand-in: none; the real runbooks, sandbox and not."""
    from petstore_core.settings import Target
    from petstore_tui.runbook.deploy import deploy_runbook
    from petstore_tui.runbook.destroy import destroy_runbook

    for sandbox in (True, False):
        target = Target(sandbox=sandbox)
        assert outline("deploy", sandbox) == [(s.id, s.title) for s in deploy_runbook(target)]
        assert outline("destroy", sandbox) == [(s.id, s.title) for s in destroy_runbook(target)]


def test_the_runbooks_follow_the_outline_the_one_list_of_steps(monkeypatch):
    """outline.py is the one place that lists the steps: reordering it reorders the runbook
    that runs, and a step it lists with no run (or a run for no step) fails at once, named.
    Stand-in: the outline's tuples replaced. Before, deploy.py and destroy.py listed the ids
    again, in an order of their own, and only this file's equality test tied the two."""
    import pytest

    from petstore_core.settings import Target
    from petstore_tui.runbook import outline as outline_module
    from petstore_tui.runbook.deploy import deploy_runbook
    from petstore_tui.runbook.destroy import destroy_runbook

    deploy, destroy = outline_module.DEPLOY, outline_module.DESTROY
    monkeypatch.setattr(outline_module, "DEPLOY", (deploy[0], deploy[2], deploy[1], *deploy[3:]))
    monkeypatch.setattr(outline_module, "DESTROY", tuple(reversed(destroy)))
    for sandbox in (True, False):
        target = Target(sandbox=sandbox)
        assert [s.id for s in deploy_runbook(target)] == [i for i, _t in outline("deploy", sandbox)]
        assert [s.id for s in destroy_runbook(target)] == [i for i, _t in outline("destroy", sandbox)]
    assert [s.id for s in deploy_runbook(Target(sandbox=True))][1:3] == ["terraform-plan", "terraform-init"]

    monkeypatch.setattr(outline_module, "DEPLOY", (*deploy, ("canary", "A step with no run")))
    with pytest.raises(ValueError, match=r"steps without a run \['canary'\]"):
        deploy_runbook(Target(sandbox=True))
    monkeypatch.setattr(outline_module, "DESTROY", destroy[1:])
    with pytest.raises(ValueError, match=r"runs without a step \['confirm'\]"):
        destroy_runbook(Target(sandbox=True))
