"""The Textual app: four screens (preflight, deploy, troubleshoot, cleanup) over injected services."""

from __future__ import annotations

import asyncio
import importlib
import os
import queue
from collections.abc import Callable, Iterable
from pathlib import Path

# Before Textual's first import, which reads it: 120 frames a second at most instead of
# 60, so a key pressed just after a frame is drawn on the next one sooner, whatever
# streams (docs/knowledge/log-display.md, "Frame pacing"). An operator's own value wins.
os.environ.setdefault("TEXTUAL_FPS", "120")

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import AwaitMount

from petstore_core.redact import redact
from petstore_tui.catalog_preparation import CatalogPreparation
from petstore_tui.contracts import AppServices
from petstore_tui.heap import resume_collection
from petstore_tui.workers import worker_pool

SCREENS_ORDER = ("preflight", "deploy", "troubleshoot", "cleanup")


def _lazy_screen(module: str, name: str) -> Callable[[], Screen]:
    """A mode's screen, its module imported when the mode first opens: the first frame
    pays only for its own screen (the panel's and the runbook's modules are the heaviest)."""

    def make() -> Screen:
        return _screen_class(module, name)()

    make.screen_class = lambda: _screen_class(module, name)  # type: ignore[attr-defined]
    return make


def _screen_class(module: str, name: str) -> type[Screen]:
    return getattr(importlib.import_module(f"petstore_tui.screens.{module}"), name)


def _brings_no_css(make: Callable[[], Screen]) -> bool:
    """The mode's screen has no stylesheet of its own (CSS or CSS_PATH): Textual loads one
    only for a screen opened through MODES or pushed."""
    screen_class = make.screen_class()  # type: ignore[attr-defined]
    return not screen_class.CSS and not screen_class.CSS_PATH


class SandboxStateChanged(Message):
    """The sandbox worker started the emulator, or failed to."""

    def __init__(self, state: str, ok: bool) -> None:
        super().__init__()
        self.state = state
        self.ok = ok


class PetstoreApp(CatalogPreparation, App[int]):
    """Deploy and diagnose the Pet Store: keyboard-first, every slow thing in a worker.

    The sandbox's state is a reactive the headers and the preflight screen watch."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "petstore-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("1", "show('preflight')", "Preflight", show=True),
        Binding("2", "show('deploy')", "Deploy", show=True),
        Binding("3", "show('troubleshoot')", "Troubleshoot", show=True),
        Binding("4", "show('cleanup')", "Cleanup", show=True),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
        Binding("question_mark", "toggle_keys", "Keys", show=False),
        # before the screen's own Escape (the panel's "back to the log"), and only while the
        # keys panel is open (check_action): otherwise Escape reaches the screen as before
        Binding("escape", "hide_keys", "Close keys", show=False, priority=True),
        Binding("q", "quit", "Quit", show=True),
    ]
    MODES = {"preflight": _lazy_screen("preflight", "PreflightScreen"),
             "deploy": _lazy_screen("deploy", "DeployScreen"),
             "troubleshoot": _lazy_screen("troubleshoot", "TroubleshootScreen"),
             "cleanup": _lazy_screen("cleanup", "CleanupScreen")}
    sandbox_state: reactive[str] = reactive("")  # one line shown in every header
    sandbox_ready: reactive[bool] = reactive(True)  # the sandbox worker is done (or not needed)
    catalog_note: reactive[str] = reactive("")  # while the catalog compiles at launch (catalog_preparation.py)

    def __init__(self, services: AppServices, *, initial: str = "preflight",
                 autostart: bool = True) -> None:
        self.initial = initial if initial in SCREENS_ORDER else "preflight"
        # The app opens in this mode rather than switching to it from Textual's blank
        # default screen on mount: that switch parsed the whole stylesheet twice more
        # before the first frame (App._init_mode and App.switch_mode each refresh the CSS).
        self.DEFAULT_MODE = self.initial  # read by App.__init__
        # A screen with no stylesheet of its own opens as Textual's default screen of that
        # mode, its mode added once it is up: opening a mode's first screen from MODES
        # refreshes the whole stylesheet (two more parses of it, about 8 ms of CPU) before
        # the first frame (docs/knowledge/tui-start.md).
        self._mode_added_on_mount: Callable[[], Screen] | None = None
        if _brings_no_css(self.MODES[self.initial]):
            self._mode_added_on_mount = self.MODES[self.initial]
            self.MODES = {name: make for name, make in self.MODES.items() if name != self.initial}
        super().__init__()
        self.services = services
        self.target = services.target
        self.autostart = autostart  # tests switch automatic runs off to drive them by hand
        starts = bool(services.target.sandbox and services.ensure_sandbox)
        self.set_reactive(PetstoreApp.sandbox_state, "starting" if starts else "")
        self.set_reactive(PetstoreApp.sandbox_ready, not starts)
        self.theme = "textual-dark"
        # Runbook output lines for the troubleshooting panel's "runbook" source; bounded,
        # and a full queue drops lines rather than stall the runner's worker.
        self.runbook_queue: queue.Queue[str] = queue.Queue(maxsize=50_000)
        # Runbook screens whose run is in progress, in any mode: quitting asks first while
        # one is (screens/quit_guard.py); once the operator says stop, the app quits when
        # the last of them has ended.
        self.active_runs: set[Screen] = set()
        self.quit_after_stop = False
        self.stop_now_asked = False  # a second quit during the stop's grace killed the tool
        self.exit_notes: list[str] = []  # printed as the TUI ends (commands/tui.py): they outlive the screen

    def runbook_tap(self, step: str, lines: list[str]) -> None:
        """Called from the deploy worker thread with each batch of step output."""
        for line in lines:
            try:
                self.runbook_queue.put_nowait(f"[{step}] {line}")
            except queue.Full:
                return

    def on_load(self) -> None:
        """Before any screen starts a worker: a pool that followed logs cannot fill (workers.py)."""
        asyncio.get_running_loop().set_default_executor(worker_pool())

    def get_default_screen(self) -> Screen:
        """The first screen, when it opens outside MODES (see __init__)."""
        assert self._mode_added_on_mount is not None
        return self._mode_added_on_mount()

    async def on_mount(self) -> None:
        if self._mode_added_on_mount is not None:
            self.add_mode(self.initial, self._mode_added_on_mount)  # `1`..`4` find it again
            # Textual waits for a screen opened from MODES before the app mounts: the app
            # is ready (and its own work starts) once its first screen is mounted, as then.
            # Here, after the app's own styles apply, which the screen's text inherits.
            await AwaitMount(self.screen, [self.screen])
        self.call_after_refresh(resume_collection)  # paused for the start (heap.py)
        if not self.sandbox_ready:
            self.call_after_refresh(self.start_sandbox)  # the first frame before any work
        if self.autostart:  # tests driving the app by hand start nothing on their own
            self.call_after_refresh(self.prepare_catalog)  # a fresh state folder's compile, ahead

    @work(thread=True, exclusive=True, group="sandbox", exit_on_error=False)
    def start_sandbox(self) -> None:
        """Start the emulator if it is not running: it may take seconds, so off the UI thread."""
        try:
            state = self.services.ensure_sandbox()  # type: ignore[misc]
            self.post_message(SandboxStateChanged(redact(str(state)), True))
        except Exception as exc:  # shown in the header and a notification, never a traceback
            self.post_message(SandboxStateChanged(redact(f"not running: {exc}"), False))

    def on_sandbox_state_changed(self, message: SandboxStateChanged) -> None:
        self.sandbox_state = message.state
        self.sandbox_ready = True
        if not message.ok:
            self.notify(f"Sandbox {message.state}", severity="error", timeout=8)

    def run_started(self, screen: Screen) -> None:
        self.active_runs.add(screen)

    def run_ended(self, screen: Screen) -> None:
        """A runbook screen's run ended (journalled): the quit the operator asked for goes on."""
        self.active_runs.discard(screen)
        if self.quit_after_stop and not self.active_runs:
            self.exit()

    async def action_quit(self) -> None:
        """`q` and Ctrl+Q: at once, unless a deploy or cleanup step runs; then ask first, and
        on yes stop it cleanly and quit once the runner has journalled it."""
        if not self.active_runs:
            self.exit()
            return
        # start-up: the question's modules load only when a quit meets a running step
        from petstore_tui.screens.quit_guard import ask_before_quitting

        ask_before_quitting(self, sorted(self.active_runs, key=lambda screen: screen.KIND))

    def action_help_quit(self) -> None:
        """Ctrl+C: Textual's "press q to quit" hint, but while a step runs an operator's
        reflex to stop it: the same question as `q`."""
        if self.active_runs:
            self.call_later(self.action_quit)
            return
        super().action_help_quit()

    def action_show(self, name: str) -> None:
        if name in SCREENS_ORDER:
            self.switch_mode(name)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    def action_toggle_keys(self) -> None:
        """Every key of the screen, in Textual's keys panel: the footer cuts them short
        below ~200 columns."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def action_hide_keys(self) -> None:
        self.action_hide_help_panel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "hide_keys":
            return bool(self.screen.query("HelpPanel"))
        return super().check_action(action, parameters)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action is in the palette: the screens, the theme, and the current screen's
        bindings (so a key the operator forgot is one search away)."""
        yield from super().get_system_commands(screen)
        titles = {"preflight": "Preflight checks", "deploy": "Deploy runbook",
                  "troubleshoot": "Troubleshooting panel", "cleanup": "Cleanup (destroy)"}
        for name in SCREENS_ORDER:
            yield SystemCommand(f"Go to {titles[name]}", f"Open the {name} screen",
                                lambda name=name: self.action_show(name))
        yield SystemCommand("Toggle light/dark", "Switch between the light and dark theme",
                            self.action_toggle_theme)
        for binding in getattr(screen, "PALETTE", ()):
            action, title, help_text = binding
            yield SystemCommand(title, help_text,
                                lambda action=action: self.call_later(screen.run_action, action))

    def _fatal_error(self) -> None:
        """A bug in a handler still ends the app (its state is unknown), but the operator
        reads one redacted line, not a traceback with local variables in it."""
        if os.environ.get("PETSTORE_TUI_DEBUG"):
            super()._fatal_error()
            return
        error = self._exception
        text = f"{type(error).__name__}: {error}" if error else "unknown error"
        self.bell()
        self._exit_renderables.append(
            f"petstore-tui: internal error: {redact(text)}\n"
            "set PETSTORE_TUI_DEBUG=1 to see the traceback")
        self._close_messages_no_wait()

    def fail(self, what: str, exc: BaseException | str) -> None:
        """Surface a failure to the operator: a notification, redacted, no traceback."""
        text = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
        self.notify(redact(f"{what}: {text}"), severity="error", timeout=10)
