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

Here: the events and the TUI's three sources; the watches are in kube_watch, the pods'
logs in kube_pod_logs, the reconnect bookkeeping in kube_log_cursor.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from kubernetes import client

from petstore_core.settings import CONTROLLER_NAMESPACE, CONTROLLER_SELECTOR
from petstore_tui.services.kube_pod_logs import FOLLOW_TAIL_LINES, PodLogs
from petstore_tui.services.kube_scan import event_line
from petstore_tui.services.kube_watch import LineQueue, ObjectWatch


# ------------------------------------------------------------------ events
class Events(LineQueue):
    """The events of some namespaces: those there at the start, oldest first, then each
    new occurrence as the watch reports it. An event is shown once per occurrence: a
    repeat (its count, or its series' count, grown) shows again with `(xN)`; the same
    occurrence seen again (a MODIFIED for another field, a list after 410) does not."""

    def __init__(self, api, namespaces: list[str], stop: threading.Event) -> None:
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
