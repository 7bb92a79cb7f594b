"""Snapshots of the troubleshooting panel on a log mixing JSON, plain and traceback lines
(fakes.MIXED_LINES), at the three sizes issue 16 names; stand-ins: lines_source,
FakeEngine, frozen clock."""

from __future__ import annotations

import pytest

from tests.tui import fakes
from tests.tui.conftest import settle
from tests.tui.test_snapshots import QuietApp, _wait


def _panel_app():
    return QuietApp(fakes.services(sources=[fakes.lines_source(fakes.MIXED_LINES)]), initial="troubleshoot")


@pytest.mark.parametrize("size", [
    # a laptop's default terminal: the log full width with short tags and no time column,
    # findings and detail under it, the sources list and input boxes closed
    (80, 24),
    # the findings list readable at 120 columns: title first, resource shortened in the
    # middle; JSON lines as time, level, origin, message, fields dimmed
    (120, 40),
    # a wide terminal: sources, log and findings side by side
    (200, 50),
])
def test_troubleshoot_panel_on_a_mixed_log(snap_compare, size):
    app = _panel_app()

    async def run_before(pilot):
        table = app.screen.query_one("FindingsTable")
        log = app.screen.query_one("LogView")
        detail = app.screen.query_one("FindingDetail")
        status = app.screen.query_one("#log-status")
        lines = f"{len(fakes.MIXED_LINES)} lines"
        # the detail and status lines are drawn by a 4 Hz timer: wait for what it draws
        await _wait(pilot, lambda: table.row_count == 1 and log.total_lines == len(fakes.MIXED_LINES)
                    and "SQLite" in detail.plain and lines in str(status.render()))
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
