"""The troubleshooting panel's `k`: acknowledge the selected finding as `petstore-tui ack`
does (same store, same effect on later runs), and withdraw it with `k` again.

Stand-ins: lines_source feeds the app's line; the engine, the acknowledgement store (in the
test's PETSTORE_TUI_HOME) and the later run's engine are the real ones."""

from __future__ import annotations

import pytest

from checks.acks import load_acks
from petstore_tui.app import PetstoreApp
from petstore_tui.screens.dialogs import PromptDialog
from petstore_tui.widgets.findings_table import FindingsTable
from tests.tui import fakes
from tests.tui.conftest import settle
from tests.tui.test_troubleshoot import _wait_for

engine_mod = pytest.importorskip("checks.engine")
LINE = "sqlite3.OperationalError: attempt to write a readonly database"
FAILURE = "sqlite-readonly-database"


def _title(table: FindingsTable) -> str:
    return str(table.get_cell(table.selected_key(), "title"))


def _panel() -> PetstoreApp:
    return PetstoreApp(fakes.services(sources=[fakes.lines_source([LINE])],
                                      engine=engine_mod.load_default_engine()), initial="troubleshoot")


async def _k_on_the_finding(app, pilot) -> FindingsTable:
    """The finding selected, `k` pressed: the reason is asked for."""
    table = app.screen.query_one(FindingsTable)
    assert await _wait_for(pilot, lambda: table.selected() is not None)
    assert table.selected().failure_id == FAILURE and not table.selected().acknowledged
    await pilot.press("k")
    await pilot.pause()
    assert isinstance(app.screen, PromptDialog)
    assert FAILURE in app.screen.prompt
    return table


async def test_k_acknowledges_the_finding_for_this_run_and_later_ones():
    app = _panel()
    async with app.run_test(size=(160, 40)) as pilot:
        table = await _k_on_the_finding(app, pilot)
        finding = table.selected()
        await pilot.press(*"known: demo box", "enter")
        await settle(app, pilot)
        (ack,) = load_acks()
        assert (ack.id, ack.resource, ack.reason) == (FAILURE, finding.resource or None, "known: demo box")
        assert await _wait_for(pilot, lambda: _title(table).startswith("acknowledged · "))
        assert table.selected().acknowledged

        # a later run (diagnose, the panel) reads the same store
        later = engine_mod.load_default_engine()
        later.feed(LINE, source="app", resource=finding.resource)
        later.flush()
        assert [f.acknowledged for f in later.findings() if f.failure_id == FAILURE] == [True]

        await pilot.press("k")  # withdraws it
        await settle(app, pilot)
        assert load_acks() == []
        assert await _wait_for(pilot, lambda: not _title(table).startswith("acknowledged"))
        assert not table.selected().acknowledged


async def test_k_without_a_reason_records_nothing():
    app = _panel()
    async with app.run_test(size=(160, 40)) as pilot:
        table = await _k_on_the_finding(app, pilot)
        await pilot.press("enter")  # an empty reason
        await settle(app, pilot)
        assert load_acks() == []
        assert not table.selected().acknowledged
