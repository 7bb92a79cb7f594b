"""Follow pods' logs and events live, through the Kubernetes client's watches.

Pods are listed, then watched from the list's resourceVersion, so a pod a rollout or a
restart makes is followed as soon as the API server announces it. A watch that ends (its
timeout, a dropped connection) resumes from the last resourceVersion; one refused with
410 Gone lists again and goes on from the difference. Logs are read with timestamps; a
reconnect asks for the lines since the last one shown and drops those it already showed
(same timestamp and text), so nothing is lost or shown twice. A restarted container's last
lines are read from its previous instance, then the new one is followed. Events come
through a watch too, once per occurrence (uid and count).

Everything here blocks: the followers run in the TUI's thread workers and yield lines
until their `stop` event is set. The sync client's Watch serves threads well; the asyncio
client's replays pod logs forever (docs/knowledge/kubernetes-follow.md).
"""

from __future__ import annotations

import queue
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from petstore_core.errors import describe_kube_error
from petstore_core.kube import REQUEST_TIMEOUT
from petstore_core.settings import CONTROLLER_NAMESPACE, CONTROLLER_SELECTOR
from petstore_tui.services.kube_scan import MAX_PODS, event_line, iter_stream_lines

WATCH_SECONDS = 50  # a watch request's server-side timeout; then it resumes where it was
LOG_READ_TIMEOUT = 60.0  # a log quiet this long is reopened (from where it was: no loss)
FOLLOW_TAIL_LINES = 200  # history shown of the pods there when a follow starts
RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0)  # seconds between attempts after a failure, then the last
_POLL = 0.25  # how often a blocked wait looks at its stop flag
_CHUNK = 64 * 1024


def _status(exc: BaseException) -> int | None:
    status = getattr(exc, "status", None)
    return status if isinstance(status, int) else None


def _timed_out(exc: BaseException) -> bool:
    """A read that waited out its timeout: a quiet log or watch, not a failure."""
    return "timed out" in str(exc).lower() or "Timeout" in type(exc).__name__


def _shutdown(response) -> None:
    """Wake a thread blocked reading `response`: shut its socket down under it (closing
    the response would wait for the reader's lock, that is for the next byte)."""
    import socket

    connection = getattr(response, "connection", None) or getattr(response, "_connection", None)
    sock = getattr(connection, "sock", None)
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing to wake


class _Retry:
    """Waits between failed attempts: RETRY_DELAYS, then the last one again."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.failures = 0

    def wait(self) -> None:
        self.stop.wait(RETRY_DELAYS[min(self.failures, len(RETRY_DELAYS) - 1)])
        self.failures += 1

    def reset(self) -> None:
        self.failures = 0


# ------------------------------------------------------------------ list, then watch
class ObjectWatch:
    """One kind of object in a namespace as (change, object) pairs: ADDED for each object
    the list shows, then a "SYNCED" pair (object None), then the watch's ADDED, MODIFIED
    and DELETED events. After a 410 Gone the list is read again and only its difference
    from what was seen comes out (ADDED, MODIFIED, DELETED), then "SYNCED" again.

    `note(text)` hears about failures, once each until the watch works again."""

    def __init__(self, list_func: Callable, namespace: str, stop: threading.Event, *,
                 label_selector: str | None = None, note: Callable[[str], None] = lambda _text: None,
                 what: str = "objects") -> None:
        self.list_func = list_func
        self.namespace = namespace
        self.stop = stop
        self.selector = {"label_selector": label_selector} if label_selector else {}
        self.note = note
        self.what = what
        self._watch = None
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            watch = self._watch
        if watch is not None:
            watch.stop()  # shuts its socket down: the blocked read returns

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        from kubernetes import watch

        known: dict[str, Any] = {}  # uid -> the object as last seen
        version: str | None = None  # where the next watch starts; None: list first
        retry = _Retry(self.stop)
        failing = False
        while not self.stop.is_set():
            if version is None:
                try:
                    listed = self.list_func(self.namespace, _request_timeout=REQUEST_TIMEOUT, **self.selector)
                except Exception as exc:
                    if self.stop.is_set():
                        return
                    if not failing:
                        self.note(f"cannot list {self.what} in {self.namespace}: {describe_kube_error(exc)}; retrying")
                    failing = True
                    retry.wait()
                    continue
                version = listed.metadata.resource_version
                yield from self._difference(known, listed.items)
                yield "SYNCED", None
            stream = watch.Watch()
            with self._lock:
                self._watch = stream
            try:
                for event in stream.stream(self.list_func, self.namespace, resource_version=version,
                                           timeout_seconds=WATCH_SECONDS, allow_watch_bookmarks=True,
                                           _request_timeout=(REQUEST_TIMEOUT[0], WATCH_SECONDS + 15),
                                           **self.selector):
                    change, obj = event["type"], event["object"]
                    if failing:
                        self.note(f"watching {self.what} in {self.namespace} again")
                        failing = False
                    retry.reset()
                    if change == "BOOKMARK":  # only a newer resourceVersion to resume from
                        version = stream.resource_version or version
                        continue
                    version = obj.metadata.resource_version or version
                    if change == "DELETED":
                        known.pop(obj.metadata.uid, None)
                    else:
                        known[obj.metadata.uid] = obj
                    yield change, obj
                    if self.stop.is_set():
                        return
            except Exception as exc:
                if self.stop.is_set():
                    return
                if _status(exc) == 410:  # history compacted past our version: list again
                    version = None
                    continue
                if _timed_out(exc):  # quiet for longer than its read timeout: resume
                    continue
                if not failing:
                    self.note(f"watch of {self.what} in {self.namespace} interrupted: {describe_kube_error(exc)}; "
                              "resuming")
                failing = True
                retry.wait()
            finally:
                with self._lock:
                    self._watch = None
            # the watch ended (its timeout, or the server closed it): resume from `version`

    @staticmethod
    def _difference(known: dict[str, Any], items: list) -> Iterator[tuple[str, Any]]:
        current = {obj.metadata.uid: obj for obj in items}
        for uid in [uid for uid in known if uid not in current]:
            yield "DELETED", known.pop(uid)
        for obj in sorted(items, key=lambda o: (str(o.metadata.creation_timestamp or ""), o.metadata.name)):
            before = known.get(obj.metadata.uid)
            known[obj.metadata.uid] = obj
            if before is None:
                yield "ADDED", obj
            elif before.metadata.resource_version != obj.metadata.resource_version:
                yield "MODIFIED", obj


# ------------------------------------------------------------------ log lines and where we are
_STAMP = re.compile(rb"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) ")


def split_stamp(raw: bytes) -> tuple[tuple[str, int] | None, str, bytes]:
    """A `timestamps=true` log line as (sortable key, the stamp as sent, the line). The
    kubelet writes RFC3339Nano (trailing zeros cut, so texts do not sort), in UTC."""
    m = _STAMP.match(raw)
    if m is None:
        return None, "", raw
    seconds, fraction, zone = m.group(1).decode(), (m.group(2) or b"").decode(), m.group(3)
    if zone != b"Z":
        from datetime import UTC, datetime

        seconds = datetime.fromisoformat(f"{seconds}{zone.decode()}").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return (seconds, int(fraction.ljust(9, "0"))), m.group(0)[:-1].decode(), raw[m.end():]


class LogCursor:
    """How far a container's log has been shown: the newest timestamp, and how often each
    text was shown at it. After a reconnect (`sinceTime` is cut to whole seconds on its way
    to the kubelet, so some lines come again) a line older than that timestamp is a repeat,
    and so is a line at it whose text was shown there, as many times as it was shown."""

    def __init__(self) -> None:
        self.newest: tuple[str, int] | None = None
        self.since = ""  # the newest line's stamp, as sent: the next sinceTime
        self._at_newest: Counter[bytes] = Counter()
        self._repeats: Counter[bytes] = Counter()

    def reconnected(self) -> None:
        self._repeats = Counter(self._at_newest)

    def fresh(self, key: tuple[str, int] | None, stamp: str, text: bytes) -> bool:
        if key is None:  # no timestamp (an old server): nothing to compare, show it
            return True
        if self.newest is None or key > self.newest:
            self.newest, self.since = key, stamp
            self._at_newest = Counter((text,))
            self._repeats.clear()
            return True
        if key < self.newest:
            return False
        if self._repeats[text] > 0:
            self._repeats[text] -= 1
            return False
        self._at_newest[text] += 1
        return True


# ------------------------------------------------------------------ pods' logs
class _Lines:
    """A follower's output: a bounded queue its threads fill (a flood waits; memory does
    not grow), drained by the thread that iterates the follower."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop
        self.out: queue.Queue[str] = queue.Queue(maxsize=10000)

    def emit(self, line: str) -> None:
        while not self.stop.is_set():
            try:
                self.out.put(line, timeout=_POLL)
                return
            except queue.Full:
                continue

    def note(self, text: str) -> None:
        self.emit(f"petstore-tui: {text}")

    def drain(self) -> Iterator[str]:
        while not self.stop.is_set():
            try:
                yield self.out.get(timeout=_POLL)
            except queue.Empty:
                continue


class PodLogs(_Lines):
    """Every container of the pods of a namespace (optionally by label), followed: those
    there at the start from their last FOLLOW_TAIL_LINES lines, those that come later from
    their first line. Yields `[pod/<pod>/<container>] <line>` (kubectl's `--prefix`, which
    the engine's grouping understands) and `petstore-tui: ...` notes."""

    def __init__(self, api, namespace: str, stop: threading.Event, *, label_selector: str | None = None,
                 tail_lines: int | None = FOLLOW_TAIL_LINES) -> None:
        from kubernetes import client

        super().__init__(stop)
        self.api = api
        self.core = client.CoreV1Api(api)
        self.namespace = namespace
        self.label_selector = label_selector
        self.tail_lines = tail_lines
        self.pods: dict[str, Any] = {}  # uid -> the pod as last seen
        self.changed = threading.Condition()
        self._readers: dict[tuple[str, str], threading.Thread] = {}
        self._responses: set[Any] = set()
        self._synced = False
        self._capped = False
        self.watch = ObjectWatch(self.core.list_namespaced_pod, namespace, stop, label_selector=label_selector,
                                 note=self.note, what="pods")

    def lines(self) -> Iterator[str]:
        watcher = threading.Thread(target=self._watch_pods, daemon=True, name=f"watch-pods-{self.namespace}")
        watcher.start()
        try:
            yield from self.drain()
        finally:
            self.stop.set()
            self.watch.close()
            with self.changed:
                self.changed.notify_all()
                responses = list(self._responses)
            for response in responses:
                _shutdown(response)

    # -- the pods
    def _watch_pods(self) -> None:
        for change, pod in self.watch:
            if change == "SYNCED":
                if not self._synced and not self.pods:
                    what = f" with {self.label_selector}" if self.label_selector else ""
                    self.note(f"no pods in {self.namespace}{what} yet; waiting for some")
                self._synced = True
                continue
            with self.changed:
                if change == "DELETED":
                    self.pods.pop(pod.metadata.uid, None)
                else:
                    self.pods[pod.metadata.uid] = pod
                self.changed.notify_all()
            if change != "DELETED":
                self._start_readers(pod)

    def _start_readers(self, pod) -> None:
        uid, name = pod.metadata.uid, pod.metadata.name
        # a reader ends with its pod: only the live ones count
        self._readers = {key: thread for key, thread in self._readers.items() if thread.is_alive()}
        for container in (c.name for c in (pod.spec.containers if pod.spec else [])):
            if (uid, container) in self._readers:
                continue
            if len({u for u, _c in self._readers} | {uid}) > MAX_PODS:
                if not self._capped:
                    self.note(f"following the first {MAX_PODS} pods of {self.namespace} only")
                self._capped = True
                return
            if self._synced:
                self.note(f"following new pod/{name} ({container})")
            reader = _ContainerLog(self, name, uid, container, None if self._synced else self.tail_lines)
            thread = threading.Thread(target=reader.run, daemon=True, name=f"follow-{name}-{container}")
            self._readers[(uid, container)] = thread
            thread.start()

    def container(self, uid: str, name: str, *, fresh: bool = False):
        """(pod, its status of container `name`) as the watch last saw it; pod None once
        deleted. `fresh`: read the pod now (the watch may lag a restart by a moment)."""
        with self.changed:
            pod = self.pods.get(uid)
        if pod is not None and fresh:
            try:
                now = self.core.read_namespaced_pod(pod.metadata.name, self.namespace,
                                                    _request_timeout=REQUEST_TIMEOUT)
                if now.metadata.uid == uid:
                    pod = now
            except Exception:  # noqa: S110 - the watch's view will do
                pass
        if pod is None or pod.status is None:
            return pod, None
        return pod, next((cs for cs in pod.status.container_statuses or [] if cs.name == name), None)

    def wait_change(self, timeout: float) -> None:
        with self.changed:
            self.changed.wait(timeout)

    # -- one request for a container's log
    def open_log(self, pod: str, container: str, *, follow: bool, previous: bool = False,
                 tail_lines: int | None = None, since: str = ""):
        """GET .../pods/<pod>/log with timestamps, and sinceTime, which the client's
        read_namespaced_pod_log lacks (docs/knowledge/kubernetes-follow.md): the same
        request through the client's own serialiser, auth and connection pool."""
        from kubernetes.client.exceptions import ApiException

        query: list[tuple[str, str]] = [("container", container), ("timestamps", "true")]
        if follow:
            query.append(("follow", "true"))
        if previous:
            query.append(("previous", "true"))
        if tail_lines is not None:
            query.append(("tailLines", str(tail_lines)))
        if since:
            query.append(("sinceTime", since))
        request = self.api.param_serialize(
            method="GET", resource_path="/api/v1/namespaces/{namespace}/pods/{name}/log",
            path_params={"namespace": self.namespace, "name": pod}, query_params=query,
            header_params={"Accept": "text/plain"}, auth_settings=["BearerToken"])
        answer = self.api.call_api(*request, _request_timeout=(REQUEST_TIMEOUT[0], LOG_READ_TIMEOUT)
                                   if follow else REQUEST_TIMEOUT)
        if not 200 <= answer.status <= 299:
            answer.read()
            raise ApiException.from_response(http_resp=answer, body=None, data=None)
        response = answer.response
        with self.changed:
            self._responses.add(response)
        if self.stop.is_set():
            _shutdown(response)
        return response

    def release(self, response) -> None:
        with self.changed:
            self._responses.discard(response)
        response.release_conn()


class _ContainerLog:
    """Reads one container of one pod until the pod is gone (or the follow stops)."""

    def __init__(self, pods: PodLogs, pod: str, uid: str, container: str, tail_lines: int | None) -> None:
        self.pods = pods
        self.pod = pod
        self.uid = uid
        self.container = container
        self.tail_lines = tail_lines
        self.prefix = f"[pod/{pod}/{container}] "
        self.cursor = LogCursor()
        self.complained = False  # an interruption was reported; its end will be too

    def run(self) -> None:
        stop = self.pods.stop
        retry = _Retry(stop)
        followed = ""  # containerID of the instance being followed
        quiet = 0  # streams in a row that ended at once with nothing new
        while not stop.is_set():
            # after the first stream, ask for the pod itself: a restart must be known before
            # reconnecting, or the old instance's last lines would be skipped
            pod, status = self.pods.container(self.uid, self.container, fresh=bool(followed))
            if pod is None:  # deleted: its last lines, then done
                self._read(follow=False)
                return
            instance = (status.container_id or "") if status is not None else ""
            if status is None or not (instance or status.state and (status.state.running or status.state.terminated)):
                self.pods.wait_change(2.0)  # not started yet
                continue
            try:
                if followed and instance and instance != followed:  # restarted: the old one's end
                    self._read(follow=False, previous=True)
                followed = instance or followed
                shown = self._read(follow=True)
            except Exception as exc:
                if stop.is_set():
                    return
                code = _status(exc)
                if code == 404 or code == 400:  # pod going, or container not (yet) running
                    self.pods.wait_change(2.0)
                    continue
                if _timed_out(exc):  # a quiet log: reopen it from where it was
                    continue
                if not self.complained:
                    self.pods.emit(f"{self.prefix}petstore-tui: log stream interrupted: {describe_kube_error(exc)}; "
                                   "reconnecting")
                self.complained = True
                retry.wait()
                continue
            retry.reset()
            # The stream ended: the container exited, the pod is going, or the connection
            # closed. Reopen it; wait for the pod to change first if that showed nothing.
            quiet = 0 if shown else quiet + 1
            if pod.status is not None and pod.status.phase in ("Succeeded", "Failed") and not shown:
                self.pods.wait_change(5.0)
            elif quiet:
                self.pods.wait_change(min(5.0, 0.5 * quiet))

    def _read(self, *, follow: bool, previous: bool = False) -> int:
        """One request; shows the lines the cursor has not shown. Returns how many."""
        tail = self.tail_lines if self.cursor.newest is None and not previous else None
        since = self.cursor.since
        if since:
            self.cursor.reconnected()
        try:
            response = self.pods.open_log(self.pod, self.container, follow=follow, previous=previous,
                                          tail_lines=tail, since=since)
        except Exception as exc:
            if not follow and _status(exc) in (400, 404):  # no previous instance, or no pod
                return 0
            raise
        if self.complained:
            self.pods.emit(f"{self.prefix}petstore-tui: log stream resumed")
            self.complained = False
        shown = 0
        try:
            for raw in iter_stream_lines(response.stream(_CHUNK, decode_content=True)):
                key, stamp, text = split_stamp(raw)
                if self.cursor.fresh(key, stamp, text):
                    self.pods.emit(self.prefix + text.decode("utf-8", "replace"))
                    shown += 1
        except Exception:
            if self.pods.stop.is_set():
                return shown
            raise
        finally:
            self.pods.release(response)
        self.tail_lines = None
        return shown


# ------------------------------------------------------------------ events
class Events(_Lines):
    """The events of some namespaces: those there at the start, oldest first, then each
    new occurrence as the watch reports it. An event is shown once per occurrence: a
    repeat (its count, or its series' count, grown) shows again with `(xN)`; the same
    occurrence seen again (a MODIFIED for another field, a list after 410) does not."""

    def __init__(self, api, namespaces: list[str], stop: threading.Event) -> None:
        from kubernetes import client

        super().__init__(stop)
        self.core = client.CoreV1Api(api)
        self.namespaces = namespaces
        self.watches = [ObjectWatch(self.core.list_namespaced_event, ns, stop, note=self.note, what="events")
                        for ns in namespaces]
        self._shown: dict[str, tuple] = {}  # uid -> the occurrence last shown
        self._lock = threading.Lock()

    @staticmethod
    def occurrence(event) -> tuple:
        series = getattr(event, "series", None)
        return (event.count or 0, getattr(series, "count", None) or 0,
                str(event.last_timestamp or getattr(series, "last_observed_time", None) or event.event_time or ""))

    def _watch(self, watch: ObjectWatch) -> None:
        first: list[tuple[float, str]] | None = []  # the listed events, shown oldest first
        for change, event in watch:
            if change == "SYNCED":
                for _stamp, line in sorted(first or [], key=lambda item: item[0]):
                    self.emit(line)
                first = None
                continue
            uid = event.metadata.uid
            with self._lock:
                if change == "DELETED":  # expired (events live an hour): forget it
                    self._shown.pop(uid, None)
                    continue
                occurrence = self.occurrence(event)
                if self._shown.get(uid) == occurrence:
                    continue
                self._shown[uid] = occurrence
            stamp, _resource, line = event_line(event)
            if first is not None:
                first.append((stamp, line))
            else:
                self.emit(line)

    def lines(self) -> Iterator[str]:
        for watch in self.watches:
            threading.Thread(target=self._watch, args=(watch,), daemon=True,
                             name=f"watch-events-{watch.namespace}").start()
        try:
            yield from self.drain()
        finally:
            self.stop.set()
            for watch in self.watches:
                watch.close()


# ------------------------------------------------------------------ the TUI's sources
def follow_pod_logs(api, namespace: str, stop: threading.Event, *, label_selector: str | None = None,
                    tail_lines: int | None = FOLLOW_TAIL_LINES) -> Iterator[str]:
    return PodLogs(api, namespace, stop, label_selector=label_selector, tail_lines=tail_lines).lines()


def follow_pods(api, target, stop: threading.Event) -> Iterator[str]:
    """The TUI's "App pods" source: every container of the app namespace, followed."""
    return follow_pod_logs(api, target.namespace, stop)


def follow_controller(api, target, stop: threading.Event) -> Iterator[str]:
    """The TUI's "LB controller" source: the controller's pods in kube-system, followed."""
    return follow_pod_logs(api, CONTROLLER_NAMESPACE, stop, label_selector=CONTROLLER_SELECTOR)


def follow_events(api, target, stop: threading.Event) -> Iterator[str]:
    """The TUI's "Kubernetes events" source: events of the app namespace and kube-system."""
    return Events(api, list(dict.fromkeys((target.namespace, CONTROLLER_NAMESPACE))), stop).lines()
