"""Pods' logs followed live: every container of the pods a watch announces, reopened from where
it was after a quiet spell or a dropped connection, a restarted container's previous lines first."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

from kubernetes import client
from kubernetes.client.exceptions import ApiException

from petstore_core.errors import describe_kube_error
from petstore_core.kube import REQUEST_TIMEOUT
from petstore_tui.services.kube_log_cursor import LogCursor, split_stamp
from petstore_tui.services.kube_scan import MAX_PODS, iter_stream_lines
from petstore_tui.services.kube_watch import (
    LineQueue,
    ObjectWatch,
    Retry,
    http_status,
    shutdown_response,
    timed_out,
)

LOG_READ_TIMEOUT = 60.0  # a log quiet this long is reopened (from where it was: no loss)
FOLLOW_TAIL_LINES = 200  # history shown of the pods there when a follow starts
_CHUNK = 64 * 1024


class PodLogs(LineQueue):
    """Every container of the pods of a namespace (optionally by label), followed: those
    there at the start from their last FOLLOW_TAIL_LINES lines, those that come later from
    their first line. Yields `[pod/<pod>/<container>] <line>` (kubectl's `--prefix`, which
    the engine's grouping understands) and `petstore-tui: ...` notes."""

    def __init__(self, api, namespace: str, stop: threading.Event, *, label_selector: str | None = None,
                 tail_lines: int | None = FOLLOW_TAIL_LINES) -> None:
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
                shutdown_response(response)

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
            shutdown_response(response)
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
        retry = Retry(stop)
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
                code = http_status(exc)
                if code == 404 or code == 400:  # pod going, or container not (yet) running
                    self.pods.wait_change(2.0)
                    continue
                if timed_out(exc):  # a quiet log: reopen it from where it was
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
            if not follow and http_status(exc) in (400, 404):  # no previous instance, or no pod
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
