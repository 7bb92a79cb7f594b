"""Deploy and Cleanup step titles use the width the terminal gives them.

Stand-in: FakeRunner over the real runbooks' step ids and titles (no step runs)."""

from __future__ import annotations

import pytest

from petstore_core.settings import Target
from petstore_tui.app import PetstoreApp
from petstore_tui.runbook.deploy import deploy_runbook
from petstore_tui.runbook.destroy import destroy_runbook
from petstore_tui.widgets.step_list import StepList
from tests.tui import fakes
from tests.tui.conftest import settle


def _rows(table: StepList) -> str:
    return "\n".join("".join(segment.text for segment in table.render_line(y))
                     for y in range(table.size.height))


@pytest.mark.parametrize(("key", "runbook"), [("2", deploy_runbook), ("4", destroy_runbook)])
async def test_step_titles_are_whole_on_a_wide_terminal(key, runbook):
    steps = [fakes.FakeStep(step.id, step.title) for step in runbook(Target(sandbox=True))]
    assert max(len(s.title) for s in steps) > 40  # longer than the old fixed 34 columns
    app = PetstoreApp(fakes.services(runner_factory=lambda confirm: fakes.FakeRunner(confirm, steps=steps)))
    async with app.run_test(size=(200, 50)) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        await settle(app, pilot)
        shown = _rows(app.screen.query_one(StepList))
        for step in steps:
            assert step.title in shown, f"{step.title!r} cut:\n{shown}"
