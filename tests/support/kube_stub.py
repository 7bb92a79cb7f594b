"""A stub Kubernetes API server (pytest-httpserver, threaded) speaking the real REST paths and JSON, and the `kube_stub` fixture that starts it and points KUBECONFIG at it.

Use it from a conftest or test module::

    from tests.support.kube_stub import kube_stub  # noqa: F401  (the fixture)

    def test_x(kube_stub):
        kube_stub.add_pod("petstore-1", waiting_reason="CrashLoopBackOff")
        kube_stub.set_log("petstore", "petstore-1", "line 1\\nline 2\\n", container="app")
        kube_stub.add({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                       "metadata": {"name": "alb"}, "spec": {"controller": "ingress.k8s.aws/alb"}})
        ...  # code under test reads KUBECONFIG (set by the fixture) or kube_stub.kubeconfig
        assert kube_stub.requests_for("POST")[0].path == "/api/v1/namespaces/petstore/configmaps"

API (all thread-safe):
- `url`, `kubeconfig` (Path of a kubeconfig with context `stub`, token auth), `context`.
- `add(obj)` seeds or replaces any object (apiVersion/kind/metadata.name[/namespace]);
  `get(api_version, kind, name, namespace=None)`; `remove(...)`; `objects(kind)`.
- `add_pod(name, namespace="petstore", ...)` builds a pod with container statuses
  (`waiting_reason`, `terminated_reason`, `exit_code`, `restart_count`, `ready`, `labels`)
  and a containerID per container.
- `add_event(namespace, involved_kind, involved_name, reason, message, type="Warning")`;
  `repeat_event(event)` counts it once more (MODIFIED, as the event recorder does).
- `set_log(ns, pod, text, container=None, previous=False)`; `log_stream(ns, pod,
  container=None)` returns a handle whose `.write(line, at_ns=None)` feeds `follow=true`
  readers live (each line stamped with the wall clock, or `at_ns`) and `.close()` ends it.
- `restart_container(ns, pod, container)`: the container's log becomes its previous log,
  a new instance starts (new containerID, restartCount + 1, lastState terminated), and its
  new log stream is returned; followers of the old instance see their stream end.
- `drop_connections()` ends every open watch and log stream (a dropped connection: the
  data stays); `compact()` forgets the watch history, so a watch from an older
  resourceVersion is refused with 410 Gone, as an API server does after compaction.
- `requests` (list of `Recorded(method, path, query, body, content_type)`) and
  `requests_for(method, path_contains="")`; `unauthorized = True` answers 401 to all.
- `fail(path_regex, status, message)` makes matching requests fail with a Status object
  (`clear_failures()` undoes it).

Served: /version, /api, /apis and resource discovery for the kinds below; GET list (label
and simple field selectors) and get; watch (`?watch=true`: ADDED, MODIFIED and DELETED
events as JSON lines, each object with its resourceVersion; from `resourceVersion` N the
events after N, or ERROR 410 Expired when N is older than the history; without one, the
current objects as ADDED first; `timeoutSeconds` ends the stream); POST create (409 when
present); PUT replace; PATCH (merge, strategic-merge treated as merge, JSON patch,
server-side apply creating when absent); DELETE; pod logs (chunked, `follow`,
`container`, `previous`, `tailLines`, `timestamps` (RFC3339Nano, as the kubelet writes
them), `sinceTime` (cut to whole seconds, as the API server passes it to the kubelet),
`sinceSeconds`). docs/knowledge/kubernetes-follow.md has the real server's behaviour.
"""

from __future__ import annotations

import copy
import json
import queue
import re
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import yaml

STUB_TOKEN = "stub-token-not-secret"
SERVER_VERSION = {"major": "1", "minor": "32", "gitVersion": "v1.32.3-eks-4096722",
                  "platform": "linux/amd64", "goVersion": "go1.23.6", "compiler": "gc",
                  "buildDate": "2026-10-01T00:00:00Z", "gitCommit": "0" * 40, "gitTreeState": "clean"}

# kind -> (group/version, plural, namespaced)
KINDS: dict[str, tuple[str, str, bool]] = {
    "Namespace": ("v1", "namespaces", False),
    "Pod": ("v1", "pods", True),
    "Event": ("v1", "events", True),
    "Service": ("v1", "services", True),
    "ServiceAccount": ("v1", "serviceaccounts", True),
    "ConfigMap": ("v1", "configmaps", True),
    "Secret": ("v1", "secrets", True),
    "Endpoints": ("v1", "endpoints", True),
    "PersistentVolumeClaim": ("v1", "persistentvolumeclaims", True),
    "Node": ("v1", "nodes", False),
    "Deployment": ("apps/v1", "deployments", True),
    "ReplicaSet": ("apps/v1", "replicasets", True),
    "Ingress": ("networking.k8s.io/v1", "ingresses", True),
    "IngressClass": ("networking.k8s.io/v1", "ingressclasses", False),
    "HorizontalPodAutoscaler": ("autoscaling/v2", "horizontalpodautoscalers", True),
    "PodDisruptionBudget": ("policy/v1", "poddisruptionbudgets", True),
    "NetworkPolicy": ("networking.k8s.io/v1", "networkpolicies", True),
}
_PLURAL_TO_KIND = {(gv, plural): kind for kind, (gv, plural, _ns) in KINDS.items()}


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any  # parsed JSON/YAML, raw text when neither, None when empty
    content_type: str = ""


_DROP = object()  # a subscriber's connection is dropped: its reader ends, the log stays
_POLL = 0.1  # how often a streaming response looks at its stop conditions


def rfc3339nano(ns: int) -> str:
    """A timestamp as the kubelet writes it (Go's RFC3339Nano: trailing zeros cut)."""
    seconds, fraction = divmod(ns, 1_000_000_000)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    digits = f"{fraction:09d}".rstrip("0")
    return f"{text}.{digits}Z" if digits else f"{text}Z"


def parse_rfc3339(text: str) -> int:
    """RFC3339 (fraction optional, Z or an offset) to nanoseconds since the epoch."""
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)", text)
    if not m:
        raise ValueError(text)
    import calendar

    seconds = calendar.timegm(time.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S"))
    if m.group(3) != "Z":
        sign = 1 if m.group(3)[0] == "+" else -1
        seconds -= sign * (int(m.group(3)[1:3]) * 3600 + int(m.group(3)[4:6]) * 60)
    return seconds * 1_000_000_000 + int((m.group(2) or "0").ljust(9, "0"))


class LogStream:
    """A container's log: timestamped lines; `follow=true` readers get new ones at once."""

    def __init__(self) -> None:
        self.entries: list[tuple[int, str]] = []
        self._subscribers: list[queue.Queue] = []
        self._closed = False
        self._lock = threading.Lock()

    @property
    def lines(self) -> list[str]:
        with self._lock:
            return [line for _ns, line in self.entries]

    def write(self, line: str, at_ns: int | None = None) -> int:
        """Append a line (stamped now, or `at_ns`); returns its timestamp."""
        with self._lock:
            stamp = at_ns if at_ns is not None else time.time_ns()
            self.entries.append((stamp, line.rstrip("\n")))
            for q in self._subscribers:
                q.put((stamp, line.rstrip("\n")))
            return stamp

    def close(self) -> None:
        with self._lock:
            self._closed = True
            for q in self._subscribers:
                q.put(None)

    def drop(self) -> None:
        with self._lock:
            for q in self._subscribers:
                q.put(_DROP)
            self._subscribers.clear()

    def _subscribe(self) -> tuple[list[tuple[int, str]], queue.Queue | None]:
        with self._lock:
            if self._closed:
                return list(self.entries), None
            q: queue.Queue = queue.Queue()
            self._subscribers.append(q)
            return list(self.entries), q

    def _unsubscribe(self, q: queue.Queue) -> None:
        with self._lock:
            if q in self._subscribers:
                self._subscribers.remove(q)


def _static_log(text: str) -> LogStream:
    """A `set_log` text as a closed stream, its lines a millisecond apart."""
    stream = LogStream()
    base = parse_rfc3339("2026-11-28T05:00:00Z")
    for n, line in enumerate(text.splitlines()):
        stream.write(line, base + n * 1_000_000)
    stream.close()
    return stream


@dataclass
class KubeStub:
    server: Any  # pytest_httpserver.HTTPServer
    kubeconfig: Path
    context: str = "stub"
    requests: list[Recorded] = field(default_factory=list)
    unauthorized: bool = False

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._objects: dict[tuple[str, str, str, str], dict] = {}
        self._logs: dict[tuple[str, str, str | None, bool], str | LogStream] = {}
        self._failures: list[tuple[re.Pattern[str], int, str]] = []
        self._rv = 1
        # watch: every change since the floor, and the queues of open watches
        self._history: list[tuple[int, str, str, str, str, dict]] = []  # rv, type, gv, plural, ns, obj
        self._floor = 0
        self._watches: list[tuple[queue.Queue, str, str, str]] = []
        self._generation = 0  # drop_connections() moves it on: open streams end
        self._closing = False

    # -- public helpers -------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    def add(self, obj: dict) -> dict:
        obj = copy.deepcopy(obj)
        kind = obj["kind"]
        gv, plural, namespaced = KINDS.get(kind, (obj.get("apiVersion", "v1"), kind.lower() + "s", True))
        meta = obj.setdefault("metadata", {})
        namespace = (meta.get("namespace") or "default") if namespaced else ""
        if namespaced:
            meta["namespace"] = namespace
        with self._lock:
            key = (gv, plural, namespace, meta["name"])
            change = "MODIFIED" if key in self._objects else "ADDED"
            self._stamp(obj)
            self._objects[key] = obj
            self._record(change, key, obj)
        return obj

    def get(self, api_version: str, kind: str, name: str, namespace: str | None = None) -> dict | None:
        gv, plural, namespaced = KINDS.get(kind, (api_version, kind.lower() + "s", True))
        with self._lock:
            return copy.deepcopy(self._objects.get((gv, plural, (namespace or "default") if namespaced else "", name)))

    def remove(self, kind: str, name: str, namespace: str | None = None) -> None:
        gv, plural, namespaced = KINDS[kind]
        self._delete((gv, plural, (namespace or "default") if namespaced else "", name))

    def _delete(self, key: tuple[str, str, str, str]) -> dict | None:
        """Delete an object: a DELETED event, and a deleted pod's logs end (its containers
        are killed)."""
        with self._lock:
            obj = self._objects.pop(key, None)
            if obj is None:
                return None
            obj = copy.deepcopy(obj)
            self._stamp(obj)
            self._record("DELETED", key, obj)
            streams = [v for (ns, pod, _c, _p), v in self._logs.items()
                       if key[:2] == ("v1", "pods") and (ns, pod) == (key[2], key[3]) and isinstance(v, LogStream)]
        for stream in streams:
            stream.close()
        return obj

    def objects(self, kind: str) -> list[dict]:
        gv, plural, _ = KINDS[kind]
        with self._lock:
            return [copy.deepcopy(o) for (g, p, _n, _m), o in self._objects.items() if (g, p) == (gv, plural)]

    def add_pod(self, name: str, namespace: str = "petstore", *, labels: dict | None = None,
                containers: tuple[str, ...] = ("app",), phase: str | None = None, ready: bool | None = None,
                waiting_reason: str | None = None, waiting_message: str = "",
                terminated_reason: str | None = None, exit_code: int = 1, restart_count: int = 0,
                last_terminated_reason: str | None = None,
                image: str = "123456789012.dkr.ecr.us-east-1.amazonaws.com/petstore:1.0.0") -> dict:
        statuses = []
        for container in containers:
            if waiting_reason:
                state = {"waiting": {"reason": waiting_reason, "message": waiting_message}}
            elif terminated_reason:
                state = {"terminated": {"reason": terminated_reason, "exitCode": exit_code,
                                        "startedAt": "2026-11-28T05:00:00Z",
                                        "finishedAt": "2026-11-28T05:00:05Z"}}
            else:
                state = {"running": {"startedAt": "2026-11-28T05:00:00Z"}}
            status = {"name": container, "image": image, "imageID": "", "restartCount": restart_count,
                      "ready": bool(ready) if ready is not None else "running" in state,
                      "started": "running" in state, "state": state}
            if "waiting" not in state:
                status["containerID"] = f"containerd://{uuid.uuid4().hex}"
            if last_terminated_reason:
                status["lastState"] = {"terminated": {"reason": last_terminated_reason, "exitCode": exit_code,
                                                      "startedAt": "2026-11-28T04:59:00Z",
                                                      "finishedAt": "2026-11-28T04:59:05Z"}}
            statuses.append(status)
        running = not waiting_reason and not terminated_reason
        return self.add({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": namespace, "labels": labels or {"app": "petstore"}},
            "spec": {"containers": [{"name": c, "image": image} for c in containers]},
            "status": {"phase": phase or ("Running" if running else "Pending"), "containerStatuses": statuses},
        })

    def add_event(self, namespace: str, involved_kind: str, involved_name: str, reason: str, message: str,
                  type: str = "Warning", count: int = 1) -> dict:
        return self.add({
            "apiVersion": "v1", "kind": "Event",
            "metadata": {"name": f"{involved_name}.{uuid.uuid4().hex[:12]}", "namespace": namespace},
            "involvedObject": {"kind": involved_kind, "name": involved_name, "namespace": namespace},
            "reason": reason, "message": message, "type": type, "count": count,
            "firstTimestamp": "2026-11-28T05:00:00Z", "lastTimestamp": "2026-11-28T05:00:00Z",
            "source": {"component": "kubelet"},
        })

    def repeat_event(self, event: dict, message: str | None = None) -> dict:
        """The event seen once more: count + 1 and a new lastTimestamp (MODIFIED)."""
        current = self.get("v1", "Event", event["metadata"]["name"], event["metadata"]["namespace"]) or event
        current["count"] = int(current.get("count") or 1) + 1
        current["lastTimestamp"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        if message is not None:
            current["message"] = message
        return self.add(current)

    def restart_container(self, namespace: str, pod: str, container: str, *, reason: str = "Error",
                          exit_code: int = 1) -> LogStream:
        """The container exits and the kubelet starts it again (see the module doc)."""
        with self._lock:
            obj = self.get("v1", "Pod", pod, namespace)
            if obj is None:
                raise KeyError(pod)
            old = self._logs.get((namespace, pod, container, False))
            if old is None or isinstance(old, str):
                old = _static_log(old or "")
            self._logs[(namespace, pod, container, True)] = old
            new = LogStream()
            self._logs[(namespace, pod, container, False)] = new
            now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            for status in obj["status"]["containerStatuses"]:
                if status["name"] == container:
                    status["lastState"] = {"terminated": {
                        "reason": reason, "exitCode": exit_code, "finishedAt": now,
                        "containerID": status.get("containerID", "")}}
                    status["restartCount"] = int(status.get("restartCount") or 0) + 1
                    status["containerID"] = f"containerd://{uuid.uuid4().hex}"
                    status["state"] = {"running": {"startedAt": now}}
            self.add(obj)
        old.close()  # the old instance's followers reach the end of its log
        return new

    def drop_connections(self) -> None:
        """End every open watch and log stream now, as a dropped connection would."""
        with self._lock:
            self._generation += 1
            streams = [v for v in self._logs.values() if isinstance(v, LogStream)]
        for stream in streams:
            stream.drop()

    def compact(self) -> None:
        """Forget the watch history: older resourceVersions are now 410 Gone."""
        with self._lock:
            self._history.clear()
            self._floor = self._rv

    def clear_failures(self) -> None:
        with self._lock:
            self._failures.clear()

    def shutdown_streams(self) -> None:
        """End every stream for good (before the server stops)."""
        self._closing = True
        self.drop_connections()

    def set_log(self, namespace: str, pod: str, text: str, container: str | None = None,
                previous: bool = False) -> None:
        with self._lock:
            self._logs[(namespace, pod, container, previous)] = text

    def log_stream(self, namespace: str, pod: str, container: str | None = None) -> LogStream:
        stream = LogStream()
        with self._lock:
            self._logs[(namespace, pod, container, False)] = stream
        return stream

    def fail(self, path_regex: str, status: int, message: str = "stub failure") -> None:
        with self._lock:
            self._failures.append((re.compile(path_regex), status, message))

    def requests_for(self, method: str, path_contains: str = "") -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if r.method == method and path_contains in r.path]

    # -- request handling -----------------------------------------------------------------
    def _stamp(self, obj: dict) -> None:
        meta = obj.setdefault("metadata", {})
        meta.setdefault("uid", str(uuid.uuid4()))
        meta.setdefault("creationTimestamp", "2026-11-28T05:00:00Z")
        with self._lock:
            self._rv += 1
            meta["resourceVersion"] = str(self._rv)

    def _record(self, change: str, key: tuple[str, str, str, str], obj: dict) -> None:
        """Keep a change for watches from older resourceVersions and hand it to open ones.
        (Called with the lock held.)"""
        gv, plural, namespace, _name = key
        snapshot = copy.deepcopy(obj)
        self._history.append((int(obj["metadata"]["resourceVersion"]), change, gv, plural, namespace, snapshot))
        for q, w_gv, w_plural, w_namespace in self._watches:
            if (w_gv, w_plural) == (gv, plural) and (not w_namespace or w_namespace == namespace):
                q.put((change, snapshot))

    def handle(self, request):
        from werkzeug import Response

        query = {k: v[-1] for k, v in parse_qs(request.query_string.decode()).items()}
        raw = request.get_data()
        content_type = request.headers.get("Content-Type", "")
        body: Any = None
        if raw:
            text = raw.decode("utf-8", "replace")
            try:
                body = json.loads(text)
            except ValueError:
                try:
                    body = yaml.safe_load(text)
                except yaml.YAMLError:
                    body = text
        with self._lock:
            self.requests.append(Recorded(request.method, request.path, query, body, content_type))
            failures = list(self._failures)
        if self.unauthorized:
            return _status(401, "Unauthorized", "Unauthorized")
        for pattern, code, message in failures:
            if pattern.search(request.path):
                return _status(code, "StubFailure", message)
        try:
            return self._route(request.method, request.path, query, body, content_type)
        except _Problem as problem:
            return _status(problem.code, problem.reason, problem.message)
        except Exception as exc:  # a bug in the stub shows as a 500 the test can read
            return Response(json.dumps({"kind": "Status", "status": "Failure", "code": 500,
                                        "message": f"stub error {exc!r}"}), 500,
                            content_type="application/json")

    def _route(self, method: str, path: str, query: dict, body: Any, content_type: str):
        parts = [p for p in path.split("/") if p]
        if parts == ["version"]:
            return _json(SERVER_VERSION)
        if parts == ["api"]:
            return _json({"kind": "APIVersions", "versions": ["v1"],
                          "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "stub"}]})
        if parts == ["apis"]:
            return _json(_api_groups())
        if parts == ["api", "v1"]:
            return _json(_resource_list("v1"))
        if len(parts) == 3 and parts[0] == "apis":
            return _json(_resource_list(f"{parts[1]}/{parts[2]}"))
        if parts[:1] == ["api"] and len(parts) >= 3:
            gv, rest = parts[1], parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 4:
            gv, rest = f"{parts[1]}/{parts[2]}", parts[3:]
        else:
            raise _Problem(404, "NotFound", f"the server could not find the requested resource ({path})")
        namespace = ""
        if rest[0] == "namespaces" and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        plural, name, sub = rest[0], (rest[1] if len(rest) > 1 else None), (rest[2] if len(rest) > 2 else None)
        kind = _PLURAL_TO_KIND.get((gv, plural))
        if kind is None:
            raise _Problem(404, "NotFound", f"the server could not find the requested resource ({path})")
        if sub == "log" and kind == "Pod" and method == "GET":
            return self._log(namespace, name, query)
        if sub == "status" and name:
            sub = None  # status subresource: treat as the object
        if sub:
            raise _Problem(404, "NotFound", f"subresource {sub} not served by the stub")
        key = (gv, plural, namespace, name or "")
        if method == "GET":
            if name is None and query.get("watch") in ("true", "1"):
                return self._watch(gv, plural, namespace, query)
            if name is None:
                return _json(self._list(kind, gv, plural, namespace, query))
            with self._lock:
                obj = self._objects.get(key)
            if obj is None:
                raise _not_found(plural, name)
            return _json(obj)
        if method == "POST" and name is None:
            if not isinstance(body, dict) or not body.get("metadata", {}).get("name"):
                raise _Problem(400, "BadRequest", "object has no metadata.name")
            key = (gv, plural, namespace, body["metadata"]["name"])
            with self._lock:
                if key in self._objects:
                    raise _Problem(409, "AlreadyExists",
                                   f'{plural} "{body["metadata"]["name"]}" already exists')
            return _json(self._store(key, kind, gv, namespace, body), 201)
        if method == "PUT" and name:
            with self._lock:
                if key not in self._objects:
                    raise _not_found(plural, name)
            return _json(self._store(key, kind, gv, namespace, body))
        if method == "PATCH" and name:
            with self._lock:
                current = copy.deepcopy(self._objects.get(key))
            if current is None:
                if "apply-patch" not in content_type:
                    raise _not_found(plural, name)
                return _json(self._store(key, kind, gv, namespace, body), 201)
            if "json-patch" in content_type:
                merged = _json_patch(current, body or [])
            else:
                merged = _merge(current, body or {})
            return _json(self._store(key, kind, gv, namespace, merged))
        if method == "DELETE" and name:
            obj = self._delete(key)
            if obj is None:
                raise _not_found(plural, name)
            return _json({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success",
                          "details": {"name": name, "kind": plural}})
        raise _Problem(405, "MethodNotAllowed", f"{method} {path} is not supported by the stub")

    def _store(self, key, kind: str, gv: str, namespace: str, body: dict) -> dict:
        obj = copy.deepcopy(body)
        obj.setdefault("apiVersion", gv)
        obj.setdefault("kind", kind)
        meta = obj.setdefault("metadata", {})
        meta["name"] = key[3]
        if namespace:
            meta["namespace"] = namespace
        with self._lock:
            change = "MODIFIED" if key in self._objects else "ADDED"
            self._stamp(obj)
            self._objects[key] = obj
            self._record(change, key, obj)
        return obj

    def _list(self, kind: str, gv: str, plural: str, namespace: str, query: dict) -> dict:
        with self._lock:
            items = [copy.deepcopy(o) for (g, p, n, _m), o in sorted(self._objects.items())
                     if (g, p) == (gv, plural) and (not namespace or n == namespace)]
            rv = str(self._rv)
        items = [o for o in items if _selected(o, query)]
        return {"kind": f"{kind}List", "apiVersion": gv, "metadata": {"resourceVersion": rv},
                "items": items}

    def _watch(self, gv: str, plural: str, namespace: str, query: dict):
        from werkzeug import Response

        since = query.get("resourceVersion", "")
        timeout = float(query["timeoutSeconds"]) if query.get("timeoutSeconds", "").isdigit() else None
        q: queue.Queue = queue.Queue()
        with self._lock:
            generation = self._generation
            if since in ("", "0"):  # "any version": the current objects first, as ADDED
                backlog = [("ADDED", copy.deepcopy(o)) for (g, p, n, _m), o in sorted(self._objects.items())
                           if (g, p) == (gv, plural) and (not namespace or n == namespace)]
            elif int(since) < self._floor:
                gone = {"type": "ERROR", "object": {
                    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                    "message": f"too old resource version: {since} ({self._floor})", "reason": "Expired",
                    "code": 410}}
                return Response([json.dumps(gone).encode() + b"\n"], 200, content_type="application/json")
            else:
                backlog = [(change, obj) for rv, change, g, p, n, obj in self._history
                           if rv > int(since) and (g, p) == (gv, plural) and (not namespace or n == namespace)]
            self._watches.append((q, gv, plural, namespace))

        def generate() -> Iterator[bytes]:
            deadline = None if timeout is None else time.monotonic() + timeout
            try:
                for change, obj in backlog:
                    if _selected(obj, query):
                        yield json.dumps({"type": change, "object": obj}).encode() + b"\n"
                while not self._closing and self._generation == generation:
                    if deadline is not None and time.monotonic() >= deadline:
                        return  # timeoutSeconds: the server ends the watch
                    try:
                        change, obj = q.get(timeout=_POLL)
                    except queue.Empty:
                        continue
                    if _selected(obj, query):
                        yield json.dumps({"type": change, "object": obj}).encode() + b"\n"
            finally:
                with self._lock:
                    self._watches[:] = [w for w in self._watches if w[0] is not q]

        return Response(generate(), 200, content_type="application/json", direct_passthrough=True)

    def _log(self, namespace: str, pod: str, query: dict):
        from werkzeug import Response

        previous = query.get("previous") == "true"
        container = query.get("container")
        with self._lock:
            exists = ("v1", "pods", namespace, pod) in self._objects
            log = self._logs.get((namespace, pod, container, previous))
            if log is None and container is None:
                log = next((v for (n, p, _c, prev), v in self._logs.items()
                            if (n, p, prev) == (namespace, pod, previous)), None)
            if log is None and container is not None:
                log = self._logs.get((namespace, pod, None, previous))
            generation = self._generation
        if not exists:
            raise _not_found("pods", pod)
        if log is None:
            if previous:
                raise _Problem(400, "BadRequest",
                               f'previous terminated container "{container or "app"}" in pod "{pod}" not found')
            log = ""
        if isinstance(log, str):
            log = _static_log(log)
        follow = query.get("follow") == "true"
        stamps = query.get("timestamps") == "true"
        tail = int(query["tailLines"]) if query.get("tailLines", "").isdigit() else None
        since = None
        if query.get("sinceTime"):
            try:  # the API server passes sinceTime to the kubelet in whole seconds
                since = parse_rfc3339(query["sinceTime"]) // 1_000_000_000 * 1_000_000_000
            except ValueError:
                raise _Problem(400, "BadRequest", f"invalid sinceTime {query['sinceTime']!r}") from None
        elif query.get("sinceSeconds", "").isdigit():
            since = time.time_ns() - int(query["sinceSeconds"]) * 1_000_000_000

        def line(stamp: int, text: str) -> bytes:
            return ((rfc3339nano(stamp) + " " if stamps else "") + text + "\n").encode()

        def generate() -> Iterator[bytes]:
            backlog, q = log._subscribe() if follow else (list(log.entries), None)
            try:
                if since is not None:
                    backlog = [e for e in backlog if e[0] >= since]
                for stamp, text in backlog[-tail:] if tail is not None else backlog:
                    yield line(stamp, text)
                idle = time.monotonic()
                while q is not None and not self._closing and self._generation == generation:
                    try:
                        item = q.get(timeout=_POLL)
                    except queue.Empty:
                        if time.monotonic() - idle > 30:  # nobody wrote for 30 s: end, as a server would
                            return
                        continue
                    if item is None or item is _DROP:
                        return
                    idle = time.monotonic()
                    yield line(*item)
            finally:
                if q is not None:
                    log._unsubscribe(q)

        return Response(generate(), 200, content_type="text/plain", direct_passthrough=True)


def _selected(obj: dict, query: dict) -> bool:
    """Does `obj` pass the request's label and field selectors (`k=v` terms only)?"""
    labels = _selector(query.get("labelSelector", ""))
    fields = _selector(query.get("fieldSelector", ""))
    return (all(obj.get("metadata", {}).get("labels", {}).get(k) == v for k, v in labels.items())
            and all(_field(obj, k) == v for k, v in fields.items()))


class _Problem(Exception):
    def __init__(self, code: int, reason: str, message: str):
        super().__init__(message)
        self.code, self.reason, self.message = code, reason, message


def _not_found(plural: str, name: str) -> _Problem:
    return _Problem(404, "NotFound", f'{plural} "{name}" not found')


def _status(code: int, reason: str, message: str):
    from werkzeug import Response

    return Response(json.dumps({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                "message": message, "reason": reason, "code": code}),
                    code, content_type="application/json")


def _json(data: Any, code: int = 200):
    from werkzeug import Response

    return Response(json.dumps(data), code, content_type="application/json")


def _selector(text: str) -> dict[str, str]:
    out = {}
    for part in filter(None, text.split(",")):
        key, _, value = part.partition("=")
        out[key.strip().rstrip("=")] = value.lstrip("=").strip()
    return out


def _field(obj: dict, dotted: str) -> str | None:
    node: Any = obj
    for part in dotted.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return None if node is None else str(node)


def _merge(base: Any, patch: Any) -> Any:
    if not isinstance(base, dict) or not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = copy.deepcopy(base)
    for key, value in patch.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = _merge(out.get(key), value)
    return out


def _json_patch(doc: dict, ops: list[dict]) -> dict:
    doc = copy.deepcopy(doc)
    for op in ops:
        parts = [p.replace("~1", "/").replace("~0", "~") for p in op["path"].split("/")[1:]]
        parent = doc
        for part in parts[:-1]:
            parent = parent[int(part)] if isinstance(parent, list) else parent.setdefault(part, {})
        last = parts[-1]
        if op["op"] in ("add", "replace"):
            if isinstance(parent, list):
                if last == "-":
                    parent.append(op["value"])
                elif op["op"] == "add":
                    parent.insert(int(last), op["value"])
                else:
                    parent[int(last)] = op["value"]
            else:
                parent[last] = op["value"]
        elif op["op"] == "remove":
            if isinstance(parent, list):
                parent.pop(int(last))
            else:
                parent.pop(last, None)
    return doc


def _api_groups() -> dict:
    groups: dict[str, set[str]] = {}
    for gv, _plural, _ns in KINDS.values():
        if "/" in gv:
            group, version = gv.split("/")
            groups.setdefault(group, set()).add(version)
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
        {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in sorted(vs)],
         "preferredVersion": {"groupVersion": f"{g}/{sorted(vs)[0]}", "version": sorted(vs)[0]}}
        for g, vs in sorted(groups.items())]}


def _resource_list(gv: str) -> dict:
    verbs = ["create", "delete", "get", "list", "patch", "update"]
    return {"kind": "APIResourceList", "groupVersion": gv, "resources": [
        {"name": plural, "singularName": kind.lower(), "namespaced": ns, "kind": kind, "verbs": verbs}
        for kind, (g, plural, ns) in KINDS.items() if g == gv]}


def write_kubeconfig(path: Path, server_url: str, context: str = "stub", token: str = STUB_TOKEN) -> Path:
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": context,
        "clusters": [{"name": context, "cluster": {"server": server_url}}],
        "users": [{"name": context, "user": {"token": token}}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": context}}],
    }))
    return path


def start_stub(kubeconfig: Path) -> KubeStub:
    """Start a stub server and write its kubeconfig (call `stub.server.stop()` after)."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    stub = KubeStub(server=server, kubeconfig=write_kubeconfig(kubeconfig, server.url_for("").rstrip("/")))
    server.expect_request(re.compile(r"^/.*")).respond_with_handler(stub.handle)
    return stub


@pytest.fixture
def kube_stub(tmp_path, monkeypatch) -> Iterator[KubeStub]:
    """Stand-in for a Kubernetes API server (pytest-httpserver, threaded): a fresh stub per
    test, with KUBECONFIG pointing at a kubeconfig (context `stub`) that reaches it."""
    stub = start_stub(tmp_path / "stub-kubeconfig")
    monkeypatch.setenv("KUBECONFIG", str(stub.kubeconfig))
    try:
        yield stub
    finally:
        stub.shutdown_streams()
        if stub.server.is_running():  # a test may have stopped it to play a dead server
            stub.server.clear()
            stub.server.stop()
