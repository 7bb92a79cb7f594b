"""At 80x24 the findings table gives the title the room: its resource and last-seen
columns go (the detail pane names the resource, the count and both times), so a title
reads as words, not a 10-cell fragment; at 120x36 every column stays.

Stand-in: run_probes returning the fakes' read-only finding (no AWS, no cluster)."""

from __future__ import annotations

import pytest
from textual.widgets.data_table import ColumnKey

from petstore_tui.app import PetstoreApp
from petstore_tui.widgets.detail import FindingDetail
from petstore_tui.widgets.findings_table import FindingsTable
from tests.tui import fakes
from tests.tui.conftest import settle


async def _table_after_probes(pilot, app) -> FindingsTable:
    await settle(app, pilot)
    await pilot.press("p")
    await settle(app, pilot)
    table = app.screen.query_one(FindingsTable)
    for _ in range(100):  # bounded, a round is one short pause
        if table.row_count:
            break
        await pilot.pause(0.02)
    return table


@pytest.mark.parametrize(("size", "least"), [((80, 24), 24), ((120, 36), 24)])
async def test_the_title_column_has_room_for_words(size, least):
    app = PetstoreApp(fakes.services(run_probes=lambda: [fakes.READONLY_FAILURE]), initial="troubleshoot")
    async with app.run_test(size=size) as pilot:
        table = await _table_after_probes(pilot, app)
        title = table.columns[ColumnKey("title")]
        assert title.width >= least, title.width
        keys = [str(key.value) for key in table.columns]
        if size[0] == 80:
            assert keys == ["title", "count", "severity"]
            plain = app.screen.query_one(FindingDetail).plain
            assert "local-app" in plain and "seen 1×" in plain and "last " in plain
        else:
            assert keys == ["title", "resource", "count", "severity", "last"]
        # every column inside the table
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width


async def test_growing_the_terminal_brings_the_columns_back_with_the_cursor():
    app = PetstoreApp(fakes.services(run_probes=lambda: [fakes.READONLY_FAILURE]), initial="troubleshoot")
    async with app.run_test(size=(80, 24)) as pilot:
        table = await _table_after_probes(pilot, app)
        assert table.narrow
        await pilot.resize_terminal(120, 36)
        await settle(app, pilot)
        assert not table.narrow and table.row_count == 1
        assert table.selected() is not None
