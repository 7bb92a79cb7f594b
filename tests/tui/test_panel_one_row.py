"""One failure seen both in the logs and by the live probes is one row of the findings
table, and its detail says where it was seen; the probes' part leaves when they no longer
report it, and a row only the probes made leaves with it.

Stand-ins: FakeDrill (its replayed line fed to FakeEngine, as a drill's controller line is
to the real engine) and a run_probes returning a list the test changes, in place of AWS."""

from __future__ import annotations

from dataclasses import dataclass

from checks.model import Finding, Severity
from petstore_tui.app import PetstoreApp
from petstore_tui.widgets.detail import FindingDetail
from petstore_tui.widgets.findings_table import FindingsTable
from tests.tui import fakes
from tests.tui.conftest import settle
from tests.tui.test_troubleshoot import _drill_key, _wait_for

# what the probes answer for the drill's failure: its own resource is the probe's id
PROBED = Finding(failure_id=fakes.READONLY_FAILURE.failure_id, title=fakes.READONLY_FAILURE.title,
                 severity=Severity.ERROR, resource="cluster.pods", source="probe:cluster.pods",
                 first_seen=fakes.FROZEN, last_seen=fakes.FROZEN, evidence=["pod petstore: readonly"])
ELSEWHERE = Finding(failure_id="alb-controller-subnet-discovery-failed", title="No subnet for the ALB",
                    severity=Severity.ERROR, resource="cluster.subnets", source="probe:cluster.subnets",
                    first_seen=fakes.FROZEN, last_seen=fakes.FROZEN, evidence=["no tagged subnet"])


@dataclass
class ProbingDrill(fakes.FakeDrill):
    """FakeDrill whose plant and undo ask for the live probes, as the AWS drills do."""

    def plant(self):
        outcome = super().plant()
        outcome.probe = True
        return outcome

    run_plant = plant

    def undo(self):
        outcome = super().undo()
        outcome.probe = True
        return outcome



async def test_a_failure_in_the_logs_and_the_probes_is_one_row_saying_where():
    """The operator plants a drill whose failure the probes also see: one row, whose detail
    names the log source and the probe; after the undo the probes no longer report it and
    the detail stops naming them."""
    answer = [PROBED]
    drill = ProbingDrill()
    app = PetstoreApp(fakes.services(drills=[drill], run_probes=lambda: list(answer)), initial="troubleshoot")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await _drill_key(app, pilot, "enter")
        table = app.screen.query_one(FindingsTable)
        detail = app.screen.query_one(FindingDetail)
        assert await _wait_for(pilot, lambda: "probe:cluster.pods" in detail.plain, rounds=200)
        assert table.row_count == 1, list(table.findings)
        assert "app + probe:cluster.pods" in detail.plain
        answer.clear()
        await _drill_key(app, pilot, "u")
        assert await _wait_for(pilot, lambda: "probe:" not in detail.plain, rounds=200)
        assert table.row_count == 1  # the log's finding stays: its lines were seen


async def test_a_row_only_the_probes_made_leaves_when_they_no_longer_report_it():
    answer = [ELSEWHERE]
    app = PetstoreApp(fakes.services(run_probes=lambda: list(answer)), initial="troubleshoot")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        table = app.screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: table.row_count == 1, rounds=200)
        answer.clear()
        await pilot.press("p")
        await settle(app, pilot)
        assert await _wait_for(pilot, lambda: table.row_count == 0, rounds=200), list(table.findings)
