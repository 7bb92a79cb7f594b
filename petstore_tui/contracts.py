"""What the screens and the services agree on, without Textual: the shapes the screens
show (CheckInfo, LogSource), what the app is given to do its I/O through (AppServices),
and the Protocols of the runner, the engine and the drills behind it. The CLI builds the
real ones (petstore_tui/commands/tui.py), the tests fakes (tests/tui/fakes.py)."""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from petstore_core.record import Default, Record
from petstore_core.settings import Target

if TYPE_CHECKING:  # start-up: only annotations here; the first screen needs no dataclass of checks.model
    from checks.model import CheckResult, Finding


class Runner(Protocol):
    """A deploy or destroy runbook as the deploy and cleanup screens drive it
    (petstore_tui/runbook/runner.py). `skip(step)` is optional: a runner without it
    cannot skip."""

    steps: Sequence[Any]  # each with .id and .title

    def run(self, from_step: str | None = None, only: str | None = None) -> AsyncIterator[Any]: ...

    def stop(self) -> None: ...


class Engine(Protocol):
    """The diagnostics engine as the troubleshooting panel feeds it (checks/engine/core.py)."""

    def feed(self, line: str | bytes, source: str = ..., resource: str = "",
             simulated: bool = False) -> list[Finding]: ...

    def feed_lines(self, lines: list, source: str = ..., resource: str = "",
                   simulated: bool = False) -> list[Finding]: ...

    def flush(self, source: str | None = None, resource: str | None = None) -> list[Finding]: ...

    def findings(self, include_acknowledged: bool = True) -> list[Finding]: ...

    def acknowledge(self, failure_id: str, resource: str | None, on: bool = True) -> list[Finding]: ...


class Drill(Protocol):
    """A drill as the panel offers it (petstore_tui/drills/base.py)."""

    id: str
    title: str
    description: str

    def run_plant(self) -> Any: ...  # a DrillOutcome

    def undo(self) -> Any: ...


class CheckInfo(NamedTuple):
    """What the preflight screen shows before a check has run."""

    id: str
    group: str
    title: str


class LogSource(Record):
    """A stream of lines the troubleshooting panel can follow. A Record, not a dataclass:
    building a dataclass costs the TUI's first frame about 0.5 ms (petstore_core/record.py).

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


def _no_drills() -> list[Drill]:
    return []


class AppServices(Record):
    """Everything the app does I/O through (a Record, as LogSource). The CLI builds the real ones
    (petstore_tui.commands.tui.build_services); tests pass fakes.

    Blocking callables run in thread workers; async iterators run on their own event loop
    in a thread worker, so a check or step that blocks never freezes the screen.
    """

    target: Target
    preflight_checks: Callable[[], list[CheckInfo]]
    run_preflight: Callable[[list[str] | None], AsyncIterator[CheckResult]]
    # kind "deploy" | "destroy", confirm callback -> object with .steps, .run(...), .stop()
    make_runner: Callable[[str, Callable[[Any], Awaitable[Any]]], Runner] | None = None
    # kind -> [(step id, title)], instant (no step module imported): the runbook screens draw
    # their list from it while make_runner, seconds on a loaded machine, builds the runner
    runbook_outline: Callable[[str], list[tuple[str, str]]] | None = None
    make_engine: Callable[[], Engine] | None = None
    # "ready" | "cold" | "compiling" (checks/engine/warm.py), and the compile paid ahead:
    # the app runs them at launch when given (petstore_tui/catalog_preparation.py)
    catalog_state: Callable[[], str] | None = None
    warm_catalog: Callable[[], Any] | None = None
    log_sources: Callable[[], list[LogSource]] = _no_sources
    file_source: Callable[[Path], LogSource] | None = None
    run_probes: Callable[[], list[Finding]] = _no_probes
    ensure_sandbox: Callable[[], str] | None = None  # blocking; returns a one-line state
    drills: Callable[[], list[Drill]] = _no_drills
    # blocking: the sandbox's app under podman (petstore_tui/stand_in_commands.py StandIn),
    # None when it does not run there; a fix's kubectl commands are fitted to it
    stand_in: Callable[[], Any] | None = None
    clock: Callable[[], float] = time.time
    unavailable: dict[str, str] = Default(dict)  # service -> why not here
    report_dir: Path | None = None
