"""The live Kubernetes followers against the stub API server with real watch semantics:
a rollout's new pod followed, a dropped connection resumed without loss, a restarted
container read from its previous instance, a 410 Gone relisted, events once each.

Stand-in everywhere: tests/support/kube_stub.py (pytest-httpserver speaking the API's
REST paths, watch streams with resourceVersions, 410 after compaction, timestamped logs
with sinceTime cut to whole seconds as the API server passes it to the kubelet), reached
through the real kubernetes client. No sleeps: every wait is for a condition, with a
deadline."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest

from petstore_core.settings import Target
from petstore_tui.services.kube_follow import follow_controller, follow_events, follow_pods
from petstore_tui.services.kube_log_cursor import LogCursor, split_stamp
from tests.support.kube_stub import kube_stub  # noqa: F401  (the fixture)

TARGET = Target(namespace="petstore")
DEADLINE = 20.0  # seconds any awaited line may take on a loaded machine


@pytest.fixture
def api(kube_stub):  # noqa: F811
    from petstore_core.kube import api_client

    client = api_client()
    yield client
    client.close()


class Follow:
    """A follower running in a thread, its lines collected."""

    def __init__(self, factory: Callable[..., Iterator[str]], api) -> None:
        self.stop = threading.Event()
        self.lines: list[str] = []
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, args=(factory, api), daemon=True)
        self.thread.start()

    def _run(self, factory, api) -> None:
        for line in factory(api, TARGET, self.stop):
            with self._lock:
                self.lines.append(line)

    def shown(self, prefix: str = "[pod/", notes: bool = False) -> list[str]:
        """The lines starting with `prefix`; our own notes only when asked."""
        with self._lock:
            return [line for line in self.lines
                    if line.startswith(prefix) and (notes or "] petstore-tui: " not in line)]

    def wait_for(self, line: str) -> None:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:  # bounded: a line that never comes fails the test
            with self._lock:
                if any(line in seen for seen in self.lines):
                    return
            time.sleep(0.02)
        raise AssertionError(f"{line!r} never came; got {self.lines}")

    def close(self) -> None:
        self.stop.set()
        self.thread.join(DEADLINE)
        assert not self.thread.is_alive(), "the follower did not stop"


def test_rollout_new_pod_is_followed_and_no_line_is_lost_or_repeated(kube_stub, api):  # noqa: F811
    """A rollout replaces the only pod mid-stream: the new pod is announced and followed
    from its first line, the old one's last lines still arrive, each line exactly once."""
    kube_stub.add_pod("petstore-7d9f-old")
    old = kube_stub.log_stream("petstore", "petstore-7d9f-old", container="app")
    old.write("old 1")
    follow = Follow(follow_pods, api)
    follow.wait_for("[pod/petstore-7d9f-old/app] old 1")
    old.write("old 2")
    kube_stub.add_pod("petstore-8c2e-new")  # the new ReplicaSet's pod
    new = kube_stub.log_stream("petstore", "petstore-8c2e-new", container="app")
    new.write("new 1")
    old.write("old 3, its last words")
    kube_stub.remove("Pod", "petstore-7d9f-old", "petstore")  # the old pod goes
    new.write("new 2")
    follow.wait_for("[pod/petstore-8c2e-new/app] new 2")
    follow.wait_for("[pod/petstore-7d9f-old/app] old 3, its last words")
    follow.close()
    assert Counter(follow.shown()) == Counter([
        "[pod/petstore-7d9f-old/app] old 1", "[pod/petstore-7d9f-old/app] old 2",
        "[pod/petstore-7d9f-old/app] old 3, its last words",
        "[pod/petstore-8c2e-new/app] new 1", "[pod/petstore-8c2e-new/app] new 2"])
    assert "petstore-tui: following new pod/petstore-8c2e-new (app)" in follow.lines
    watches = [r for r in kube_stub.requests_for("GET", "/pods") if r.query.get("watch") == "true"]
    assert watches and all(r.query.get("resourceVersion") for r in watches)


def test_dropped_connection_resumes_without_loss_or_repeat(kube_stub, api):  # noqa: F811
    """Every connection drops and reconnects are refused for a while; meanwhile the app
    logs a line with the very timestamp of the last one shown, a line whose text was
    shown before, and more. All of them arrive once; nothing shown before comes again."""
    kube_stub.add_pod("petstore-1")
    log = kube_stub.log_stream("petstore", "petstore-1", container="app")
    for n in range(3):
        log.write(f"line {n}")
    follow = Follow(follow_pods, api)
    follow.wait_for("line 2")
    last_stamp = log.entries[-1][0]
    kube_stub.fail(r"/log$", 503, "apiserver unavailable")
    kube_stub.drop_connections()
    log.write("line 2b, same nanosecond as line 2", at_ns=last_stamp)
    log.write("line 1")  # the same text again, later: a new line
    log.write("line 3")
    follow.wait_for("log stream interrupted")  # a reconnect was refused
    kube_stub.clear_failures()
    follow.wait_for("line 3")
    follow.close()
    prefix = "[pod/petstore-1/app] "
    assert follow.shown() == [prefix + text for text in (
        "line 0", "line 1", "line 2", "line 2b, same nanosecond as line 2", "line 1", "line 3")]
    resumed = [r for r in kube_stub.requests_for("GET", "/log") if r.query.get("sinceTime")]
    assert resumed and resumed[-1].query["timestamps"] == "true"
    assert split_stamp(resumed[-1].query["sinceTime"].encode() + b" x")[0] is not None
    notes = follow.shown(prefix + "petstore-tui:", notes=True)
    assert any("interrupted" in n for n in notes) and any("resumed" in n for n in notes)


def test_restarted_container_is_read_from_its_previous_instance_then_the_new_one(kube_stub, api):  # noqa: F811
    """While the follower is cut off, the container logs its last lines, crashes and is
    restarted: those last lines come from `previous=true`, then the new instance's."""
    kube_stub.add_pod("petstore-1")
    log = kube_stub.log_stream("petstore", "petstore-1", container="app")
    log.write("booting")
    follow = Follow(follow_pods, api)
    follow.wait_for("booting")
    kube_stub.fail(r"/log$", 503, "apiserver unavailable")
    kube_stub.drop_connections()
    log.write("ImportError: cannot import name 'url_quote' from 'werkzeug.urls'")
    new = kube_stub.restart_container("petstore", "petstore-1", "app")
    new.write("booting again")
    follow.wait_for("log stream interrupted")
    kube_stub.clear_failures()
    follow.wait_for("booting again")
    follow.close()
    prefix = "[pod/petstore-1/app] "
    assert follow.shown() == [prefix + "booting",
                              prefix + "ImportError: cannot import name 'url_quote' from 'werkzeug.urls'",
                              prefix + "booting again"]
    previous = [r for r in kube_stub.requests_for("GET", "/log") if r.query.get("previous") == "true"]
    assert previous and previous[0].query.get("sinceTime")


def test_expired_watch_lists_again_and_follows_what_it_missed(kube_stub, api):  # noqa: F811
    """The pod watch is cut off while a pod comes and the history is compacted: resuming
    is refused with 410 Gone, the follower lists again and follows the new pod."""
    kube_stub.add_pod("petstore-1")
    kube_stub.log_stream("petstore", "petstore-1", container="app").write("first pod")
    follow = Follow(follow_pods, api)
    follow.wait_for("first pod")
    kube_stub.fail(r"/pods$", 503, "apiserver unavailable")
    kube_stub.drop_connections()
    kube_stub.add_pod("petstore-2")
    kube_stub.log_stream("petstore", "petstore-2", container="app").write("second pod")
    kube_stub.compact()
    follow.wait_for("watch of pods in petstore interrupted")
    kube_stub.clear_failures()
    follow.wait_for("[pod/petstore-2/app] second pod")
    follow.close()
    assert Counter(follow.shown()) == Counter(["[pod/petstore-1/app] first pod", "[pod/petstore-2/app] second pod"])
    pods = [r for r in kube_stub.requests_for("GET", "/pods") if not r.path.endswith("/log")]
    expired = [n for n, r in enumerate(pods) if r.query.get("watch") == "true"
               and int(r.query.get("resourceVersion") or 0) < kube_stub._floor]
    assert expired and any(r.query.get("watch") != "true" for r in pods[expired[0] + 1:])  # listed again


def test_events_come_once_per_occurrence(kube_stub, api):  # noqa: F811
    """Events: the ones there first, a repeat (count 2) once with (x2), a change that is
    no new occurrence not at all, and nothing again after a dropped, expired watch."""
    backoff = kube_stub.add_event("petstore", "Pod", "petstore-1", "BackOff", "Back-off restarting failed container")
    follow = Follow(follow_events, api)
    follow.wait_for("Back-off restarting failed container")
    kube_stub.repeat_event(backoff)
    kube_stub.add_event("petstore", "Pod", "petstore-1", "FailedMount", "secret \"db\" not found")
    current = kube_stub.get("v1", "Event", backoff["metadata"]["name"], "petstore")
    current["metadata"]["annotations"] = {"touched": "yes"}  # MODIFIED, same occurrence
    kube_stub.add(current)
    follow.wait_for("FailedMount")
    kube_stub.compact()
    kube_stub.drop_connections()
    kube_stub.add_event("petstore", "Pod", "petstore-1", "Unhealthy", "Readiness probe failed")
    follow.wait_for("Readiness probe failed")
    follow.close()
    events = [line.split(" ", 1)[1] for line in follow.lines if not line.startswith("petstore-tui:")]
    assert events == [
        "Warning BackOff pod/petstore-1: Back-off restarting failed container",
        "Warning BackOff pod/petstore-1: Back-off restarting failed container (x2)",
        'Warning FailedMount pod/petstore-1: secret "db" not found',
        "Warning Unhealthy pod/petstore-1: Readiness probe failed",
    ]


def test_two_containers_prefixed_and_the_follow_stops(kube_stub, api):  # noqa: F811
    """Two containers of one pod, each line prefixed as `kubectl logs --prefix` does; the
    follower ends when told to."""
    kube_stub.add_pod("petstore-1", containers=("app", "sidecar"))
    app = kube_stub.log_stream("petstore", "petstore-1", container="app")
    sidecar = kube_stub.log_stream("petstore", "petstore-1", container="sidecar")
    follow = Follow(follow_pods, api)
    app.write("Traceback (most recent call last):")
    sidecar.write("proxy ready")
    follow.wait_for("[pod/petstore-1/app] Traceback (most recent call last):")
    follow.wait_for("[pod/petstore-1/sidecar] proxy ready")
    follow.close()


def test_controller_source_follows_only_the_controller_pods(kube_stub, api):  # noqa: F811
    """The LB controller source watches kube-system by the controller's label."""
    labels = {"app.kubernetes.io/name": "aws-load-balancer-controller"}
    kube_stub.add_pod("ctrl-1", namespace="kube-system", containers=("aws-load-balancer-controller",), labels=labels)
    kube_stub.log_stream("kube-system", "ctrl-1", container="aws-load-balancer-controller").write("reconciling")
    kube_stub.add_pod("coredns-1", namespace="kube-system", containers=("coredns",))
    kube_stub.log_stream("kube-system", "coredns-1", container="coredns").write("dns")
    follow = Follow(follow_controller, api)
    follow.wait_for("[pod/ctrl-1/aws-load-balancer-controller] reconciling")
    follow.close()
    assert not follow.shown("[pod/coredns")
    watch = [r for r in kube_stub.requests_for("GET", "/namespaces/kube-system/pods") if r.query.get("watch")]
    assert watch and watch[0].query["labelSelector"] == "app.kubernetes.io/name=aws-load-balancer-controller"


def test_no_pods_says_so_and_waits(kube_stub, api):  # noqa: F811
    """An empty namespace: one note, then the pod that comes is followed."""
    follow = Follow(follow_pods, api)
    follow.wait_for("petstore-tui: no pods in petstore yet")
    kube_stub.add_pod("petstore-1")
    kube_stub.log_stream("petstore", "petstore-1", container="app").write("hello")
    follow.wait_for("[pod/petstore-1/app] hello")
    follow.close()


def test_log_cursor_counts_repeats_at_the_newest_timestamp():
    """Stand-in: none. After a reconnect, a line at the newest timestamp is a repeat as
    often as its text was shown there, and new beyond that."""
    cursor = LogCursor()
    a, b = ("2026-11-28T05:00:01", 5), ("2026-11-28T05:00:01", 7)
    assert cursor.fresh(a, "2026-11-28T05:00:01.000000005Z", b"x")
    assert cursor.fresh(b, "2026-11-28T05:00:01.000000007Z", b"y")
    assert cursor.fresh(b, "2026-11-28T05:00:01.000000007Z", b"y")  # logged twice
    cursor.reconnected()
    replay = [(a, b"x"), (b, b"y"), (b, b"y"), (b, b"y"), (b, b"z")]
    assert [cursor.fresh(key, "", text) for key, text in replay] == [False, False, False, True, True]
    assert cursor.since == "2026-11-28T05:00:01.000000007Z"


@pytest.mark.parametrize(("raw", "key"), [
    (b"2026-11-28T05:00:00.12Z hello", ("2026-11-28T05:00:00", 120_000_000)),
    (b"2026-11-28T05:00:00Z hello", ("2026-11-28T05:00:00", 0)),
    (b"2026-11-28T07:00:00.5+02:00 hello", ("2026-11-28T05:00:00", 500_000_000)),
    (b"no stamp here", None),
])
def test_split_stamp(raw, key):
    """Stand-in: none; RFC3339Nano as the kubelet writes it (trailing zeros cut)."""
    assert split_stamp(raw)[0] == key
    assert split_stamp(raw)[2] in (b"hello", b"no stamp here")


def test_tui_sources_follow_through_the_watchers(kube_stub, api):  # noqa: F811
    """The TUI's three Kubernetes sources (commands/tui.py) are these followers: the App
    pods source streams a pod's log."""
    from petstore_tui.commands.tui import _kube_sources

    kube_stub.add_pod("petstore-1")
    kube_stub.log_stream("petstore", "petstore-1", container="app").write("from the tui")
    sources = {source.id: source for source in _kube_sources(Target(namespace="petstore"))}
    assert set(sources) == {"pods", "controller", "events"}
    assert not any(source.unavailable for source in sources.values())
    stop = threading.Event()
    lines = sources["pods"].follow(stop)
    try:
        assert next(line for line in lines if "from the tui" in line) == "[pod/petstore-1/app] from the tui"
    finally:
        stop.set()
        lines.close()


def test_quiet_log_is_reopened_silently_from_where_it_was(kube_stub, api, monkeypatch):  # noqa: F811
    """A log quiet for longer than the read timeout (1 s here) is reopened with sinceTime,
    without a note and without repeating or losing a line."""
    from petstore_tui.services import kube_pod_logs

    monkeypatch.setattr(kube_pod_logs, "LOG_READ_TIMEOUT", 1.0)
    kube_stub.add_pod("petstore-1")
    log = kube_stub.log_stream("petstore", "petstore-1", container="app")
    log.write("before the silence")
    follow = Follow(follow_pods, api)
    follow.wait_for("before the silence")
    deadline = time.monotonic() + DEADLINE
    while not [r for r in kube_stub.requests_for("GET", "/log") if r.query.get("sinceTime")]:
        assert time.monotonic() < deadline, "the quiet log was never reopened"
        time.sleep(0.02)
    log.write("after the silence")
    follow.wait_for("after the silence")
    follow.close()
    assert follow.shown(notes=True) == ["[pod/petstore-1/app] before the silence",
                                        "[pod/petstore-1/app] after the silence"]
