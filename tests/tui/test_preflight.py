"""Pilot tests of the preflight screen, over a scripted preflight (tests.tui.fakes)."""

from __future__ import annotations

import threading

from petstore_tui.app import PetstoreApp
from petstore_tui.widgets.check_table import CheckTable
from petstore_tui.widgets.detail import CheckDetail
from petstore_tui.widgets.target_header import TargetHeader
from tests.tui import fakes
from tests.tui.conftest import settle


def _cell(table: CheckTable, row: str, column: str) -> str:
    return str(table.get_cell(row, column))


async def test_checks_fill_in_live_then_finish():
    """The user sees checks turn from running to their result as each finishes, and the
    header counts them; stand-in: fake_preflight holding its last check behind a gate."""
    gate = threading.Event()
    app = PetstoreApp(fakes.services(preflight=fakes.fake_preflight(gate=gate)))
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.screen.query_one(CheckTable)
        for _ in range(50):  # bounded: the three ungated results arrive
            await pilot.pause(0.02)
            if len(table.results) == 3:
                break
        assert len(table.results) == 3
        assert "running" in _cell(table, "config-subnet-tags", "status")
        assert "running" in str(app.screen.query_one(TargetHeader).status)
        gate.set()
        await settle(app, pilot)
        assert "FAIL" in _cell(table, "config-subnet-tags", "status")
        status = app.screen.query_one(TargetHeader).status
        assert status.startswith("4/4 checks") and "1 fail" in status and "running" not in status


async def test_selected_check_shows_detail_and_fix():
    """The user moves to the failed subnet check and reads its detail and fix; stand-in:
    fake_preflight."""
    app = PetstoreApp(fakes.services())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CheckTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("config-subnet-tags"))
        await pilot.pause()
        shown = app.screen.query_one(CheckDetail).plain
        assert "Add kubernetes.io/role/elb" in shown
        assert "terraform/network.tf" in shown


async def test_rerun_one_runs_only_that_check():
    """Pressing o on a check re-runs just it; stand-in: a preflight that records its calls."""
    calls: list = []
    inner = fakes.fake_preflight()

    def recording(ids):
        calls.append(ids)
        return inner(ids)

    app = PetstoreApp(fakes.services(preflight=recording))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(CheckTable)
        table.focus()
        table.move_cursor(row=table.get_row_index("tool-kubectl"))
        await pilot.press("o")
        await settle(app, pilot)
        assert calls == [None, ["tool-kubectl"]]
        await pilot.press("r")
        await settle(app, pilot)
        assert calls[-1] is None


async def test_missing_preflight_is_reported_not_crashed():
    """When the preflight package is missing the user sees 'not available' and a
    notification, and the app keeps running; stand-in: a check list that raises."""

    def broken():
        raise ImportError("No module named 'checks.preflight.registry'")

    app = PetstoreApp(fakes.services(preflight_checks=broken))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one(TargetHeader).status == "preflight not available"
        assert any("not available" in n.message for n in app._notifications)
        assert app.is_running
