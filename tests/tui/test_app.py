"""The app shell: the CLI routes, the command palette lists every action, themes switch."""

from __future__ import annotations

import pytest

from petstore_tui import cli
from petstore_tui.app import PetstoreApp
from petstore_tui.screens.cleanup import CleanupScreen
from petstore_tui.screens.deploy import DeployScreen
from petstore_tui.screens.preflight import PreflightScreen
from petstore_tui.screens.troubleshoot import TroubleshootScreen
from tests.tui import fakes
from tests.tui.conftest import settle


@pytest.mark.parametrize("argv, initial, file_count", [
    ([], "preflight", 0),
    (["troubleshoot", "--file", "{tmp}/a.log"], "troubleshoot", 1),
    (["--sandbox"], "preflight", 0),
])
def test_cli_opens_the_right_screen(monkeypatch, tmp_path, argv, initial, file_count):
    """`petstore-tui` opens on preflight and `petstore-tui troubleshoot` on the panel, with
    the real services built; stand-in: App.run replaced by a recorder (no terminal)."""
    seen = {}
    (tmp_path / "a.log").write_text("")  # --file must exist (tests/tui/test_troubleshoot_args.py)
    argv = [arg.format(tmp=tmp_path) for arg in argv]

    def fake_run(self, *args, **kwargs):
        seen["initial"] = self.initial
        seen["sandbox"] = self.target.sandbox
        seen["files"] = list(self.services.extra_files)
        return None

    monkeypatch.setattr(PetstoreApp, "run", fake_run)
    assert cli.main(argv) == 0
    assert seen["initial"] == initial
    assert seen["sandbox"] == ("--sandbox" in argv)
    assert len(seen["files"]) == file_count


@pytest.mark.parametrize("screen_cls", [PreflightScreen, DeployScreen, TroubleshootScreen, CleanupScreen])
def test_every_binding_is_in_the_command_palette(screen_cls):
    """Every key a screen binds is also a command palette entry (so the operator can search
    for it); stand-in: none, the screen classes themselves."""
    palette_actions = {action for action, _title, _help in screen_cls.PALETTE}
    bound = {b.action for b in screen_cls.BINDINGS if not b.action.startswith("focus_log")}
    assert bound <= palette_actions


async def test_palette_commands_and_theme_toggle():
    """The palette offers the four screens, the theme switch and the current screen's
    actions; ctrl+t switches light and dark; stand-in: the fakes."""
    app = PetstoreApp(fakes.services())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for wanted in ("Go to Preflight checks", "Go to Deploy runbook", "Go to Troubleshooting panel",
                       "Go to Cleanup (destroy)", "Toggle light/dark",
                       "Preflight: re-run all checks", "Preflight: re-run selected check"):
            assert wanted in titles
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"


async def test_sandbox_start_failure_is_a_notification_not_a_crash():
    """When the emulator cannot start, the header says why and a notification appears, and
    the preflight still runs; stand-in: an ensure_sandbox that raises."""

    def broken():
        raise RuntimeError("the AWS emulator did not start within 30s")

    app = PetstoreApp(fakes.services(ensure_sandbox=broken))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        assert app.sandbox_state.startswith("not running: the AWS emulator did not start")
        assert any("Sandbox not running" in n.message for n in app._notifications)
        assert len(app.screen.query_one("CheckTable").results) == 4


async def test_a_handler_bug_ends_with_one_redacted_line(monkeypatch, capfd):
    """A bug in a message handler ends the app with one line (secrets masked), never a
    traceback; stand-in: a preflight screen whose detail pane raises."""
    from petstore_tui.screens.preflight import PreflightScreen

    monkeypatch.delenv("PETSTORE_TUI_DEBUG", raising=False)

    def broken(self):
        raise RuntimeError("boom password=hunter2")

    monkeypatch.setattr(PreflightScreen, "_show_selected", broken)
    app = PetstoreApp(fakes.services())
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(120, 36)) as pilot:
            await settle(app, pilot)
    assert app.return_code == 1
    err = capfd.readouterr().err
    assert "petstore-tui: internal error: RuntimeError: boom password=****" in err
    assert "Traceback" not in err and "hunter2" not in err


FIRST_SCREEN_ONLY = """
import asyncio, sys
from petstore_tui.app import PetstoreApp
from tests.tui import fakes

async def main():
    app = PetstoreApp(fakes.services(), autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        first = app.screen
        print(type(first).__name__, sorted(app._screen_stacks))
        print([m for m in ("petstore_tui.screens.troubleshoot", "petstore_tui.screens.runbook_screen")
               if m in sys.modules])
        await pilot.press("3")
        await pilot.pause()
        print(type(app.screen).__name__)
        await pilot.press("1")
        await pilot.pause()
        print(app.screen is first)

asyncio.run(main())
"""


def test_the_app_opens_straight_on_its_first_screen_and_loads_the_others_when_shown():
    """The first frame pays only for its own screen: no blank default screen switched away
    from, the panel's and the runbook's modules imported when first shown, and a screen
    shown again is the same one. Stand-in: the fakes, in a fresh interpreter (this one has
    imported every screen already)."""
    import subprocess
    import sys
    from pathlib import Path

    done = subprocess.run([sys.executable, "-c", FIRST_SCREEN_ONLY], capture_output=True, text=True,  # noqa: S603
                          timeout=120, cwd=Path(__file__).resolve().parents[2], check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines() == ["PreflightScreen ['preflight']", "[]", "TroubleshootScreen", "True"]


BARE_START = """
import argparse, re, sys
compiled, parsers = [], []
real_compile, real_init = re.compile, argparse.ArgumentParser.__init__
re.compile = lambda pattern, flags=0: compiled.append(pattern) or real_compile(pattern, flags)
def counted_init(self, *args, **kwargs):
    parsers.append(kwargs.get("prog"))
    real_init(self, *args, **kwargs)
argparse.ArgumentParser.__init__ = counted_init
from petstore_tui.app import PetstoreApp
from petstore_tui import cli
def opened(self, *args, **kwargs):
    print("opened", self.initial, len(parsers), "checks.catalog_loader" in sys.modules,
          sum("k8s-aws-v1" in str(pattern) for pattern in compiled))  # the token rules of redact
PetstoreApp.run = opened
sys.exit(cli.main(sys.argv[1:]))
"""


FIRST_SCREEN_MODULES = """
import sys
from petstore_tui import cli
from petstore_tui.app import PetstoreApp
def opened(self, *args, **kwargs):
    import petstore_tui.screens.preflight
    print("checks.model" in sys.modules, "glob" in sys.modules)
PetstoreApp.run = opened
sys.exit(cli.main([]))
"""


def test_the_first_screen_needs_no_type_of_checks_model_before_its_first_frame(tmp_path):
    """checks.model's dataclasses and enums (about 3 ms to build) load with the first check
    result, not before the preflight screen shows (bench/bench_tui.py, start-up); nor glob,
    which only the Terraform provider mirror's search uses (petstore_core/settings.py). Stand-in:
    App.run replaced by a recorder that imports the first screen, in a fresh interpreter."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, PETSTORE_TUI_HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("PETSTORE_TUI_CATALOG", None)
    done = subprocess.run([sys.executable, "-c", FIRST_SCREEN_MODULES], capture_output=True, text=True,  # noqa: S603
                          timeout=120, cwd=Path(__file__).resolve().parents[2], env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False"]


FRAME_RATE = """
import petstore_tui.app
from textual import constants, screen
print(constants.MAX_FPS, round(1 / screen.UPDATE_PERIOD))
"""


@pytest.mark.parametrize(("given", "expected"), [(None, "120"), ("30", "30")])
def test_the_app_draws_up_to_120_frames_a_second_unless_the_operator_sets_textual_fps(given, expected):
    """A key pressed just after a frame waits for the next one (docs/knowledge/log-display.md,
    "Frame pacing"): the app asks Textual for 120 a second before importing it, and an
    operator's TEXTUAL_FPS wins. In a fresh interpreter: this one imported Textual already."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {key: value for key, value in os.environ.items() if key != "TEXTUAL_FPS"}
    if given is not None:
        env["TEXTUAL_FPS"] = given
    done = subprocess.run([sys.executable, "-c", FRAME_RATE], capture_output=True, text=True,  # noqa: S603
                          timeout=120, cwd=Path(__file__).resolve().parents[2], env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [expected, expected]


@pytest.mark.parametrize("argv", [[], ["--sandbox"]])
def test_a_bare_start_leaves_what_its_first_screen_does_not_need(tmp_path, argv):
    """`petstore-tui` builds one argument parser (not one for each sub-command), does not
    import the catalog loader when the operator has no catalog, and compiles no redaction
    rule before the app runs (bench/bench_tui.py, start-up). Stand-in: App.run replaced by a
    recorder, in a fresh interpreter (this one has imported everything already)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = dict(os.environ, PETSTORE_TUI_HOME=str(tmp_path / "home"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("PETSTORE_TUI_CATALOG", None)
    done = subprocess.run([sys.executable, "-c", BARE_START, *argv], capture_output=True, text=True,  # noqa: S603
                          timeout=120, cwd=Path(__file__).resolve().parents[2], env=env, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["opened", "preflight", "1", "False", "0"]


async def test_the_first_screen_opens_without_refreshing_the_stylesheet(monkeypatch):
    """The first screen brings no stylesheet of its own, so it opens as Textual's default
    screen: opening it through MODES parsed the whole stylesheet twice more before the first
    frame (docs/knowledge/tui-start.md). `1` still finds that screen, as its mode."""
    from textual.css.stylesheet import Stylesheet

    reparses = []
    real_reparse = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: reparses.append(1) or real_reparse(self))
    app = PetstoreApp(fakes.services(), autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        first = app.screen
        assert isinstance(first, PreflightScreen) and app.current_mode == "preflight"
        assert reparses == []
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, DeployScreen)
        await pilot.press("1")
        await pilot.pause()
        assert app.screen is first and app.current_mode == "preflight"


async def test_a_first_screen_with_its_own_stylesheet_opens_with_it():
    """The panel brings troubleshoot.tcss: it opens through MODES, which loads it."""
    app = PetstoreApp(fakes.services(), initial="troubleshoot", autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TroubleshootScreen) and app.current_mode == "troubleshoot"
        assert any(str(path).endswith("troubleshoot.tcss") for path, _ in app.stylesheet.source)
