"""Snapshot tests of each screen, over the fakes, with a frozen clock and no toasts."""

from __future__ import annotations

from petstore_tui.app import PetstoreApp
from petstore_tui.screens.dialogs import ConfirmDialog
from tests.tui import fakes
from tests.tui.conftest import settle
from tests.tui.test_troubleshoot import APP_LINES

SIZE = (120, 34)


class QuietApp(PetstoreApp):
    """Toasts time out on the wall clock: a snapshot must not depend on when it is taken."""

    def notify(self, *args, **kwargs) -> None:
        return None


async def _wait(pilot, predicate, rounds: int = 150) -> None:
    for _ in range(rounds):
        if predicate():
            return
        await pilot.pause(0.02)


def test_preflight_screen(snap_compare):
    """The preflight screen after every check finished, grouped, with the failed subnet
    check selected and its fix shown; stand-in: fake_preflight."""
    app = QuietApp(fakes.services())

    async def run_before(pilot):
        await settle(app, pilot)
        table = app.screen.query_one("CheckTable")
        table.focus()
        table.move_cursor(row=table.get_row_index("config-subnet-tags"))
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_deploy_screen_after_sandbox_run(snap_compare):
    """The deploy screen after a sandbox run: steps done, the image build skipped, the apply
    step's output and full progress bar; stand-in: FakeRunner, frozen clock."""
    app = QuietApp(fakes.services(), initial="deploy")

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("r")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await settle(app, pilot)
        steps = app.screen.query_one("StepList")
        steps.move_cursor(row=steps.get_row_index("terraform-apply"))
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_deploy_confirmation_dialog(snap_compare):
    """The confirmation dialog before Terraform apply, Cancel focused; stand-in: FakeRunner."""
    app = QuietApp(fakes.services(), initial="deploy")

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("r")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_troubleshoot_screen_with_finding(snap_compare):
    """The troubleshooting panel with the app's lines streamed (password masked) and the
    read-only database finding selected with its fix; stand-ins: lines_source, FakeEngine."""
    app = QuietApp(fakes.services(sources=[fakes.lines_source(APP_LINES)]), initial="troubleshoot")

    async def run_before(pilot):
        table = app.screen.query_one("FindingsTable")
        log = app.screen.query_one("LogView")
        detail = app.screen.query_one("FindingDetail")
        status = app.screen.query_one("#log-status")
        # the detail and status lines are drawn by a 4 Hz timer: wait for what it draws
        await _wait(pilot, lambda: table.row_count == 1 and len(log.lines) == 5
                    and "SQLite" in detail.plain and "5 lines" in str(status.render()))
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(140, 34), run_before=run_before)


def test_cleanup_typed_confirmation_refusing(snap_compare):
    """The cleanup's typed confirmation after a wrong name: refused, nothing deleted;
    stand-in: FakeRunner (destroy)."""
    app = QuietApp(fakes.services(), initial="cleanup")

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"prod", "enter")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_preflight_screen_light_theme(snap_compare):
    """The preflight screen in the light theme (ctrl+t); stand-in: fake_preflight."""
    app = QuietApp(fakes.services())

    async def run_before(pilot):
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
