"""What the Kubernetes followers share: list-then-watch of objects (resumed from the last
resourceVersion, listed again after 410 Gone), waits between retries, a bounded line queue."""

from __future__ import annotations

import queue
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

from kubernetes import watch

from petstore_core.errors import describe_kube_error
from petstore_core.kube import REQUEST_TIMEOUT

WATCH_SECONDS = 50  # a watch request's server-side timeout; then it resumes where it was
RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0)  # seconds between attempts after a failure, then the last
_POLL = 0.25  # how often a blocked wait looks at its stop flag


def http_status(exc: BaseException) -> int | None:
    status = getattr(exc, "status", None)
    return status if isinstance(status, int) else None


def timed_out(exc: BaseException) -> bool:
    """A read that waited out its timeout: a quiet log or watch, not a failure."""
    return "timed out" in str(exc).lower() or "Timeout" in type(exc).__name__


def shutdown_response(response) -> None:
    """Wake a thread blocked reading `response`: shut its socket down under it (closing
    the response would wait for the reader's lock, that is for the next byte)."""
    connection = getattr(response, "connection", None) or getattr(response, "_connection", None)
    sock = getattr(connection, "sock", None)
    try:
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed: nothing to wake


class Retry:
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
        known: dict[str, Any] = {}  # uid -> the object as last seen
        version: str | None = None  # where the next watch starts; None: list first
        retry = Retry(self.stop)
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
                if http_status(exc) == 410:  # history compacted past our version: list again
                    version = None
                    continue
                if timed_out(exc):  # quiet for longer than its read timeout: resume
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


class LineQueue:
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
