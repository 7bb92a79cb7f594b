"""Undoing a drill clears the finding that rested only on the lines the drill fed
(simulated: no program printed them): it left the table only when the panel closed, so
after the undo the operator still read an error whose cause was gone. The report leaves it
out too; planting again brings it back. A finding real lines stand behind stays.

Stand-ins: FakeDrill replaying its line as simulated, FakeEngine marking findings from
simulated lines as such (as checks/engine/core.py does)."""

from __future__ import annotations

from checks.model import Finding
from petstore_tui.app import PetstoreApp
from petstore_tui.widgets.findings_table import FindingsTable
from tests.tui import fakes
from tests.tui.conftest import settle
from tests.tui.test_troubleshoot import _drill_key, _wait_for


class SimulatingEngine(fakes.FakeEngine):
    def feed(self, line, source: str = "any", resource: str = "", simulated: bool = False) -> list[Finding]:
        found = super().feed(line, source, resource, simulated)
        for finding in found:
            finding.simulated = simulated if finding.count == 1 else (finding.simulated and simulated)
        return found



async def _plant_and_undo(drill) -> tuple[int, int, list, int]:
    app = PetstoreApp(fakes.services(drills=[drill], engine=SimulatingEngine()), initial="troubleshoot")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(FindingsTable)
        await _drill_key(app, pilot, "enter")
        await _wait_for(pilot, lambda: table.row_count == 1, rounds=200)
        planted = table.row_count
        await _drill_key(app, pilot, "u")
        await pilot.pause()
        undone = table.row_count
        reported = app.screen.query_findings()
        await _drill_key(app, pilot, "enter")
        await _wait_for(pilot, lambda: table.row_count == 1, rounds=200)
        return planted, undone, reported, table.row_count


async def test_undoing_a_simulated_drill_clears_its_finding():
    drill = fakes.FakeDrill(simulated=True)
    planted, undone, reported, again = await _plant_and_undo(drill)
    assert (planted, undone, reported, again) == (1, 0, [], 1)


async def test_a_finding_real_lines_stand_behind_stays_after_the_undo():
    drill = fakes.FakeDrill(simulated=False)
    planted, undone, _reported, _again = await _plant_and_undo(drill)
    assert (planted, undone) == (1, 1)
