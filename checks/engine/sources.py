"""Line sources for the engine: files, stdin, subprocesses, Kubernetes pod logs, events and
pod status. Kubernetes readers take an `ApiClient`; every call has a timeout."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from checks.engine.normalize import RAW_MAX_LINE
from checks.model import Finding, Source

REQUEST_TIMEOUT: tuple[float, float] = (5.0, 20.0)  # (connect, read) seconds
LOG_TAIL_LINES = 2000  # recent lines read of each container by --live
MAX_PODS = 25  # pods read per namespace by --live: a big namespace must not take minutes
CONTROLLER_SELECTOR = "app.kubernetes.io/name=aws-load-balancer-controller"
_CHUNK = 64 * 1024


@dataclass
class ScanReport:
    """What a live scan read and what went wrong (messages, never tracebacks)."""

    sources: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ files and stdin
def scan_paths(engine, paths: Sequence[str], source: str = Source.ANY.value) -> ScanReport:
    """Files (or `-` for stdin) through the engine's bulk path. Unreadable paths are
    reported in `errors`, the others are still scanned."""
    report = ScanReport()
    for path in paths:
        if path == "-":
            engine.scan_stream(sys.stdin.buffer, source, "stdin")
            report.sources.append("stdin")
            continue
        try:
            engine.scan_file(path, source)
        except IsADirectoryError:
            report.errors.append(f"{path}: is a directory (give log files, or - for stdin)")
            continue
        except FileNotFoundError:
            report.errors.append(f"{path}: no such file")
            continue
        except PermissionError:
            report.errors.append(f"{path}: permission denied")
            continue
        except OSError as exc:
            report.errors.append(f"{path}: cannot read: {exc.strerror or exc}")
            continue
        report.sources.append(f"file:{path}")
    return report


# ------------------------------------------------------------------ subprocesses
async def scan_process(engine, argv: Sequence[str], *, timeout: float, source: str = Source.ANY.value,
                       resource: str = "", **kwargs):
    """Run a tool through petstore_tui.services.process.stream and feed every line of its
    output (stdout and stderr) to the engine as it comes. Returns the Completed result."""
    from petstore_tui.services import process

    def on_line(line) -> None:
        engine.feed(line.text, source=source, resource=resource)

    result = await process.stream(argv, timeout=timeout, on_line=on_line, keep_lines=False, **kwargs)
    engine.flush(source, resource)
    return result


# ------------------------------------------------------------------ Kubernetes
def _core(api):
    from kubernetes import client

    return client.CoreV1Api(api)


def iter_stream_lines(chunks) -> Iterator[bytes]:
    """Split a byte-chunk iterator into lines; a line longer than RAW_MAX_LINE keeps its
    head only, so one endless line never holds more than that in memory."""
    pending = b""
    skipping = False
    for chunk in chunks:
        if not chunk:
            continue
        data = pending + chunk
        start = 0
        while True:
            nl = data.find(b"\n", start)
            if nl < 0:
                break
            if not skipping:
                yield data[start:nl]
            skipping = False
            start = nl + 1
        pending = data[start:]
        if len(pending) > RAW_MAX_LINE:
            if not skipping:
                yield pending[:RAW_MAX_LINE]
            skipping, pending = True, b""
    if pending and not skipping:
        yield pending


def pod_log_lines(api, namespace: str, pod: str, *, container: str | None = None,
                  previous: bool = False, follow: bool = False, tail_lines: int | None = None,
                  since_seconds: int | None = None,
                  request_timeout: float | tuple[float, float] | None = REQUEST_TIMEOUT) -> Iterator[bytes]:
    """A pod's log as raw lines (bytes), streamed: `_preload_content=False` and the HTTP
    response read in chunks (never kubernetes.aio Watch, which replays logs forever).
    With `follow`, pass a read timeout of your own (or None to wait for ever)."""
    kwargs: dict[str, Any] = {"_preload_content": False, "_request_timeout": request_timeout}
    if container:
        kwargs["container"] = container
    if previous:
        kwargs["previous"] = True
    if follow:
        kwargs["follow"] = True
    if tail_lines is not None:
        kwargs["tail_lines"] = tail_lines
    if since_seconds is not None:
        kwargs["since_seconds"] = since_seconds
    response = _core(api).read_namespaced_pod_log(name=pod, namespace=namespace, **kwargs)
    try:
        yield from iter_stream_lines(response.stream(_CHUNK, decode_content=True))
    finally:
        response.release_conn()


def pod_resource(pod: str, container: str | None = None) -> str:
    return f"pod/{pod}/{container}" if container else f"pod/{pod}"


def scan_pod_log(engine, api, namespace: str, pod: str, *, container: str | None = None,
                 previous: bool = False, follow: bool = False, source: str = Source.APP.value,
                 **kwargs) -> list[Finding]:
    """Feed one container's log to the engine line by line (live: findings appear as
    lines arrive). Returns the findings it changed."""
    resource = pod_resource(pod, container)
    changed: dict[tuple[str, str], Finding] = {}
    for line in pod_log_lines(api, namespace, pod, container=container, previous=previous,
                              follow=follow, **kwargs):
        for finding in engine.feed(line, source=source, resource=resource):
            changed[finding.key] = finding
    for finding in engine.flush(source, resource):
        changed[finding.key] = finding
    return list(changed.values())


def event_lines(api, namespace: str, request_timeout=REQUEST_TIMEOUT) -> list[tuple[str, str]]:
    """Events of a namespace as (resource, line): `Warning FailedScheduling pod/x: message`,
    oldest first; repeated events say how often (`(x12)`)."""
    items = _core(api).list_namespaced_event(namespace, _request_timeout=request_timeout).items
    lines: list[tuple[float, str, str]] = []
    for event in items:
        obj = event.involved_object
        kind = (getattr(obj, "kind", None) or "object").lower()
        resource = f"{kind}/{getattr(obj, 'name', '') or '?'}"
        message = " ".join((event.message or "").split())
        count = f" (x{event.count})" if (event.count or 0) > 1 else ""
        when = event.last_timestamp or event.event_time or event.first_timestamp
        stamp = when.timestamp() if when is not None and hasattr(when, "timestamp") else 0.0
        prefix = when.strftime("%Y-%m-%dT%H:%M:%SZ ") if stamp else ""
        lines.append((stamp, resource,
                      f"{prefix}{event.type or 'Normal'} {event.reason or ''} {resource}: {message}{count}"))
    lines.sort(key=lambda item: item[0])
    return [(resource, line) for _stamp, resource, line in lines]


def pod_status_lines(pod) -> list[tuple[str, str]]:
    """A pod's waiting and terminated reasons as (resource, line), e.g.
    `pod/x container app waiting: CrashLoopBackOff back-off 5m0s restarting failed container`
    and `pod/x container app last terminated: OOMKilled exit 137`."""
    name = pod.metadata.name
    resource = f"pod/{name}"
    lines: list[tuple[str, str]] = []
    status = pod.status
    if status is None:
        return lines
    if status.reason:  # Evicted, NodeLost...
        lines.append((resource, f"{resource} {status.phase or ''}: {status.reason} {status.message or ''}".strip()))
    for condition in status.conditions or []:
        if condition.status == "False" and condition.reason == "Unschedulable":
            lines.append((resource, f"{resource} unschedulable: {condition.message or ''}".strip()))
    statuses = list(status.init_container_statuses or []) + list(status.container_statuses or [])
    for cs in statuses:
        head = f"{resource} container {cs.name}"
        state, last = cs.state, cs.last_state
        if state is not None and state.waiting is not None and state.waiting.reason:
            lines.append((resource, " ".join(
                f"{head} waiting: {state.waiting.reason} {state.waiting.message or ''}".split())))
        for label, term in (("terminated", state.terminated if state else None),
                            ("last terminated", last.terminated if last else None)):
            if term is not None and (term.reason or term.exit_code):
                lines.append((resource, " ".join(
                    f"{head} {label}: {term.reason or 'Error'} exit {term.exit_code} "
                    f"{term.message or ''}".split())))
        if cs.restart_count:
            lines.append((resource, f"{head} restarts: {cs.restart_count}"))
    return lines


def _unreachable(exc: BaseException) -> bool:
    """A connection-level failure (refused, timed out, reset), not an HTTP answer."""
    if getattr(exc, "status", None):
        return False
    name = type(exc).__name__
    return any(word in name for word in ("Timeout", "MaxRetry", "Connection", "Protocol", "NewConnection")) \
        or isinstance(exc, (TimeoutError, ConnectionError))


def scan_live(engine, api, namespace: str, *, controller_namespace: str = "kube-system",
              tail_lines: int = LOG_TAIL_LINES, request_timeout=REQUEST_TIMEOUT) -> ScanReport:
    """Read the cluster once: pods' status, events and recent logs (current and, after a
    restart, previous) of the app namespace and of the Load Balancer Controller."""
    from petstore_tui.services.kube import describe_kube_error

    report = ScanReport()
    core = _core(api)
    plans = (
        (namespace, None, Source.APP.value),
        (controller_namespace, CONTROLLER_SELECTOR, Source.ALB_CONTROLLER.value),
    )
    for ns, selector, log_source in plans:
        label = f"{ns} ({selector})" if selector else ns
        try:
            kwargs = {"label_selector": selector} if selector else {}
            pods = core.list_namespaced_pod(ns, _request_timeout=request_timeout, **kwargs).items
        except Exception as exc:  # ApiException, urllib3 errors: one message each
            report.errors.append(f"pods in {label}: {describe_kube_error(exc)}")
            if _unreachable(exc):  # every other read would wait out its timeout too
                report.skipped.append("the other cluster reads: the API server is unreachable")
                return report
            continue
        report.sources.append(f"pods:{label}")
        for pod in sorted(pods, key=lambda p: p.metadata.name)[:MAX_PODS]:
            for resource, line in pod_status_lines(pod):
                engine.feed(line, source=Source.POD_STATUS.value, resource=resource)
            engine.flush(Source.POD_STATUS.value)
            containers = [c.name for c in (pod.spec.containers if pod.spec else [])]
            restarts = {cs.name: cs.restart_count for cs in (pod.status.container_statuses or [])} \
                if pod.status else {}
            for container in containers:
                for previous in (False, True):
                    if previous and not restarts.get(container):
                        continue
                    what = f"logs:{ns}/{pod.metadata.name}/{container}{' (previous)' if previous else ''}"
                    try:
                        scan_pod_log(engine, api, ns, pod.metadata.name, container=container,
                                     previous=previous, tail_lines=tail_lines, source=log_source,
                                     request_timeout=request_timeout)
                        report.sources.append(what)
                    except Exception as exc:
                        if getattr(exc, "status", None) == 400:  # no log yet (ContainerCreating)
                            report.skipped.append(f"{what}: no log yet")
                        else:
                            report.errors.append(f"{what}: {describe_kube_error(exc)}")
    for ns in dict.fromkeys((namespace, controller_namespace)):
        try:
            for resource, line in event_lines(api, ns, request_timeout):
                engine.feed(line, source=Source.K8S_EVENTS.value, resource=resource)
            engine.flush(Source.K8S_EVENTS.value)
            report.sources.append(f"events:{ns}")
        except Exception as exc:
            report.errors.append(f"events in {ns}: {describe_kube_error(exc)}")
    return report


# ------------------------------------------------------------------ following (the TUI)
FOLLOW_TAIL_LINES = 200  # history shown when a follow starts
EVENT_POLL_SECONDS = 2.0
_POLL = 0.25  # how often a follower looks at its stop flag while no line comes


FOLLOW_READ_TIMEOUT = 60.0  # a quiet log reconnects after this long without a byte


def _open_log(api, namespace: str, pod: str, container: str | None, *, tail_lines: int | None,
              request_timeout=(5.0, FOLLOW_READ_TIMEOUT)):
    kwargs: dict[str, Any] = {"_preload_content": False, "_request_timeout": request_timeout,
                              "follow": True}
    if container:
        kwargs["container"] = container
    if tail_lines is not None:
        kwargs["tail_lines"] = tail_lines
    return _core(api).read_namespaced_pod_log(name=pod, namespace=namespace, **kwargs)


def follow_pod_logs(api, namespace: str, stop, *, label_selector: str | None = None,
                    tail_lines: int | None = FOLLOW_TAIL_LINES) -> Iterator[str]:
    """Follow every container of the pods of a namespace (optionally by label) at once.

    Blocking; meant for a thread worker. Yields `[pod/<pod>/<container>] <line>` (the
    prefix `kubectl logs --prefix` uses, which the engine's grouping understands) until
    `stop` (a threading.Event) is set, then closes every connection. Reading happens in
    one daemon thread per container; a container that cannot be read yields one line
    saying why."""
    import queue
    import threading

    from petstore_tui.services.kube import describe_kube_error

    lines: queue.Queue = queue.Queue(maxsize=10000)  # bounded: a flood waits, memory does not grow
    responses: list[Any] = []
    lock = threading.Lock()
    kwargs = {"label_selector": label_selector} if label_selector else {}
    try:
        pods = _core(api).list_namespaced_pod(namespace, _request_timeout=REQUEST_TIMEOUT, **kwargs).items
    except Exception as exc:
        yield f"petstore-tui: cannot list pods in {namespace}: {describe_kube_error(exc)}"
        return
    if not pods:
        yield f"petstore-tui: no pods in {namespace}" + (f" with {label_selector}" if label_selector else "")
    readers = []

    def read(pod_name: str, container: str) -> None:
        prefix = f"[pod/{pod_name}/{container}] "
        tail = tail_lines
        while not stop.is_set():
            try:
                response = _open_log(api, namespace, pod_name, container, tail_lines=tail)
                with lock:
                    responses.append(response)
                if stop.is_set():
                    return
                for raw in iter_stream_lines(response.stream(_CHUNK, decode_content=True)):
                    while not stop.is_set():
                        try:
                            lines.put(prefix + raw.decode("utf-8", "replace"), timeout=_POLL)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                return  # the container ended its log
            except Exception as exc:  # closed by stop, a quiet log timing out, or a refusal
                if stop.is_set():
                    return
                if "timed out" in str(exc).lower() or "Timeout" in type(exc).__name__:
                    tail = 0  # quiet for FOLLOW_READ_TIMEOUT: reconnect for new lines only
                    continue
                lines.put(f"{prefix}petstore-tui: log stream ended: {describe_kube_error(exc)}")
                return

    for pod in sorted(pods, key=lambda p: p.metadata.name)[:MAX_PODS]:
        for container in (c.name for c in (pod.spec.containers if pod.spec else [])):
            thread = threading.Thread(target=read, args=(pod.metadata.name, container), daemon=True,
                                      name=f"follow-{pod.metadata.name}-{container}")
            thread.start()
            readers.append(thread)
    try:
        while not stop.is_set():
            try:
                yield lines.get(timeout=_POLL)
            except queue.Empty:
                if not any(t.is_alive() for t in readers) and lines.empty():
                    return  # every stream ended
    finally:
        stop.set()
        with lock:
            for response in responses:
                _abort(response)


def _abort(response) -> None:
    """Wake a reader blocked on a quiet log: shut the socket down under it. (Closing the
    response would wait for the reader's lock, that is for the next byte.)"""
    import socket

    connection = getattr(response, "connection", None) or getattr(response, "_connection", None)
    sock = getattr(connection, "sock", None)
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing to wake


def poll_events(api, namespaces: Sequence[str], stop, *, interval: float = EVENT_POLL_SECONDS) -> Iterator[str]:
    """Poll the namespaces' events and yield each new or repeated one as a line (see
    `event_lines`) until `stop` is set. Blocking; meant for a thread worker."""
    from petstore_tui.services.kube import describe_kube_error

    seen: set[str] = set()
    failing = False
    while not stop.is_set():
        for ns in namespaces:
            try:
                fresh = event_lines(api, ns)
                failing = False
            except Exception as exc:
                if not failing:  # say it once, not every poll
                    yield f"petstore-tui: cannot read events in {ns}: {describe_kube_error(exc)}"
                failing = True
                continue
            for _resource, line in fresh:
                if line not in seen:
                    seen.add(line)
                    yield line
        if len(seen) > 50000:  # bounded memory on a very long follow
            seen.clear()
        stop.wait(interval)


def follow_pods(api, target, stop) -> Iterator[str]:
    """The TUI's "App pods" source: every container of the app namespace, followed."""
    return follow_pod_logs(api, target.namespace, stop)


def follow_controller(api, target, stop) -> Iterator[str]:
    """The TUI's "LB controller" source: the controller's pods in kube-system, followed."""
    from petstore_tui.settings import CONTROLLER_NAMESPACE

    return follow_pod_logs(api, CONTROLLER_NAMESPACE, stop, label_selector=CONTROLLER_SELECTOR)


def follow_events(api, target, stop) -> Iterator[str]:
    """The TUI's "Kubernetes events" source: events of the app namespace and kube-system."""
    from petstore_tui.settings import CONTROLLER_NAMESPACE

    return poll_events(api, list(dict.fromkeys((target.namespace, CONTROLLER_NAMESPACE))), stop)
