"""`petstore-tui` with no command: build the real services and run the Textual app."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from checks.catalog_paths import user_catalog_dir
from petstore_core.paragraph import for_terminal, terminal_width
from petstore_core.redact import redact
from petstore_core.settings import Target, state_dir
from petstore_tui.commands.log_paths import log_file_problem, text_problem
from petstore_tui.contracts import AppServices, CheckInfo, LogSource
from petstore_tui.heap import pause_collection_for_start, resume_collection

TAIL_BYTES = 64 * 1024  # history shown when a file source opens
POLL = 0.2  # seconds between looks at a followed file that has nothing new


def _file_problem(path: str) -> str:
    if path == "-":  # the panel reads the operator's keys from the terminal, not a pipe
        return ("-: standard input cannot be followed by the panel: "
                "`petstore-tui diagnose -` reads it, or save it to a file and pass that")
    return log_file_problem(path)


def add_arguments(parser: argparse.ArgumentParser) -> None:  # pragma: no cover - no options
    """The TUI takes only the target options the top-level parser already has."""


def run(args: argparse.Namespace, target: Target, *, initial: str = "preflight") -> int:
    catalog_dirs = tuple(getattr(args, "catalog", None) or ())
    problem = catalog_problem(catalog_dirs)
    if problem:  # before the screen opens: a bad user entry is a usage error, not a panel note
        print(f"petstore-tui: {problem}", file=sys.stderr)
        return 2
    problems = [p for p in map(_file_problem, getattr(args, "file", None) or ()) if p]
    if problems:  # the same: a typo would open a panel that follows nothing, silently
        for problem in problems:
            print(f"petstore-tui troubleshoot: {redact(problem)}", file=sys.stderr)
        return 2

    services = build_services(target, catalog_dirs)
    pause_collection_for_start()  # the app resumes it after its first frame (heap.py)
    app = None
    try:
        # start-up: Textual (~400 modules) loads only once the arguments passed their checks
        from petstore_tui.app import PetstoreApp

        app = PetstoreApp(services, initial=initial)
        for path in getattr(args, "file", None) or ():
            services.extra_files.append(Path(path))  # type: ignore[attr-defined]
        app.run()
    finally:
        resume_collection()  # an app that ended before its first frame
        for note in getattr(app, "exit_notes", ()):
            # what a tool killed during its clean stop may leave: wrapped, its commands whole
            print(for_terminal(redact(note), stream=sys.stderr), file=sys.stderr)
        say_sandbox_still_running()
    return int(app.return_code or 0)


def say_sandbox_still_running() -> None:
    """On the way out (q, Ctrl+C, a crash): the emulator outlives the TUI, listening until
    `sandbox stop`; one line says so rather than leaving it running unseen."""
    # start-up: read once, as the TUI ends
    from petstore_tui.services.sandbox_notice import still_running

    try:
        line = still_running()
    except Exception:  # a state file half-written by a parallel `sandbox stop`: say nothing
        line = None
    if line:
        print(fitted(line, terminal_width(sys.stderr)), file=sys.stderr)


def fitted(line: str, width: int) -> str:
    """`line` as it is when it fits in `width`; else wrapped between words (an address is
    never cut: the terminal's own wrap split it mid-URL at 120 columns) with its command
    on a line of its own, to copy."""
    return line if len(line) <= width else for_terminal(line, width)


def catalog_problem(catalog_dirs: tuple[str, ...]) -> str:
    """Why the catalog (built in, the operator's folder, `--catalog DIR`s) cannot load, or "".
    With nothing of the operator's (no `--catalog`, no config folder, no
    PETSTORE_TUI_CATALOG) there is nothing to refuse: the built-in catalog is checked by
    its own tests and loads with the engine, after the first frame."""
    if not catalog_dirs and not os.environ.get("PETSTORE_TUI_CATALOG") and not user_catalog_dir().is_dir():
        return ""  # the usual start: learning it must not import the loader (about 5 ms)
    # start-up: only when the operator brought a catalog
    from checks.catalog_entry import CatalogError
    from checks.catalog_loader import load_catalog, user_catalog_dirs

    try:
        user_dirs = user_catalog_dirs(catalog_dirs)
        if user_dirs or os.environ.get("PETSTORE_TUI_CATALOG"):
            load_catalog(cache_dir=state_dir() / "cache", user_dirs=user_dirs)
    except CatalogError as exc:
        return redact(str(exc))
    return ""


# -- file following (no Textual: used from the app's thread workers) ------------------------


def follow_file(path: Path, stop: threading.Event, *, from_end: bool = False,
                start: int | None = None) -> Iterator[bytes]:
    """Yield lines of `path` as it grows (like `tail -F`): the last TAIL_BYTES first (or
    from offset `start`, where a whole-file scan ended), then new lines; survives the file
    being truncated or replaced (log rotation, app restart)."""
    handle = None
    inode = None
    pending = b""
    while not stop.is_set():
        if handle is None:
            try:
                # O_NONBLOCK: a FIFO (`--file <(kubectl logs -f ...)`) opens at once even with
                # no writer yet, so this loop keeps seeing `stop`; a blocking open() waited
                # for a writer for ever and kept the process alive after the app quit
                handle = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")  # noqa: SIM115
            except OSError:
                stop.wait(POLL * 5)
                continue
            stat = os.fstat(handle.fileno())
            inode = stat.st_ino
            if start is not None and start <= stat.st_size:
                handle.seek(start)
            elif from_end:
                handle.seek(0, os.SEEK_END)
            elif stat.st_size > TAIL_BYTES:
                handle.seek(stat.st_size - TAIL_BYTES)
                handle.readline()  # drop the partial first line
        try:
            chunk = handle.read(256 * 1024)  # None or BlockingIOError: a FIFO with nothing yet
        except BlockingIOError:
            chunk = None
        if chunk:
            pending += chunk
            *lines, pending = pending.split(b"\n")
            yield from lines
            continue
        try:
            stat = os.stat(path)
            replaced = stat.st_ino != inode or stat.st_size < handle.tell()
        except OSError:
            replaced = False
        if replaced:
            handle.close()
            handle, from_end, start = None, False, None
            continue
        stop.wait(POLL)
    if handle is not None:
        handle.close()


def file_source(path: Path, kind: str = "any", title: str | None = None, source_id: str | None = None):
    # start-up: a file source opens after the first frame
    from petstore_tui.services.log_file import WholeFile

    path = Path(path)
    if path.is_dir():  # open() fails for ever, the follower retrying in silence
        unavailable = log_file_problem(str(path))
    else:  # compressed, UTF-16 or binary: garbage lines
        unavailable = text_problem(str(path)) or ("" if path.exists() or kind == "app" else f"{path} does not exist")
    return LogSource(source_id or f"file:{path}", title or f"File {path.name}", kind,
                     WholeFile(path, follow_file), resource=os.path.abspath(path), unavailable=unavailable)


# -- the real services ---------------------------------------------------------------------


def _not_available(exc: BaseException) -> str:
    return redact(f"{type(exc).__name__}: {exc}")


def build_services(target: Target, catalog_dirs: tuple[str, ...] = ()):
    """The app's services over the real modules. Each imports what it uses on first use, so
    the first screen shows before the checks, the runbooks, the engine and the kubernetes
    client load (start-up)."""
    def check_context():
        # start-up: on first use (see build_services)
        from checks.preflight.context import CheckContext

        factory = getattr(CheckContext, "for_target", None)
        return factory(target) if factory else CheckContext(target=target)

    def preflight_checks() -> list[CheckInfo]:
        # start-up: on first use (see build_services)
        from checks.preflight.registry import ALL_CHECKS

        return [CheckInfo(c.id, c.group, c.title or c.id) for c in ALL_CHECKS]

    async def run_preflight(ids: list[str] | None) -> AsyncIterator[Any]:
        # start-up: on first use (see build_services)
        from checks.preflight.runner import run_preflight as run

        async for result in run(check_context(), only=ids):
            yield result

    def make_runner(kind: str, confirm):
        # start-up: on first use (see build_services)
        from petstore_tui.runbook.deploy import deploy_runbook
        from petstore_tui.runbook.destroy import destroy_runbook
        from petstore_tui.runbook.runner import Runner  # start-up

        steps = deploy_runbook(target) if kind == "deploy" else destroy_runbook(target)
        return Runner(target, steps=steps, confirm=confirm)

    def runbook_outline(kind: str) -> list[tuple[str, str]]:
        # start-up: on first use (see build_services); ids and titles only, no step module
        from petstore_tui.runbook.outline import outline

        return outline(kind, target.sandbox)

    def make_engine():
        # start-up: on first use (see build_services)
        from checks.engine import load_default_engine

        return load_default_engine(catalog_dirs=catalog_dirs)

    def catalog_state() -> str:
        # start-up: on first use (see build_services)
        from checks.engine.warm import catalog_state as state

        return state(catalog_dirs)

    def warm_catalog() -> Any:
        # start-up: on first use (see build_services)
        from checks.engine import load_default_engine
        from checks.engine.warm import warm

        return warm(lambda: load_default_engine(acks=False, catalog_dirs=catalog_dirs))

    def log_sources() -> list[Any]:
        sources: list[LogSource] = []
        if target.sandbox:
            sources.extend(_sandbox_sources())
        else:
            sources.extend(_kube_sources(target))
        for path in services.extra_files:  # type: ignore[attr-defined]
            sources.append(file_source(path))
        return sources

    def run_probes() -> list[Any]:
        # start-up: on first use (see build_services)
        from checks.probes import run_probes as probes

        result = probes(check_context())
        if asyncio.iscoroutine(result):
            result = asyncio.run(result)
        elif hasattr(result, "__aiter__"):
            result = asyncio.run(_collect(result))
        return _as_findings(list(result or ()))

    def ensure_sandbox() -> str:
        # start-up: on first use (see build_services)
        from petstore_tui.services import sandbox

        state, started = sandbox.start()
        return f"{'started' if started else 'running'} at {state.endpoint}"

    def drills() -> list[Any]:
        # start-up: on first use (see build_services)
        from petstore_tui.drills.registry import all_drills

        return all_drills(target)

    def stand_in() -> Any:
        # start-up: on first use (see build_services)
        from petstore_tui.services import docker, kube_play, sandbox_inventory
        from petstore_tui.stand_in_commands import StandIn

        if not sandbox_inventory.read().get("app"):
            return None
        rows = kube_play.ours(docker.find_engine(("podman",), sandbox=True))
        row = next((r for r in rows if r.get("pod")), None)
        return StandIn(row["pod"], row["name"]) if row else None

    services = AppServices(
        target=target,
        preflight_checks=preflight_checks,
        run_preflight=run_preflight,
        make_runner=make_runner,
        runbook_outline=runbook_outline,
        make_engine=make_engine,
        catalog_state=catalog_state,
        warm_catalog=warm_catalog,
        log_sources=log_sources,
        file_source=file_source,
        run_probes=run_probes,
        ensure_sandbox=ensure_sandbox if target.sandbox else None,
        drills=drills,
        stand_in=stand_in if target.sandbox else None,
    )
    services.extra_files = []  # type: ignore[attr-defined]
    return services


def _empty(_stop: threading.Event) -> Iterator[str]:
    return iter(())


async def _collect(iterator) -> list[Any]:
    return [item async for item in iterator]


def _sandbox_sources() -> list[Any]:
    """The sandbox has no Kubernetes API: its app containers stand in for the pods and the
    engine's events for Kubernetes events (services/container_follow.py); without them,
    the local app's log."""
    # start-up: on first use (see build_services)
    from petstore_tui.services import local_app, sandbox_inventory

    local = file_source(local_app.log_file(), "app", "Local app (gunicorn)", "app")
    if not sandbox_inventory.read().get("app"):
        return [local]
    # start-up: on first use (see build_services)
    from petstore_tui.services import container_follow, docker

    try:
        engine = docker.find_engine(("podman",), sandbox=True)
    except docker.EngineUnavailable as exc:
        reason = _not_available(exc)
        return [LogSource("pods", "App pods (podman)", "app", _empty, unavailable=reason, enabled=False), local]
    return [LogSource("pods", "App pods (podman)", "app",
                      lambda stop: container_follow.follow_logs(engine, stop)),
            LogSource("events", "Engine events (podman)", "k8s-events",
                      lambda stop: container_follow.follow_events(engine, stop)),
            local]


def _kube_sources(target: Target) -> list[Any]:
    """App pods, the controller and events, through the engine's Kubernetes sources when a
    cluster answers; otherwise listed as not available with the reason."""
    specs = [("pods", "App pods", "app"), ("controller", "LB controller", "alb-controller"),
             ("events", "Kubernetes events", "k8s-events")]
    try:
        # start-up: on first use (see build_services); kube brings yaml and the errors
        from petstore_core import kube
        from petstore_tui.services import kube_follow

        api = kube.api_client(target)
    except Exception as exc:  # no cluster (the sandbox has none), no kubeconfig, no module
        reason = _not_available(exc)
        return [LogSource(sid, title, kind, _empty, unavailable=reason, enabled=False)
                for sid, title, kind in specs]
    followers = {"pods": kube_follow.follow_pods, "controller": kube_follow.follow_controller,
                 "events": kube_follow.follow_events}
    return [LogSource(sid, title, kind, lambda stop, follow=followers[sid]: follow(api, target, stop))
            for sid, title, kind in specs]


def _as_findings(items: list[Any]) -> list[Any]:
    """Probes may answer Findings or CheckResults; the panel lists Findings, so a failed
    result becomes one, with the catalog's title, explanation and fix when it names one."""
    # start-up: probes answer after the first frame
    from checks.model import CheckResult, Finding, Fix, Severity, Status

    catalog: dict[str, Any] = {}
    try:
        # start-up: on first use (see build_services)
        from checks.catalog_loader import load_catalog

        catalog = {entry.id: entry for entry in load_catalog()}
    except Exception:  # no catalog: the result's own words still show
        pass
    now = time.time()
    findings = []
    for item in items:
        if isinstance(item, Finding):
            findings.append(item)
            continue
        # error and skip mean "could not tell": the probes say so, the findings list does not
        if not isinstance(item, CheckResult) or item.status not in (Status.FAIL, Status.WARN):
            continue
        entry = catalog.get(item.failure_id or "")
        severity = entry.severity if entry else (Severity.WARNING if item.status == Status.WARN else Severity.ERROR)
        fix = entry.fix if entry else (Fix(item.fix) if item.fix else None)
        findings.append(Finding(
            failure_id=item.failure_id or item.id, title=entry.title if entry else item.summary,
            severity=severity, resource=item.id, source=f"probe:{item.id}", first_seen=now,
            last_seen=now, evidence=[redact(item.summary), *redact(item.detail).splitlines()[:3]],
            fix=fix, explanation=entry.explanation if entry else item.detail))
    return findings
