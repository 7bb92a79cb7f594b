"""The controller's Helm step against a fake `helm` on PATH and the stub Kubernetes API server."""

from __future__ import annotations

import json
import stat
import sys

import pytest

from petstore_core import settings
from petstore_tui.runbook.deploy_cluster_steps import controller_helm
from petstore_tui.services import helm

FAKE_HELM = r'''#!{python}
import json, os, sys
argv = sys.argv[1:]
log = os.path.join(os.path.dirname(__file__), "helm.calls")
stdin = sys.stdin.read() if argv[:1] == ["upgrade"] else None
with open(log, "a") as fh:
    fh.write(json.dumps({{"argv": argv, "stdin": stdin}}) + "\n")
if argv[:1] == ["version"]:
    sys.stdout.write("v3.16.3+gcfd0749"); sys.exit(0)  # the template prints no newline
if argv[:2] == ["show", "chart"]:
    print("apiVersion: v2\nname: aws-load-balancer-controller\nversion: 3.5.0\nappVersion: v3.5.0\ndescription: AWS LBC\ntype: application")
    sys.exit(0)
if argv[:1] == ["upgrade"] and os.environ.get("FAKE_HELM_GATE"):
    import time
    while not os.path.exists(os.environ["FAKE_HELM_GATE"]):  # helm --wait: silent until the pods are up
        time.sleep(0.05)
if argv[:1] in (["upgrade"], ["status"]):
    print(json.dumps({{"name": argv[1], "namespace": "kube-system", "version": 1,
                       "info": {{"status": "deployed", "last_deployed": "2026-11-28T05:00:00Z",
                                "first_deployed": "2026-11-28T05:00:00Z", "description": "Install complete"}},
                       "chart": {{"metadata": {{"name": "aws-load-balancer-controller", "version": "3.5.0",
                                               "apiVersion": "v2", "appVersion": "v3.5.0"}}}},
                       "config": {{}}, "manifest": ""}}))
    sys.exit(0)
if argv[:1] == ["uninstall"]:
    print('release "aws-load-balancer-controller" uninstalled'); sys.exit(0)
sys.exit(1)
'''


@pytest.fixture
def fake_helm(tmp_path, monkeypatch):
    """Stand-in: a fake `helm` executable on PATH recording argv and stdin (the values)."""
    folder = tmp_path / "helmbin"
    folder.mkdir()
    path = folder / "helm"
    path.write_text(FAKE_HELM.format(python=sys.executable))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")

    def calls():
        return [json.loads(line) for line in (folder / "helm.calls").read_text().splitlines()]

    return calls


def _ready_controller(kube_stub):
    kube_stub.add({"apiVersion": "apps/v1", "kind": "Deployment",
                   "metadata": {"name": "aws-load-balancer-controller", "namespace": "kube-system", "generation": 1},
                   "spec": {"replicas": 2},
                   "status": {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2,
                              "availableReplicas": 2, "readyReplicas": 2}})


async def test_controller_installed_with_our_values_and_waited_for(fake_helm, kube_stub, step_ctx, tmp_path):
    """Stand-in: fake helm on PATH, stub Kubernetes API server (ready controller deployment).
    The exact helm argv (eks chart repo pinned to 3.5.0, kube-system, --wait, our kubeconfig and context)
    and the values sent on stdin (explicit cluster, region, VPC; no IngressClass or SA
    created by the chart) are asserted."""
    folder = tmp_path / "manifests" / "controller"
    folder.mkdir(parents=True)
    (folder / "values.yaml").write_text(
        "clusterName: petstore-eks\nregion: eu-west-1\nvpcId: vpc-123\nreplicaCount: 2\n"
        "createIngressClassResource: false\nserviceAccount:\n  create: false\n  name: aws-load-balancer-controller\n")
    _ready_controller(kube_stub)
    ctx, rec = step_ctx(settings.Target(region="eu-west-1"), {
        "manifests": str(tmp_path / "manifests"), "kubeconfig": str(kube_stub.kubeconfig),
        "kube_context": "stub",
        "terraform": {"cluster_name": "petstore-eks", "region": "eu-west-1", "vpc_id": "vpc-123"}})
    result = await controller_helm(ctx)
    assert result.status.value == "done", result.summary
    calls = fake_helm()
    upgrade = next(c for c in calls if c["argv"][0] == "upgrade")
    assert upgrade["argv"] == [
        "upgrade", "aws-load-balancer-controller", "aws-load-balancer-controller",
        "--history-max", "10", "--install", "--output", "json", "--timeout", "10m",
        "--values", "-", "--namespace", "kube-system", "--repo", "https://aws.github.io/eks-charts",
        "--version", "3.5.0", "--wait", "--wait-for-jobs",
        "--kubeconfig", str(kube_stub.kubeconfig), "--kube-context", "stub"]
    assert "--disable-openapi-validation" not in " ".join(upgrade["argv"])
    assert json.loads(upgrade["stdin"]) == {
        "clusterName": "petstore-eks", "region": "eu-west-1", "vpcId": "vpc-123", "replicaCount": 2,
        "createIngressClassResource": False,
        "serviceAccount": {"create": False, "name": "aws-load-balancer-controller"}}
    show = next(c for c in calls if c["argv"][:2] == ["show", "chart"])
    assert show["argv"][:5] == ["show", "chart", "aws-load-balancer-controller", "--repo",
                                "https://aws.github.io/eks-charts"]
    # the chart is pinned to the release whose IAM policy terraform/ attaches
    assert show["argv"][show["argv"].index("--version") + 1] == "3.5.0"
    gets = [r.path for r in kube_stub.requests_for("GET", "deployments")]
    assert "/apis/apps/v1/namespaces/kube-system/deployments/aws-load-balancer-controller" in gets
    assert "revision 1" in rec.text()


async def test_silent_helm_wait_is_reported(fake_helm, kube_stub, tmp_path, monkeypatch):
    """Stand-in: fake helm on PATH whose `upgrade` stays silent until the test opens a gate
    (helm --wait prints nothing until the pods are up); a fake clock and ticks for the
    runner's heartbeat; stub Kubernetes API server with a ready controller. While helm is
    silent, the heartbeat names the Helm wait with its limit."""
    import asyncio

    from petstore_tui.runbook.deploy import Runbook
    from petstore_tui.runbook.model import Step
    from petstore_tui.runbook.runner import Runner
    from tests.runbook.test_heartbeat import FakeTime, beats, settle, start

    gate = tmp_path / "gate"
    monkeypatch.setenv("FAKE_HELM_GATE", str(gate))
    folder = tmp_path / "manifests" / "controller"
    folder.mkdir(parents=True)
    (folder / "values.yaml").write_text("replicaCount: 2\n")
    _ready_controller(kube_stub)
    outputs = {"manifests": str(tmp_path / "manifests"), "kubeconfig": str(kube_stub.kubeconfig),
               "kube_context": "stub", "terraform": {"cluster_name": "petstore-eks", "vpc_id": "vpc-123"}}

    async def step(ctx):
        ctx.outputs.update(outputs)
        return await controller_helm(ctx)

    fake = FakeTime()
    runner = Runner(settings.Target(region="eu-west-1"), Runbook("deploy", [Step("controller-helm", "Helm", step)]),
                    engine_factory=None, clock=fake.clock, tick=fake.tick)
    events, task = start(runner)
    await settle()
    await fake.at(10.0)
    assert beats(events) == ["… still waiting for helm upgrade --install aws-load-balancer-controller --wait "
                             "(its pods ready; helm prints nothing until then): 10s, gives up after 15m"]
    gate.write_text("open")
    await asyncio.wait_for(task, 120)  # helm and the readiness poll run for real
    assert events[-1].ok, events


async def test_uninstall_argv(fake_helm, kube_stub):
    """Stand-in: fake helm on PATH. Uninstall names the release and kube-system."""
    await helm.uninstall_controller(kubeconfig=kube_stub.kubeconfig, kubecontext="stub")
    uninstall = next(c for c in fake_helm() if c["argv"][0] == "uninstall")
    assert uninstall["argv"] == ["uninstall", "aws-load-balancer-controller", "--timeout", "10m",
                                 "--namespace", "kube-system", "--wait",
                                 "--kubeconfig", str(kube_stub.kubeconfig), "--kube-context", "stub"]


async def test_helm_gets_the_kubeconfig_option(fake_helm, kube_stub, step_ctx):
    """Stand-in: fake helm on PATH. A destroy with --kubeconfig (and no kubeconfig from a
    deploy) passes that file to helm, as kubectl's --kubeconfig would be."""
    from petstore_tui.runbook.destroy import controller_uninstall

    ctx, _ = step_ctx(settings.Target(region="eu-west-1", kubeconfig=kube_stub.kubeconfig))
    result = await controller_uninstall(ctx)
    assert result.status.value == "done", result.summary
    uninstall = next(c for c in fake_helm() if c["argv"][0] == "uninstall")["argv"]
    assert uninstall[uninstall.index("--kubeconfig") + 1] == str(kube_stub.kubeconfig)


async def test_missing_helm_is_a_clear_reason(monkeypatch, tmp_path):
    """Stand-in: an empty PATH (no helm). The step's skip reason and the client both say
    "helm not found" instead of pyhelm3's AssertionError."""
    monkeypatch.setenv("PATH", str(tmp_path))
    assert helm.helm_reason() == "helm not found on PATH"
    with pytest.raises(helm.HelmUnavailable, match="helm not found"):
        await helm.client()


def test_values_override_what_must_be_ours():
    """Stand-in: none (pure function). Whatever the values file says, the chart must not
    create the IngressClass or the ServiceAccount, and the cluster/region/VPC are ours."""
    values = helm.controller_values({"createIngressClassResource": True, "serviceAccount": {"create": True},
                                     "clusterName": "wrong"}, cluster="c", region="r", vpc_id="v")
    assert values["createIngressClassResource"] is False
    assert values["serviceAccount"] == {"create": False, "name": "aws-load-balancer-controller"}
    assert (values["clusterName"], values["region"], values["vpcId"]) == ("c", "r", "v")


# Stand-in for a `helm upgrade --install --wait` that is waiting for the controller's pods:
# a fake helm answering `version` and `show chart`, and on `upgrade` writing its pid, then
# waiting. Like helm 3 it ends on SIGINT ("Release ... has been cancelled") unless
# FAKE_HELM_DEAF is set (a helm stuck in a call that ignores it), and on SIGTERM; each signal it gets is
# noted in the file `signals` beside it.
WAITING_HELM = r'''#!{python}
import os, signal, sys, time
here = os.path.dirname(os.path.abspath(__file__))
argv = sys.argv[1:]
with open(os.path.join(here, "helm.calls"), "a") as fh:
    fh.write(" ".join(argv) + "\n")
if argv[:1] == ["version"]:
    sys.stdout.write("v3.16.3+gcfd0749"); sys.exit(0)
if argv[:2] == ["show", "chart"]:
    print("apiVersion: v2\nname: aws-load-balancer-controller\nversion: 3.5.0\nappVersion: v3.5.0\ntype: application")
    sys.exit(0)
stop = []
def note(signum, frame):
    with open(os.path.join(here, "signals"), "a") as fh:
        fh.write(signal.Signals(signum).name + "\n")
    if signum != signal.SIGINT or not os.environ.get("FAKE_HELM_DEAF"):
        stop.append(signum)
signal.signal(signal.SIGINT, note)
signal.signal(signal.SIGTERM, note)
sys.stdin.read()
with open(os.path.join(here, "pid.tmp"), "w") as fh:
    fh.write(str(os.getpid()))
os.replace(os.path.join(here, "pid.tmp"), os.path.join(here, "pid"))
while not stop:
    time.sleep(0.05)
print("Release aws-load-balancer-controller has been cancelled.", flush=True)
sys.exit(1)
'''

HELM_OWNER = """\
import asyncio
from petstore_tui.services import helm
asyncio.run(helm.install_controller({"clusterName": "c"}))
"""


def _waiting_helm(tmp_path, monkeypatch, *, deaf: bool = False):
    folder = tmp_path / "helmbin"
    folder.mkdir()
    path = folder / "helm"
    path.write_text(WAITING_HELM.format(python=sys.executable))
    path.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    if deaf:
        monkeypatch.setenv("FAKE_HELM_DEAF", "1")
    return folder


def _pid_when_up(folder, seconds: float = 60) -> int:
    import time

    deadline = time.monotonic() + seconds
    while not (folder / "pid").exists():
        assert time.monotonic() < deadline, "the fake helm upgrade never started"
        time.sleep(0.05)
    return int((folder / "pid").read_text())


def _gone(pid: int, seconds: float = 10) -> bool:
    import time

    from petstore_core import tool_records

    deadline = time.monotonic() + seconds
    while tool_records.alive(tool_records.proc_info(pid)):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.mark.skipif(not __import__("pathlib").Path("/proc/self/stat").exists(), reason="Linux /proc needed")
@pytest.mark.parametrize("deaf", [False, True], ids=["obeys-sigint", "ignores-sigint"])
def test_a_helm_upgrade_left_by_a_killed_run_is_recorded_and_stopped_at_the_next_start(
        tmp_path, monkeypatch, capsys, deaf):
    """Stand-ins: the waiting fake helm above (recording its arguments), run by
    helm.install_controller in a subprocess that is SIGKILLed while `helm upgrade --wait`
    waits. helm is recorded like Terraform: the next start's reap stops it (one SIGINT; a
    helm deaf to it gets SIGTERM after the grace) and names it."""
    import os
    import signal
    import subprocess

    from petstore_core import tool_records
    from petstore_tui import cli

    folder = _waiting_helm(tmp_path, monkeypatch, deaf=deaf)
    owner = subprocess.Popen([sys.executable, "-c", HELM_OWNER], env=os.environ.copy())
    pid = 0
    try:
        pid = _pid_when_up(folder)
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=30)
        assert tool_records.alive(tool_records.proc_info(pid)), "helm died with its run"
        records = tool_records.records()
        assert [rec.program for rec in records] == ["helm"], "the killed run left no record of its helm call"
        cli.reap_at_start(grace=1.0 if deaf else 30.0)
        assert _gone(pid), "the next start left helm running"
        said = capsys.readouterr().err
        assert f"stopped pid {pid} (helm)" in said and "its helm call" in said, said
        assert ("with SIGTERM" if deaf else "with SIGINT") in said, said
        assert (folder / "signals").read_text().splitlines()[0] == "SIGINT"  # gently first, once
        assert not tool_records.records()
        assert "upgrade aws-load-balancer-controller" in (folder / "helm.calls").read_text()
    finally:
        if owner.poll() is None:
            owner.kill()
            owner.wait()
        if pid and tool_records.alive(tool_records.proc_info(pid)):
            os.kill(pid, signal.SIGKILL)


async def test_stopping_the_helm_step_interrupts_helm_itself_once(tmp_path, monkeypatch):
    """Stand-in: the waiting fake helm above. The operator stops the step (the task is
    cancelled): helm itself gets one SIGINT, as from a terminal's Ctrl-C, and ends (helm 3
    cancels the release on it); no record is left."""
    import asyncio

    from petstore_core import tool_records

    folder = _waiting_helm(tmp_path, monkeypatch)
    task = asyncio.ensure_future(helm.install_controller({"clusterName": "c"}))
    pid = await asyncio.to_thread(_pid_when_up, folder)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 60)
    assert await asyncio.to_thread(_gone, pid)
    assert (folder / "signals").read_text().splitlines() == ["SIGINT"]
    assert not tool_records.records()
