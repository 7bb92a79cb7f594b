"""Counts say their noun in the singular for one, in the panel's status line, the exported
report and `diagnose` alike ("1 lines" was printed; petstore_core/words.py `counted`).

Stand-ins: a log file written by the test, the fake services with the real file_source, a
Finding built by hand for the report, the real engine for diagnose."""

from __future__ import annotations

from textual.widgets import Label

from checks.model import Finding, Severity
from petstore_core.settings import Target
from petstore_tui import cli
from petstore_tui.app import PetstoreApp
from petstore_tui.commands.tui import file_source
from petstore_tui.reports import render_report
from petstore_tui.widgets.log_view import LogView
from tests.tui import fakes
from tests.tui.test_troubleshoot import _wait_for


async def test_the_panel_counts_one_line_as_one_line(tmp_path):
    log = tmp_path / "app.log"
    log.write_text("2026-12-05 03:00:00 INFO gunicorn GET /api/v1/pets 200\n")
    from checks.engine import load_default_engine

    app = PetstoreApp(fakes.services(engine=load_default_engine(), file_source=file_source), initial="troubleshoot")
    async with app.run_test(size=(160, 48)) as pilot:
        await _wait_for(pilot, lambda: app.screen.engine is not None)
        app.screen.add_source(file_source(log, "app"))
        view = app.screen.query_one(LogView)
        assert await _wait_for(pilot, lambda: view.total_lines == 1, 400), (view.total_lines, view.lines)
        app.screen._log_status()
        status = str(app.screen.query_one("#log-status", Label).render())
        assert status.startswith("1 line · "), status


def test_the_report_says_seen_1_time():
    finding = Finding("sqlite-readonly-database", "read-only database", Severity.ERROR, "", "app",
                      evidence=["attempt to write a readonly database"])
    report = render_report(Target(sandbox=True), [finding], [], ["App pods"], 1_790_000_000.0)
    assert "- Seen: 1 time, first" in report, report


def test_diagnose_says_1_line_from_1_source(tmp_path, capsys):
    log = tmp_path / "app.log"
    log.write_text("GET /api/v1/pets 200\n")
    assert cli.main(["diagnose", str(log)]) == 0
    out = capsys.readouterr().out
    assert "no known failures found in 1 line from 1 source" in out, out

