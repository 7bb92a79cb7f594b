"""The sandbox's app containers as live sources: their logs as pod logs, the engine's events as Kubernetes events.

Followers (the troubleshooting panel) yield lines until a stop event is set; snapshots
(`diagnose --live --sandbox`) feed the engine what is there now. Lines are what podman
printed: a log line behind the `[pod/<pod>/<container>] ` prefix `kubectl logs --prefix`
uses (the engine's grouping knows it), an event in podman's own text. Every call goes
through the engine adapter (bounded, stoppable).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from python_on_whales.utils import run, stream_stdout_and_stderr

from petstore_tui.services import cri_log, kube_play
from petstore_tui.services.docker import Engine
from petstore_tui.services.engine_call import EngineCallError
from petstore_tui.services.sandbox_engine import LABEL, sandbox_id

FOLLOW_TIMEOUT = 6 * 3600.0  # one follow call; a follower opens the next one itself
SNAPSHOT_TIMEOUT = 60.0
TAIL_LINES = 200  # history shown when a follow starts
SNAPSHOT_TAIL = 2000  # recent lines read by diagnose --live
RESCAN_SECONDS = 2.0  # new and restarted containers are picked up this fast
APP_SOURCE, EVENTS_SOURCE = "app", "k8s-events"


def resource(row: dict) -> str:
    return f"pod/{row['pod']}/{row['container']}" if row.get("pod") else f"container/{row['name']}"


# ------------------------------------------------------------------ snapshots
@dataclass
class Snapshot:
    sources: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def scan(engine: Engine, feed, *, tail: int = SNAPSHOT_TAIL) -> Snapshot:
    """Feed recent logs of this sandbox's containers (every run of a restarting one: podman
    keeps them in one log) and their engine events. `feed(line, source, resource)`."""
    report = Snapshot()
    try:
        rows = kube_play.ours(engine)
    except EngineCallError as exc:
        report.errors.append(f"containers: {exc}")
        return report
    earliest = None
    for row in rows:
        where = resource(row)
        try:
            lines = kube_play.recent_lines(engine, row["name"], tail, timeout=SNAPSHOT_TIMEOUT)
        except EngineCallError as exc:
            report.errors.append(f"logs:{where}: {exc}")
            continue
        for line in lines:
            feed(line, APP_SOURCE, where)
        report.sources.append(f"logs:{where}")
        started = row.get("started") or 0.0
        earliest = started if earliest is None else min(earliest, started)
    if rows:
        since = datetime.fromtimestamp((earliest or 0) - 600 if earliest else 0, tz=UTC)
        try:
            for line in event_lines(engine, since):
                feed(line, EVENTS_SOURCE, _event_resource(line, rows))
            report.sources.append(f"events:{engine.name}")
        except EngineCallError as exc:
            report.errors.append(f"events: {exc}")
    return report


def event_lines(engine: Engine, since: datetime) -> list[str]:
    """The engine's events about our containers since `since`, as it prints them."""
    argv = ("events", "--stream=false", "--since", since.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "--filter", f"label={LABEL}={sandbox_id()}")
    text = engine.call("events", lambda c: run(engine.raw(c, *argv)), timeout=SNAPSHOT_TIMEOUT)
    return [line for line in str(text or "").splitlines() if line.strip()]


def _event_resource(line: str, rows: list[dict]) -> str:
    for row in rows:
        if f"name={row['name']}," in line or f"name={row['name']})" in line:
            return resource(row)
    return ""


# ------------------------------------------------------------------ followers
def follow_logs(engine: Engine, stop: threading.Event, *, tail: int = TAIL_LINES) -> Iterator[str]:
    """Every app container of this sandbox, followed: new containers (a drill's re-play)
    and restarted ones are picked up within RESCAN_SECONDS. Blocking; for a thread."""
    lines: queue.Queue = queue.Queue(maxsize=10000)
    followed: dict[str, threading.Thread] = {}
    failing = False
    while not stop.is_set():
        try:
            rows = kube_play.ours(engine)
            failing = False
        except EngineCallError as exc:
            if not failing:
                yield f"petstore-tui: cannot list the sandbox's containers: {exc}"
            failing = True
            rows = []
        for row in rows:
            thread = followed.get(row["id"])
            if thread is None or not thread.is_alive():
                thread = threading.Thread(target=_follow_one, args=(engine, row, lines, stop, tail),
                                          daemon=True, name=f"follow-{row['name']}")
                followed[row["id"]] = thread
                thread.start()
        for _ in range(int(RESCAN_SECONDS / 0.2)):
            if stop.is_set():
                break
            try:
                yield lines.get(timeout=0.2)
                while True:
                    yield lines.get_nowait()
            except queue.Empty:
                continue


def _follow_one(engine: Engine, row: dict, lines: queue.Queue, stop: threading.Event, tail: int) -> None:
    """One container: follow its log file; without one, `logs -f`, which a restart ends:
    then wait for it to run again and follow the new run from its start."""
    prefix = f"[{resource(row)}] "
    try:  # by id, as listed: a pod played again reuses the name for a new container
        path = kube_play.log_file(engine, row["id"], strict=True)
    except EngineCallError:
        # gone, or no answer under load: the next rescan starts a follower again, rather
        # than settling for good on `podman logs`, whose stderr lines glue to the next
        # (docs/knowledge/podman-sandbox.md)
        return
    if path is not None:  # one file across restarts: nothing to re-attach
        for text in cri_log.follow(path, stop, count=tail):
            _put(lines, prefix + text, stop)
        return
    since = None
    while not stop.is_set():
        def produce(client, since=since):
            return client.container.logs(row["id"], follow=True, stream=True, since=since,
                                         tail=tail if since is None else None)
        try:
            for text in engine.caller.stream("logs", produce, timeout=FOLLOW_TIMEOUT, stop=stop):
                _put(lines, prefix + text, stop)
        except EngineCallError as exc:
            if "no such container" in str(exc).lower() or "no container with" in str(exc).lower():
                return  # removed: the rescan follows its successor
            _put(lines, f"{prefix}petstore-tui: log stream ended: {exc}", stop)
            return
        since = _wait_running(engine, row["id"], stop)
        if since is None:
            return


def _wait_running(engine: Engine, name: str, stop: threading.Event) -> datetime | None:
    """When the container runs again, the time its new run started; None once it is gone."""
    while not stop.is_set():
        try:
            state = engine.call("inspect", lambda c: c.container.inspect(name).state)
        except EngineCallError:
            return None  # gone
        if state.status == "running" and state.started_at is not None:
            return state.started_at
        stop.wait(1.0 if state.status in ("exited", "stopped") else 0.3)
    return None


def _put(lines: queue.Queue, text: str, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            lines.put(text, timeout=0.2)
            return
        except queue.Full:
            continue


def follow_events(engine: Engine, stop: threading.Event) -> Iterator[str]:
    """The engine's events about this sandbox's containers (create, start, died, restart,
    oom, health_status...), as podman prints them. Blocking; for a thread."""
    argv = ("events", "--filter", f"label={LABEL}={sandbox_id()}")
    while not stop.is_set():
        try:
            yield from engine.caller.stream(
                "events", lambda c: stream_stdout_and_stderr(engine.raw(c, *argv)),
                timeout=FOLLOW_TIMEOUT, stop=stop)
        except EngineCallError as exc:
            yield f"petstore-tui: engine events ended: {exc}"
            stop.wait(5.0)
