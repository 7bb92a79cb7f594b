"""Pilot tests of the troubleshooting panel: streaming, findings, drills, fix, report."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from petstore_tui.app import PetstoreApp
from petstore_tui.screens.dialogs import DrillDialog, PromptDialog
from petstore_tui.widgets.detail import FindingDetail
from petstore_tui.widgets.findings_table import FindingsTable
from petstore_tui.widgets.log_view import LogView
from tests.tui import fakes
from tests.tui.conftest import settle

APP_LINES = [
    "INFO booting worker pid=12",
    "GET /api/v1/health 200",
    "POST /api/v1/pets 503 db password=hunter2",
    "ERROR database error: attempt to write a readonly database",
    "GET /api/v1/pets 200",
]


async def _wait_for(pilot, predicate, rounds: int = 100) -> bool:
    for _ in range(rounds):  # bounded, a round is one short pause
        if predicate():
            return True
        await pilot.pause(0.02)
    return predicate()


async def _drill_key(app, pilot, key: str) -> None:
    """Open the Drills dialog and answer it: enter plants the first drill, u undoes it."""
    await pilot.press("d")
    await pilot.pause()
    await pilot.press(key)
    await settle(app, pilot)


async def test_streamed_logs_raise_a_finding_with_its_fix():
    """The user sees the app's lines stream in (secret masked) and the read-only database
    finding appear with its explanation and fix; stand-ins: lines_source, FakeEngine."""
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(APP_LINES)]),
                      initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        log = app.screen.query_one(LogView)
        table = app.screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: table.row_count == 1 and len(log.lines) == 5)
        assert "[app] POST /api/v1/pets 503 db password=****" in log.visible_lines()
        assert not any("hunter2" in line for line in log.visible_lines())
        # the detail pane follows the table's highlight, one message after the row lands
        pane = app.screen.query_one(FindingDetail)
        assert await _wait_for(pilot, lambda: "SQLite database is read-only" in pane.plain)
        assert "$ chown -R petstore:petstore /app/data" in pane.plain


async def test_filter_and_search_in_the_log_view():
    """The user filters the log to 'pets' lines, then searches 'readonly' after clearing the
    filter and lands on that line with follow paused; stand-in: lines_source."""
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(APP_LINES)]),
                      initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        log = app.screen.query_one(LogView)
        assert await _wait_for(pilot, lambda: len(log.lines) == 5)
        await pilot.press("backslash", *"pets", "enter")
        await pilot.pause()
        assert log.visible_lines() == ["[app] POST /api/v1/pets 503 db password=****",
                                       "[app] GET /api/v1/pets 200"]
        app.screen.query_one("#filter", Input).value = ""
        await pilot.press("backslash", "enter")
        await pilot.press("slash", *"readonly", "enter")
        await pilot.pause()
        assert len(log.lines) == 5 and log._search_at == 3 and not log.follow
        await pilot.press("f")
        assert log.follow


async def test_drill_planted_is_detected_and_shows_its_fix(tmp_path):
    """The user opens the Drill menu, plants the read-only database drill, sees the finding
    with its fix, copies the fix command, and undoes the drill; stand-ins: FakeDrill,
    FakeEngine fed the drill's log line."""
    drill = fakes.FakeDrill()
    app = PetstoreApp(fakes.services(drills=[drill]), initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DrillDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        table = app.screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: table.row_count == 1)
        assert drill.plants == 1
        assert "Make the database folder writable" in app.screen.query_one(FindingDetail).plain
        await pilot.press("c")
        assert app.clipboard == "chown -R petstore:petstore /app/data"
        await pilot.press("d")
        await pilot.pause()
        assert "● planted" in str(app.screen.query_one("#drill-list").get_option_at_index(0).prompt)
        await pilot.press("u")
        await settle(app, pilot)
        assert drill.undos == 1


async def test_drill_runs_while_more_logs_are_followed_than_default_worker_threads():
    """Live: the sandbox panel followed 6 sources (pods, events, a file, the runbook, the
    pumps) on a 2-core machine, whose default thread pool has 6 threads (min(32, cores +
    4), docs/knowledge/dependencies.md), so the drill chosen in the dialog queued behind
    the followers forever: no drill, no message. 33 followers outnumber that pool on any
    machine; the drill must still run. Stand-ins: FakeDrill, lines_source followers."""
    drill = fakes.FakeDrill()
    sources = [fakes.lines_source([f"line {n}"], source_id=f"follower-{n}") for n in range(33)]
    app = PetstoreApp(fakes.services(drills=[drill], sources=sources), initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DrillDialog)
        await pilot.press("enter")
        assert await _wait_for(pilot, lambda: drill.plants == 1, rounds=250)


async def test_drills_refused_outside_the_sandbox():
    """Against a real account the Drill key only explains that drills are sandbox-only;
    stand-in: FakeDrill (never planted)."""
    drill = fakes.FakeDrill()
    app = PetstoreApp(fakes.services(sandbox=False, drills=[drill]), initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, DrillDialog)
        assert drill.plants == 0
        assert any("sandbox only" in n.message for n in app._notifications)


async def _open_report_prompt(app, pilot) -> None:
    """Wait for the one finding, press e: the report's path prompt is open."""
    table = app.screen.query_one(FindingsTable)
    assert await _wait_for(pilot, lambda: table.row_count == 1)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(app.screen, PromptDialog)


async def test_report_export_writes_markdown_with_redacted_evidence(tmp_path):
    """The user presses e, accepts the path, and a Markdown report with the finding, its
    evidence (masked) and fix is written; stand-ins: lines_source, FakeEngine."""
    lines = ["ERROR attempt to write a readonly database url=postgresql://app:s3cret@db/x"]
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(lines)], report_dir=tmp_path),
                      initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        await _open_report_prompt(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        reports = list(Path(tmp_path).glob("incident-*.md"))
        assert len(reports) == 1
        text = reports[0].read_text()
        assert "### [error] SQLite database is read-only" in text
        assert "chown -R petstore:petstore /app/data" in text
        assert "postgresql://app:****@db/x" in text and "s3cret" not in text
        assert "## Timeline" in text and "following Local app (gunicorn)" in text


async def test_the_report_never_overwrites_an_existing_file(tmp_path):
    """e, then the path of a file that exists (here the log being followed, the incident's
    evidence): the file stays as it was and the notification says why; before, the
    report replaced it without a word. Stand-ins: lines_source, FakeEngine, a log file
    written by the test."""
    lines = ["ERROR attempt to write a readonly database"]
    kept = tmp_path / "incident.log"
    kept.write_text("2026-12-06T00:00:04Z ERROR app the evidence\n")
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(lines)], report_dir=tmp_path),
                      initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        await _open_report_prompt(app, pilot)
        app.screen.query_one(Input).value = str(kept)
        await pilot.press("enter")
        await settle(app, pilot)
        assert kept.read_text() == "2026-12-06T00:00:04Z ERROR app the evidence\n"
        notes = [n.message for n in app._notifications]
        assert any("Report not written" in note and "exists" in note for note in notes), notes


async def test_real_engine_catches_the_readonly_database_line():
    """With the real diagnostics engine, the SQLite read-only line from the app log becomes
    the catalog's finding; stand-in: lines_source. Skips while checks.engine is missing."""
    engine_mod = pytest.importorskip("checks.engine")
    engine = engine_mod.load_default_engine()
    line = "sqlite3.OperationalError: attempt to write a readonly database"
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source([line])], engine=engine),
                      initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        table = app.screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: table.row_count >= 1)
        ids = {f.failure_id for f in table.findings.values()}
        assert "sqlite-readonly-database" in ids


def simulated_mark(table: FindingsTable) -> str:
    """The mark a simulated finding's title takes in `table`: whole in a title column of
    SHORT_BELOW cells or more, "~ " in a narrower one (at 160 columns it is 17 cells)."""
    from textual.widgets.data_table import ColumnKey

    from petstore_tui.widgets.findings_table import SHORT_BELOW, SHORT_MARK, SIMULATED_MARK

    return SHORT_MARK if table.columns[ColumnKey("title")].width < SHORT_BELOW else SIMULATED_MARK


async def test_a_finding_on_simulated_lines_is_marked_in_the_panel():
    """A drill whose line stands in for a program the sandbox cannot run (the controller):
    the log shows the line tagged simulated, the findings table and the detail say the
    finding rests on simulated lines only. Stand-ins: FakeDrill replaying the controller's
    AccessDenied as simulated; the real engine."""
    engine_mod = pytest.importorskip("checks.engine")
    line = ("User: arn:aws:sts::123456789012:assumed-role/ctrl/1 is not authorized to perform: "
            "elasticloadbalancing:AddTags on resource: arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/*")
    drill = fakes.FakeDrill(id="controller-policy", title="Controller policy without AddTags",
                            replay=[("alb-controller", line)], simulated=True)
    app = PetstoreApp(fakes.services(drills=[drill], engine=engine_mod.load_default_engine()),
                      initial="troubleshoot")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        await _drill_key(app, pilot, "enter")
        table = app.screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: table.row_count >= 1)
        (finding,) = [f for f in table.findings.values() if f.failure_id == "alb-controller-addtags-denied"]
        assert finding.simulated
        title = table.get_cell(f"{finding.failure_id}|{finding.resource}", "title")
        assert str(title).startswith(simulated_mark(table))
        assert await _wait_for(pilot, lambda: "Simulated:" in app.screen.query_one(FindingDetail).plain)
        log = app.screen.query_one(LogView)
        assert any(text.startswith("[drill:controller-policy simulated] ") for text in log.lines)


async def test_a_drill_planted_before_the_panel_opened_is_caught_and_marked_simulated():
    """The operator planted the controller drill headless (`petstore-tui --sandbox drill
    plant controller-policy`), then opens the panel: without pressing `d`, the finding is
    there, marked simulated in the table and the log, as `diagnose --live --sandbox` shows
    it. Before, the panel fed a drill's lines only when planted from its own dialog, so it
    showed 0 findings. Stand-ins: FakeDrill already planted, replaying the controller's
    AccessDenied as simulated; the real engine."""
    engine_mod = pytest.importorskip("checks.engine")
    line = ("User: arn:aws:sts::123456789012:assumed-role/ctrl/1 is not authorized to perform: "
            "elasticloadbalancing:AddTags on resource: arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/x/*")
    drill = fakes.FakeDrill(id="controller-policy", title="Controller policy without AddTags",
                            replay=[("alb-controller", line)], simulated=True, planted=True)
    app = PetstoreApp(fakes.services(drills=[drill], engine=engine_mod.load_default_engine()),
                      initial="troubleshoot")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: table.row_count >= 1), "no finding for the planted drill"
        (finding,) = [f for f in table.findings.values() if f.failure_id == "alb-controller-addtags-denied"]
        assert finding.simulated
        title = table.get_cell(f"{finding.failure_id}|{finding.resource}", "title")
        assert str(title).startswith(simulated_mark(table))
        log = app.screen.query_one(LogView)
        assert any(text.startswith("[drill:controller-policy simulated] ") for text in log.lines)
        assert drill.plants == 0  # replayed from its memo, not planted again


@pytest.mark.parametrize("size", [(80, 24), (140, 40)])
async def test_the_drill_menu_says_escape_leaves_it(size):
    """The menu's title names every key it takes, Escape among them as in the other dialogs
    ("Escape cancels"), whole at 80x24 too; Escape then closes it with nothing planted.
    Stand-in: FakeDrill. Before, the title said only "Enter plants, u undoes"."""
    drill = fakes.FakeDrill()
    app = PetstoreApp(fakes.services(drills=[drill]), initial="troubleshoot")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DrillDialog)
        title = app.screen.query_one("#dialog-title")
        said = " ".join(str(title.render()).split())
        assert said.endswith("Enter plants, u undoes, Escape cancels"), said
        assert title.region.right <= size[0]
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DrillDialog) and drill.plants == 0
