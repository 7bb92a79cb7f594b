"""The Textual app: four screens (preflight, deploy, troubleshoot, cleanup) over injected services."""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from checks.model import CheckResult, Finding
from petstore_core.redact import redact
from petstore_core.settings import Target

SCREENS_ORDER = ("preflight", "deploy", "troubleshoot", "cleanup")


class CheckInfo(NamedTuple):
    """What the preflight screen shows before a check has run."""

    id: str
    group: str
    title: str


@dataclass
class LogSource:
    """A stream of lines the troubleshooting panel can follow.

    `follow(stop)` is blocking and runs in a thread worker: it yields lines (str or bytes)
    until the stream ends or `stop` is set, checking `stop` between lines.
    """

    id: str
    title: str
    kind: str  # a checks.model.Source value: "app", "alb-controller", "k8s-events", ...
    follow: Callable[[threading.Event], Iterator[str | bytes]]
    resource: str = ""
    enabled: bool = True
    unavailable: str = ""  # why it cannot be followed here, shown instead of lines


def _no_sources() -> list[LogSource]:
    return []


def _no_probes() -> list[Finding]:
    return []


def _no_drills() -> list[Any]:
    return []


@dataclass
class AppServices:
    """Everything the app does I/O through. The CLI builds the real ones
    (petstore_tui.commands.tui.build_services); tests pass fakes.

    Blocking callables run in thread workers; async iterators run on their own event loop
    in a thread worker, so a check or step that blocks never freezes the screen.
    """

    target: Target
    preflight_checks: Callable[[], list[CheckInfo]]
    run_preflight: Callable[[list[str] | None], AsyncIterator[CheckResult]]
    # kind "deploy" | "destroy", confirm callback -> object with .steps, .run(...), .stop()
    make_runner: Callable[[str, Callable[[Any], Awaitable[Any]]], Any] | None = None
    make_engine: Callable[[], Any] | None = None
    log_sources: Callable[[], list[LogSource]] = _no_sources
    file_source: Callable[[Path], LogSource] | None = None
    run_probes: Callable[[], list[Finding]] = _no_probes
    ensure_sandbox: Callable[[], str] | None = None  # blocking; returns a one-line state
    drills: Callable[[], list[Any]] = _no_drills
    clock: Callable[[], float] = time.time
    unavailable: dict[str, str] = field(default_factory=dict)  # service -> why not here
    report_dir: Path | None = None


class SandboxStateChanged(Message):
    """The sandbox worker started the emulator, or failed to."""

    def __init__(self, state: str, ok: bool) -> None:
        super().__init__()
        self.state = state
        self.ok = ok


class PetstoreApp(App[int]):
    """Deploy and diagnose the Pet Store: keyboard-first, every slow thing in a worker."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "petstore-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("1", "show('preflight')", "Preflight", show=True),
        Binding("2", "show('deploy')", "Deploy", show=True),
        Binding("3", "show('troubleshoot')", "Troubleshoot", show=True),
        Binding("4", "show('cleanup')", "Cleanup", show=True),
        Binding("ctrl+t", "toggle_theme", "Light/dark", show=False),
        Binding("q", "quit", "Quit", show=True),
    ]

    def __init__(self, services: AppServices, *, initial: str = "preflight",
                 autostart: bool = True) -> None:
        super().__init__()
        self.services = services
        self.target = services.target
        self.initial = initial if initial in SCREENS_ORDER else "preflight"
        self.autostart = autostart  # tests switch automatic runs off to drive them by hand
        self.sandbox_state = "starting" if services.target.sandbox and services.ensure_sandbox else ""
        self.sandbox_ready = not (services.target.sandbox and services.ensure_sandbox)
        self._modes.update({name: self._screen_factory(name) for name in SCREENS_ORDER})
        self.theme = "textual-dark"
        # Runbook output lines for the troubleshooting panel's "runbook" source; bounded,
        # and a full queue drops lines rather than stall the runner's worker.
        self.runbook_queue: queue.Queue[str] = queue.Queue(maxsize=50_000)

    def runbook_tap(self, step: str, lines: list[str]) -> None:
        """Called from the deploy worker thread with each batch of step output."""
        for line in lines:
            try:
                self.runbook_queue.put_nowait(f"[{step}] {line}")
            except queue.Full:
                return

    def _screen_factory(self, name: str) -> Callable[[], Screen]:
        def build() -> Screen:
            if name == "preflight":
                from petstore_tui.screens.preflight import PreflightScreen

                return PreflightScreen()
            if name == "deploy":
                from petstore_tui.screens.deploy import DeployScreen

                return DeployScreen()
            if name == "troubleshoot":
                from petstore_tui.screens.troubleshoot import TroubleshootScreen

                return TroubleshootScreen()
            from petstore_tui.screens.cleanup import CleanupScreen

            return CleanupScreen()

        return build

    def on_mount(self) -> None:
        self.switch_mode(self.initial)
        if not self.sandbox_ready:
            self.call_after_refresh(self.start_sandbox)  # the first frame before any work

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
        for stack in self._screen_stacks.values():
            for screen in stack:
                for header in screen.query("TargetHeader"):
                    header.sandbox_state = message.state  # type: ignore[attr-defined]
                handler = getattr(screen, "sandbox_ready", None)
                if handler:
                    handler()

    def action_show(self, name: str) -> None:
        if name in SCREENS_ORDER:
            self.switch_mode(name)

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

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


def drain_async(make_iter: Callable[[], AsyncIterator[Any]], on_item: Callable[[Any], None],
                cancelled: Callable[[], bool], *, on_loop: Callable[[Any], None] | None = None) -> None:
    """Run an async iterator to its end on a private event loop, in the calling (worker)
    thread, handing each item to `on_item` (which posts a message). Checks for cancellation
    between items; a check or step that blocks its loop blocks only this thread."""
    import asyncio

    async def consume() -> None:
        if on_loop:
            on_loop(asyncio.get_running_loop())
        iterator = make_iter()
        try:
            async for item in iterator:
                if cancelled():
                    break
                on_item(item)
        finally:
            closer = getattr(iterator, "aclose", None)
            if closer:
                try:
                    await closer()
                except Exception:  # closing a broken generator must not hide the real error
                    pass

    asyncio.run(consume())


class Batcher:
    """Collects lines (and changed findings) from any thread and hands them over in one
    batch per interval, from its own thread worker: the UI gets ~20 messages a second
    however fast the sources write, and a quiet source's last lines still arrive."""

    def __init__(self, deliver: Callable[[dict[str, list[str]], dict, int], None],
                 interval: float = 0.05, keep: int = 5_000) -> None:
        self.deliver = deliver  # (lines by key, findings by key, lines dropped) -> posts
        self.interval = interval
        self.keep = keep  # lines per key kept per batch: more could not be seen anyway
        self._lock = threading.Lock()
        self._lines: dict[str, list[str]] = {}
        self._found: dict = {}
        self._dropped = 0

    def add(self, key: str, line: str) -> None:
        with self._lock:
            bucket = self._lines.setdefault(key, [])
            bucket.append(line)
            if len(bucket) > 2 * self.keep:
                excess = len(bucket) - self.keep
                del bucket[:excess]
                self._dropped += excess

    def add_many(self, key: str, lines: list[str]) -> None:
        for line in lines:
            self.add(key, line)

    def add_findings(self, findings: Iterable[Any]) -> None:
        with self._lock:
            for finding in findings:
                self._found[finding.key] = finding

    def flush(self) -> None:
        with self._lock:
            lines, self._lines = self._lines, {}
            found, self._found = self._found, {}
            dropped, self._dropped = self._dropped, 0
        if lines or found:
            self.deliver(lines, found, dropped)

    def pump(self, cancelled: Callable[[], bool], on_tick: Callable[[], None] | None = None) -> None:
        """The worker body: flush every interval until cancelled, then once more."""
        while not cancelled():
            time.sleep(self.interval)
            if on_tick is not None:
                on_tick()
            self.flush()
        self.flush()
