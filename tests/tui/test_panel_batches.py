"""The panel's pump feeds the real engine each stream's lines as one batch
(Engine.feed_lines) and the status line is drawn with a batch when due (issue 14)."""

from __future__ import annotations

from checks.catalog_loader import CATALOG_DIR, load_catalog
from checks.engine import Engine
from petstore_tui.app import PetstoreApp
from petstore_tui.screens import troubleshoot
from petstore_tui.screens.troubleshoot_messages import LinesBatch
from petstore_tui.widgets.findings_table import FindingsTable
from petstore_tui.widgets.log_view import LogView
from tests.tui import fakes
from tests.tui.test_troubleshoot import _wait_for

READONLY = "sqlite3.OperationalError: attempt to write a readonly database"


def _lines() -> list[str]:
    lines = []
    for n in range(1500):
        lines.append(f'{{"level":"info","msg":"GET /api/v1/pets/{n}","status":200}}')
        if n % 300 == 7:
            lines += ["Traceback (most recent call last):", '  File "app.py", line 9, in save', READONLY]
    return lines + [READONLY]  # the last line: held until the stream goes quiet


async def test_the_pump_feeds_the_real_engine_in_batches_and_every_line_reaches_the_view(tmp_path):
    """A followed source of 1,500 lines with tracebacks into the real catalog's engine:
    every line reaches the view in order, the engine is fed batches (never a line at a
    time), and its finding is what feeding each line finds, the last line's included
    once the stream goes quiet. Stand-in: lines_source (a follow that yields the lines)."""
    catalog = load_catalog(CATALOG_DIR)
    engine = Engine(catalog, clock=lambda: fakes.FROZEN, cache_dir=tmp_path)
    one_by_one: list = []
    engine.feed = lambda *args, **kwargs: one_by_one.append(args)  # the pump must not use it
    lines = _lines()
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(lines)], engine=engine), initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        log = app.screen.query_one(LogView)
        table = app.screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: log.total_lines == len(lines) and table.row_count == 1
                               and next(iter(table.findings.values())).count == 6, rounds=250)
        # every line, in order, in what the view keeps (it shows a traceback folded)
        assert [line.removeprefix("[app] ") for line in log._buffer] == lines
    assert one_by_one == []
    expected = Engine(catalog, clock=lambda: fakes.FROZEN, cache_dir=tmp_path)
    for line in lines:
        expected.feed(line, source="app", resource="local-app")
    expected.flush()
    found = [(f.failure_id, f.resource, f.count, f.evidence) for f in engine.findings()]
    assert found == [(f.failure_id, f.resource, f.count, f.evidence) for f in expected.findings()]
    assert found[0][2] == 6


async def test_a_batch_draws_the_status_line_when_it_is_due_and_only_then(monkeypatch):
    """With the 4 Hz timer out of the way (its period made long), the first batch draws
    the status line in its own handling; one right after it (not due) leaves it for later.
    Stand-in: batches posted by hand to a panel with no sources."""
    monkeypatch.setattr(troubleshoot, "STATUS_EVERY", 3600.0)
    app = PetstoreApp(fakes.services(sources=[]), initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        screen = app.screen
        status = screen.query_one("#log-status")
        screen.post_message(LinesBatch("log", ["one", "two"]))
        assert await _wait_for(pilot, lambda: screen.query_one(LogView).total_lines == 2)
        await pilot.pause()
        assert str(status.render()).startswith("2 lines")
        screen.post_message(LinesBatch("log", ["three"]))
        assert await _wait_for(pilot, lambda: screen.query_one(LogView).total_lines == 3)
        await pilot.pause()
        assert str(status.render()).startswith("2 lines")
