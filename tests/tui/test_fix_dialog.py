"""Pilot tests of `x`, the fix dialog (petstore_tui/screens/fix_dialog.py), on the troubleshooting panel and the preflight screen: the plan shown before anything changes, Escape changing nothing, `y` applying, the verification shown, a change that does not verify shown undone with the reason, a finding without an automatic fix said so. The fixes run for real on copies of this repository (the plants of tests/preflight/config/); stand-ins: the panel's lines_source and FakeEngine (tests/tui/fakes.py), and the fake pip-compile of tests/fixes/test_repository_fixes.py."""

from __future__ import annotations

from textual.widgets import Button, Static

from checks.catalog_loader import load_catalog
from petstore_core.settings import Target
from petstore_tui.app import PetstoreApp
from petstore_tui.commands.tui import build_services
from petstore_tui.contracts import CheckInfo
from petstore_tui.screens.fix_dialog import FixDialog
from petstore_tui.widgets.check_table import CheckTable
from petstore_tui.widgets.findings_table import FindingsTable
from tests.fixes.test_repository_fixes import fake_pip_compile, snapshot
from tests.support.plants import plant as planted
from tests.support.project_copy import copy_project
from tests.tui import fakes
from tests.tui.conftest import settle
from tests.tui.test_troubleshoot import APP_LINES, _wait_for


def _checkout(tmp_path, plant: str):
    root = copy_project(tmp_path / "checkout")
    planted(plant)(root)
    return root


def _text(dialog: FixDialog, selector: str) -> str:
    return str(dialog.query_one(selector, Static).render())


async def _dialog(app, pilot) -> FixDialog:
    assert await _wait_for(pilot, lambda: isinstance(app.screen, FixDialog) and app.screen.state != "planning",
                           rounds=500)
    return app.screen


def _panel(root, lines=APP_LINES) -> PetstoreApp:
    services = fakes.services(sources=[fakes.lines_source(lines)])
    services.target = Target(project_dir=root)  # the fixes act on the copy
    return PetstoreApp(services, initial="troubleshoot")


async def _x_on_the_finding(app, pilot) -> FixDialog:
    table = app.screen.query_one(FindingsTable)
    assert await _wait_for(pilot, lambda: table.row_count == 1)
    assert table.selected().failure_id == "sqlite-readonly-database"
    table.focus()
    await pilot.press("x")
    return await _dialog(app, pilot)


async def test_x_on_a_finding_previews_applies_and_shows_the_verification(tmp_path):
    root = _checkout(tmp_path, "dockerfile_user_before_chown")
    before = snapshot(root)
    app = _panel(root)
    async with app.run_test(size=(160, 50)) as pilot:
        dialog = await _x_on_the_finding(app, pilot)
        shown = _text(dialog, "#fix-plan")
        assert "1. [file-edit] move USER 10001:10001" in shown and "--- a/docker/Dockerfile" in shown
        assert "+USER 10001:10001" in shown
        assert "to this checkout?" in _text(dialog, "#fix-status")
        assert snapshot(root) == before  # shown, not done
        await pilot.press("y")
        assert await _wait_for(pilot, lambda: dialog.state == "done", rounds=500)
        status = _text(dialog, "#fix-status")
        assert "fixed: fixed and verified: config.dockerfile-user passes" in status
        assert f"undo with: petstore-tui --project-dir {root} fix undo dockerfile-user-after-chown-1" in status
        assert snapshot(root) != before
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, FixDialog)


async def test_escape_changes_nothing(tmp_path):
    root = _checkout(tmp_path, "dockerfile_user_before_chown")
    before = snapshot(root)
    app = _panel(root)
    async with app.run_test(size=(160, 50)) as pilot:
        dialog = await _x_on_the_finding(app, pilot)
        assert not dialog.query_one("#apply", Button).disabled
        await pilot.press("enter")  # focus starts on Cancel: Enter is the safe answer
        await pilot.pause()
        assert not isinstance(app.screen, FixDialog)
    assert snapshot(root) == before


async def test_a_finding_without_an_automatic_fix_says_so(tmp_path):
    root = _checkout(tmp_path, "dockerfile_user_before_chown")
    app = _panel(root, ["GET /api/v1/pets 200"])
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("x")  # no finding selected: a note, no dialog
        await pilot.pause()
        assert not isinstance(app.screen, FixDialog)
        app.push_screen(FixDialog("alb-controller-crds-outdated"))  # a catalog entry with no automatic fix
        dialog = await _dialog(app, pilot)
        status = _text(dialog, "#fix-status")
        # said plainly (it was "failed: ..." then "manual: ... follow its fix text"), with the
        # entry's own fix to do by hand: its summary, steps and commands
        assert status.startswith("No one-key fix for alb-controller-crds-outdated: fix it by hand.")
        assert "failed" not in status and "manual:" not in status
        entry = next(e for e in load_catalog() if e.id == "alb-controller-crds-outdated")
        assert entry.fix.summary in status
        assert f"1. {entry.fix.steps[0]}" in status and f"$ {entry.fix.commands[0]}" in status
        assert dialog.query_one("#apply", Button).display is False
        # the planning line is gone: nothing above the answer says it is still planning
        # (it stayed, "Planning from live state…", above "No one-key fix"; operator review)
        shown = [str(w.render()) for w in dialog.query(Static) if w.display and w.parent.display]
        assert not any("Planning" in text for text in shown), shown
        await pilot.press("y")  # nothing to apply
        assert dialog.state == "done"


def _preflight(root, *checks: str) -> PetstoreApp:
    services = build_services(Target(project_dir=root))
    services.preflight_checks = lambda: [CheckInfo(c, "config", c) for c in checks]
    return PetstoreApp(services, autostart=False)


async def _run_and_select(app, pilot, check: str) -> CheckTable:
    app.screen.run_checks([check])
    await settle(app, pilot)
    table = app.screen.query_one(CheckTable)
    assert table.results[check].status.value == "fail"
    table.focus()
    table.move_cursor(row=table.get_row_index(check))
    await pilot.pause()
    return table


async def test_x_on_a_failed_check_fixes_it_and_the_check_reruns(tmp_path):
    root = _checkout(tmp_path, "duplicate_output_in_main_tf")
    app = _preflight(root, "config.duplicate-outputs")
    async with app.run_test(size=(160, 50)) as pilot:
        table = await _run_and_select(app, pilot, "config.duplicate-outputs")
        await pilot.press("x")
        dialog = await _dialog(app, pilot)
        assert '-output "cluster_endpoint" {' in _text(dialog, "#fix-plan")
        await pilot.press("y")
        assert await _wait_for(pilot, lambda: dialog.state == "done", rounds=500)
        assert "fixed and verified: config.duplicate-outputs passes" in _text(dialog, "#fix-status")
        await pilot.press("escape")
        await settle(app, pilot)
        assert table.results["config.duplicate-outputs"].status.value == "pass"  # re-run after the fix


async def test_a_fix_that_does_not_verify_is_shown_undone_with_why(tmp_path, monkeypatch):
    fake_pip_compile(tmp_path, monkeypatch, "incomplete")
    root = _checkout(tmp_path, "flask_225_werkzeug_301_in_and_lock")
    before = snapshot(root)
    app = _preflight(root, "config.flask-werkzeug")
    async with app.run_test(size=(160, 50)) as pilot:
        await _run_and_select(app, pilot, "config.flask-werkzeug")
        await pilot.press("x")
        dialog = await _dialog(app, pilot)
        assert "[command] re-lock petstore-app/requirements.lock" in _text(dialog, "#fix-plan")
        await pilot.press("y")
        assert await _wait_for(pilot, lambda: dialog.state == "done", rounds=500)
        status = _text(dialog, "#fix-status")
        assert "rolled-back: not fixed: config.flask-werkzeug still fail after the change" in status
        assert "pins Flask 2.2.5 but not jinja2" in status and "the change was undone" in status
    assert snapshot(root) == before
