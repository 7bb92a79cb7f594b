"""The cluster read once for the engine (`diagnose --live`): pod logs, events and pod
status of the app namespace and of the Load Balancer Controller. Readers take an
`ApiClient`; every call has a timeout. The TUI's live followers are in
petstore_tui/services/kube_follow.py; files, stdin and tools in log_scan.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from kubernetes import client

from checks.engine.normalize import RAW_MAX_LINE
from checks.model import Finding, Source
from petstore_core.errors import describe_kube_error
from petstore_core.kube import REQUEST_TIMEOUT
from petstore_core.settings import CONTROLLER_NAMESPACE, CONTROLLER_SELECTOR
from petstore_tui.services.log_scan import ScanReport

LOG_TAIL_LINES = 2000  # recent lines read of each container by --live
MAX_PODS = 25  # pods read per namespace by --live: a big namespace must not take minutes
_CHUNK = 64 * 1024


# ------------------------------------------------------------------ Kubernetes
def _core(api):
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


def event_line(event) -> tuple[float, str, str]:
    """One event as (when, resource, line): `Warning FailedScheduling pod/x: message`,
    after its time when it has one; a repeated event says how often (`(x12)`)."""
    obj = event.involved_object
    kind = (getattr(obj, "kind", None) or "object").lower()
    resource = f"{kind}/{getattr(obj, 'name', '') or '?'}"
    message = " ".join((event.message or "").split())
    series = getattr(event, "series", None)
    times = event.count or getattr(series, "count", None) or 0
    count = f" (x{times})" if times > 1 else ""
    when = (event.last_timestamp or getattr(series, "last_observed_time", None) or event.event_time
            or event.first_timestamp)
    stamp = when.timestamp() if when is not None and hasattr(when, "timestamp") else 0.0
    prefix = when.strftime("%Y-%m-%dT%H:%M:%SZ ") if stamp else ""
    return stamp, resource, f"{prefix}{event.type or 'Normal'} {event.reason or ''} {resource}: {message}{count}"


def event_lines(api, namespace: str, request_timeout=REQUEST_TIMEOUT) -> list[tuple[str, str]]:
    """Events of a namespace as (resource, line) (see `event_line`), oldest first."""
    items = _core(api).list_namespaced_event(namespace, _request_timeout=request_timeout).items
    lines = sorted((event_line(event) for event in items), key=lambda item: item[0])
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


def scan_live(engine, api, namespace: str, *, controller_namespace: str = CONTROLLER_NAMESPACE,
              tail_lines: int = LOG_TAIL_LINES, request_timeout=REQUEST_TIMEOUT) -> ScanReport:
    """Read the cluster once: pods' status, events and recent logs (current and, after a
    restart, previous) of the app namespace and of the Load Balancer Controller."""
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
