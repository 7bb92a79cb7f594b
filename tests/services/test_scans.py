"""Logs read once into the engine: Kubernetes pod logs, events and pod status, --live
(services/kube_scan.py), and a tool's output (services/log_scan.py). (The live followers
of the TUI: tests/services/test_kube_follow.py.)"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import types
from pathlib import Path

import pytest

from checks.catalog_loader import load_catalog
from checks.engine import Engine
from petstore_tui.services.kube_scan import (
    event_lines,
    iter_stream_lines,
    pod_log_lines,
    pod_status_lines,
    scan_live,
    scan_pod_log,
)
from petstore_tui.services.log_scan import scan_process
from tests.support.kube_stub import kube_stub  # noqa: F401  (the fixture)

FIXTURES = Path(__file__).parents[1] / "checks" / "fixtures" / "catalog"
TRACEBACK = ("Traceback (most recent call last):\n  File \"/app/app.py\", line 1, in <module>\n"
             "ImportError: cannot import name 'url_quote' from 'werkzeug.urls'\n")
DENIAL = ("{\"level\":\"error\",\"msg\":\"Reconciler error\",\"error\":\"AccessDenied: User: "
          "arn:aws:sts::1:assumed-role/ctrl-role/x is not authorized to perform: "
          "elasticloadbalancing:AddTags on resource\"}\n")


@pytest.fixture
def engine():
    return Engine(load_catalog(FIXTURES))


@pytest.fixture
def api(kube_stub):  # noqa: F811
    """Stand-in: the stub Kubernetes API server, through the real kubernetes client."""
    from petstore_core.kube import api_client

    client = api_client()
    yield client
    client.close()


def test_iter_stream_lines_splits_and_cuts():
    """Stand-in: byte chunks cut at awkward places, with one endless line."""
    from checks.engine.normalize import RAW_MAX_LINE

    chunks = [b"a\nb", b"c\n", b"x" * (RAW_MAX_LINE + 10), b"y" * 10, b"z\nlast"]
    lines = list(iter_stream_lines(chunks))
    assert lines[:2] == [b"a", b"bc"]
    assert len(lines[2]) == RAW_MAX_LINE and set(lines[2]) == {ord("x")}
    assert lines[3:] == [b"last"]


def test_pod_log_current_and_previous(kube_stub, api, engine):  # noqa: F811
    """Stand-in: kube_stub serving a current and a previous container log."""
    kube_stub.add_pod("petstore-1", restart_count=2)
    kube_stub.set_log("petstore", "petstore-1", "booting\n" + TRACEBACK, container="app", previous=True)
    kube_stub.set_log("petstore", "petstore-1", "healthy\n", container="app")
    assert list(pod_log_lines(api, "petstore", "petstore-1", container="app")) == [b"healthy"]
    changed = scan_pod_log(engine, api, "petstore", "petstore-1", container="app", previous=True)
    assert [(f.failure_id, f.resource, f.source) for f in changed] == [
        ("fixture-werkzeug-url-quote", "pod/petstore-1/app", "app")]
    logs = kube_stub.requests_for("GET", "/log")
    assert logs[-1].query.get("previous") == "true" and logs[-1].query.get("container") == "app"


def test_followed_log_gives_findings_as_lines_arrive(kube_stub, api, engine):  # noqa: F811
    """Stand-in: kube_stub's live log stream (follow=true, chunked)."""
    kube_stub.add_pod("ctrl-1", namespace="kube-system")
    stream = kube_stub.log_stream("kube-system", "ctrl-1")
    seen: list[str] = []
    arrived = threading.Event()

    def reader():
        for line in pod_log_lines(api, "kube-system", "ctrl-1", follow=True, request_timeout=(5, 30)):
            for finding in engine.feed(line, source="alb-controller", resource="pod/ctrl-1"):
                seen.append(finding.resource)
                arrived.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    stream.write(DENIAL)
    stream.write("next line\n")  # closes the event holding the denial
    assert arrived.wait(20), "no finding arrived from the followed log"
    stream.close()
    thread.join(20)
    assert not thread.is_alive()
    assert seen == ["ctrl-role"]


def test_events_become_lines(kube_stub, api):  # noqa: F811
    """Stand-in: kube_stub with two events."""
    kube_stub.add_event("petstore", "Pod", "petstore-1", "FailedScheduling",
                        "0/2 nodes are available: 2 Insufficient memory.", count=3)
    kube_stub.add_event("petstore", "Ingress", "petstore", "SuccessfullyReconciled", "ok", type="Normal")
    lines = dict(event_lines(api, "petstore"))
    assert lines["pod/petstore-1"] == ("2026-11-28T05:00:00Z Warning FailedScheduling pod/petstore-1: "
                    "0/2 nodes are available: 2 Insufficient memory. (x3)")
    assert "ingress/petstore" in lines


def test_pod_status_lines(kube_stub, api):  # noqa: F811
    """Stand-in: kube_stub pods in CrashLoopBackOff after an OOM kill."""
    from kubernetes import client

    kube_stub.add_pod("petstore-1", waiting_reason="CrashLoopBackOff", waiting_message="back-off 5m0s",
                      last_terminated_reason="OOMKilled", exit_code=137, restart_count=4)
    [pod] = client.CoreV1Api(api).list_namespaced_pod("petstore", _request_timeout=(5, 10)).items
    lines = [line for _, line in pod_status_lines(pod)]
    assert lines == [
        "pod/petstore-1 container app waiting: CrashLoopBackOff back-off 5m0s",
        "pod/petstore-1 container app last terminated: OOMKilled exit 137",
        "pod/petstore-1 container app restarts: 4",
    ]


def test_scan_live_reads_app_and_controller(kube_stub, api, engine):  # noqa: F811
    """Stand-in: kube_stub with an app pod, a controller pod and their logs."""
    kube_stub.add_pod("petstore-1")
    kube_stub.set_log("petstore", "petstore-1", TRACEBACK, container="app")
    kube_stub.add_pod("ctrl-1", namespace="kube-system", containers=("aws-load-balancer-controller",),
                      labels={"app.kubernetes.io/name": "aws-load-balancer-controller"})
    kube_stub.set_log("kube-system", "ctrl-1", DENIAL, container="aws-load-balancer-controller")
    report = scan_live(engine, api, "petstore")
    assert report.errors == []
    assert "logs:kube-system/ctrl-1/aws-load-balancer-controller" in report.sources
    assert {(f.failure_id, f.resource) for f in engine.findings()} == {
        ("fixture-werkzeug-url-quote", "pod/petstore-1/app"), ("fixture-addtags-denied", "ctrl-role")}


def test_scan_live_reports_api_failures(kube_stub, api, engine):  # noqa: F811
    """Stand-in: kube_stub answering 403 to pod lists."""
    kube_stub.fail(r"/pods$", 403, "forbidden")
    report = scan_live(engine, api, "petstore")
    assert any("403" in e for e in report.errors) and "Traceback" not in " ".join(report.errors)


def test_scan_process_feeds_output(engine):
    """Stand-in: a real Python child process printing a traceback on stderr."""
    code = f"import sys; sys.stderr.write({TRACEBACK!r}); print('done')"
    result = asyncio.run(scan_process(engine, [sys.executable, "-c", code], timeout=30,
                                      source="app", resource="local"))
    assert result.returncode == 0
    assert [(f.failure_id, f.resource) for f in engine.findings()] == [("fixture-werkzeug-url-quote", "local")]


def test_diagnose_live_with_stub_cluster_and_fake_probes(kube_stub, capsys, monkeypatch):  # noqa: F811
    """Stand-ins: kube_stub for the cluster, a fake checks.probes module for the probes."""
    from checks.model import CheckResult, Status
    from petstore_tui import cli

    monkeypatch.setenv("PETSTORE_TUI_CATALOG", str(FIXTURES))
    kube_stub.add_pod("petstore-1")
    kube_stub.set_log("petstore", "petstore-1", "ok\n", container="app")

    async def run_probes(ctx):
        return [CheckResult(id="alb-policy", group="aws", status=Status.FAIL,
                            summary="role lacks elasticloadbalancing:AddTags",
                            failure_id="fixture-addtags-denied"),
                CheckResult(id="subnets", group="aws", status=Status.PASS, summary="ok")]

    monkeypatch.setitem(sys.modules, "checks.probes", types.SimpleNamespace(run_probes=run_probes))
    code = cli.main(["diagnose", "--live", "--json", "--context", "stub"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    assert "probes" in doc["sources"] and "pods:petstore" in doc["sources"]
    [finding] = doc["findings"]
    assert finding["resource"] == "probe:alb-policy"
    assert finding["evidence"] == ["role lacks elasticloadbalancing:AddTags"]


def test_diagnose_live_without_a_cluster_says_why(capsys, monkeypatch, tmp_path):
    """Stand-in: KUBECONFIG pointing at a file that does not exist; probes absent."""
    from petstore_tui import cli

    monkeypatch.setenv("PETSTORE_TUI_CATALOG", str(FIXTURES))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "missing"))
    monkeypatch.setitem(sys.modules, "checks.probes", None)  # import fails: probes unavailable
    code = cli.main(["diagnose", "--live", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 2
    assert any("no kubeconfig" in e for e in doc["errors"])
    assert any(s.startswith("probes unavailable") for s in doc["skipped"])


def test_scan_live_gives_up_quickly_on_a_silent_server(tmp_path, monkeypatch, engine):
    """Stand-in: a TCP socket that accepts connections and never answers."""
    import socket

    from petstore_core.kube import api_client
    from tests.support.kube_stub import write_kubeconfig

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        kubeconfig = write_kubeconfig(tmp_path / "kc", f"http://127.0.0.1:{silent.getsockname()[1]}")
        monkeypatch.setenv("KUBECONFIG", str(kubeconfig))
        with api_client() as api:
            report = scan_live(engine, api, "petstore", request_timeout=(1, 1))
    finally:
        silent.close()
    assert len(report.errors) == 1
    assert "did not answer in time" in report.errors[0] or "cannot reach" in report.errors[0]
    assert report.skipped == ["the other cluster reads: the API server is unreachable"]
