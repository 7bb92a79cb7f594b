"""Issue 10's proof, headless: a sandbox deploy from a fresh state folder builds, pushes and runs the
real image; every drill planted with `petstore-tui drill plant` is reported by `diagnose --live
--sandbox --json` with its catalog entry (the container's own words for SQLite and Werkzeug);
undo heals; destroy leaves nothing of the sandbox's behind.

Stand-ins: moto's server (`sandbox start`) for AWS, with its ECR handing out the login token;
Debian's docker-registry on loopback for ECR's registry endpoint; the machine's Podman
(runc) running the Kustomize output with `podman kube play` for the cluster; the real
Terraform with the provider mirror. No Kubernetes API and no Helm: those steps skip.
"""

from __future__ import annotations

import json
import urllib.request

import pytest

from petstore_core import sandbox_state, settings
from petstore_tui import cli
from petstore_tui.runbook.journal import journal_path
from petstore_tui.services import (
    docker,
    kube_play,
    local_registry,
    sandbox_engine,
    sandbox_inventory,
)

pytestmark = pytest.mark.slow
TARGET = settings.Target(sandbox=True)


def _health(url: str) -> int:
    try:
        with urllib.request.urlopen(url + "/api/v1/health", timeout=5) as response:  # noqa: S310 - loopback
            return response.status
    except OSError:
        return 0


def _diagnose(capsys) -> dict:
    capsys.readouterr()
    status = cli.main(["--sandbox", "diagnose", "--live", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["exit_status"] == status
    return report


def _plant(capsys, drill: str) -> str:
    capsys.readouterr()
    assert cli.main(["--sandbox", "drill", "plant", drill]) == 0, capsys.readouterr().err
    return capsys.readouterr().out


def _undo(capsys, drill: str) -> None:
    capsys.readouterr()
    assert cli.main(["--sandbox", "drill", "undo", drill]) == 0, capsys.readouterr().err


def test_sandbox_deploy_runs_the_image_and_every_drill_is_caught(terraform_cli_config, base_ready,
                                                                 monkeypatch, capsys):
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert cli.main(["sandbox", "start"]) == 0
    try:
        assert "base image:" in capsys.readouterr().out
        url = _deploy(capsys)
        _drills(capsys, url)
        _destroy(capsys)
    finally:
        capsys.readouterr()
        if sandbox_inventory.read().get("images"):  # failed before its destroy: clean up all the same
            cli.main(["--sandbox", "destroy", "--yes"])
        cli.main(["sandbox", "stop"])
    assert sandbox_state.read() is None


def _deploy(capsys) -> str:
    assert cli.main(["--sandbox", "deploy", "--yes"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    journal = json.loads(journal_path(TARGET).read_text())["runbooks"]["deploy"]
    statuses = {k: v["status"] for k, v in journal.items()}
    for step in ("image-build", "image-push", "app-apply", "ingress-wait"):
        assert statuses[step] == "done", (step, journal[step]["summary"])
    assert statuses["local-app"] == "skipped" and statuses["controller-helm"] == "skipped"
    assert "building for linux/amd64 (the node group's AMI type AL2023_x86_64_STANDARD)" in out
    # pushed: the loopback registry serves the tag, moto's ECR lists it
    image, tag = journal["image-build"]["outputs"]["image"], journal["image-build"]["outputs"]["image_tag"]
    registry = sandbox_inventory.read()["registry"]["endpoint"]
    assert local_registry.manifest_digest(registry, "petstore", tag)
    from petstore_core import aws

    described = aws.client(TARGET, "ecr").describe_images(repositoryName="petstore")["imageDetails"]
    assert [d["imageTags"] for d in described] == [[tag]]
    # the URL answers from the container the image runs in
    url = journal["ingress-wait"]["outputs"]["url"]
    assert f"Pet Store API (sandbox stand-in for the ALB): {url}" in out
    assert _health(url) == 200
    engine = docker.find_engine(("podman",), sandbox=True)
    (row,) = kube_play.ours(engine)
    assert row["status"] == "running" and row["image"] == f"{image}:{tag}"
    served = engine.call("exec", lambda c: c.container.execute(row["name"], [
        "python", "-c", f"import urllib.request; print(urllib.request.urlopen('{url}/api/v1/health').status)"]))
    assert served.strip() == "200"
    return url


def _drills(capsys, url: str) -> None:
    report = _diagnose(capsys)
    assert not [f for f in report["findings"] if f["severity"] in ("critical", "error") and not f["acknowledged"]], \
        report["findings"]

    # SQLite: the Deployment without its data volume; the container says why, and the
    # panel's followers pick up the new container and the engine's events as they come
    followers = _Followers()
    assert "the container says: init-db: cannot set up the database" in _plant(capsys, "sqlite-readonly")
    found = _from_container(_diagnose(capsys), "sqlite-unable-to-open-database")
    assert any("unable to open database file" in line for line in found["evidence"])
    followers.expect(f"[{found['resource']}] init-db: cannot set up the database", "container died")
    _undo(capsys, "sqlite-readonly")
    assert _health(url) == 200  # the healed pod is a new container with a log of its own
    assert not [f for f in _diagnose(capsys)["findings"] if f["id"].startswith("sqlite-")]

    # Werkzeug: an image built from a lock with Flask 2.2.2 and Werkzeug 3 crashes at import
    assert "url_quote" in _plant(capsys, "werkzeug")
    found = _from_container(_diagnose(capsys), "werkzeug-url-quote-import-error")
    assert any("cannot import name 'url_quote' from 'werkzeug.urls'" in line for line in found["evidence"])
    _undo(capsys, "werkzeug")
    assert _health(url) == 200

    # AWS drills: the probes see the real change; the controller's line is marked simulated
    for drill, entry in (("subnet-tags", "alb-controller-subnet-discovery-failed"),
                         ("controller-policy", "alb-controller-addtags-denied")):
        _plant(capsys, drill)
        report = _diagnose(capsys)
        probes = [f for f in report["findings"] if f["id"] == entry and f["source"].startswith("probe:")]
        replayed = [f for f in report["findings"] if f["id"] == entry and f["source"] == "alb-controller"]
        assert probes and not any(f.get("simulated") for f in probes), report["findings"]
        assert replayed and all(f.get("simulated") is True for f in replayed)
        _undo(capsys, drill)
        assert not [f for f in _diagnose(capsys)["findings"] if f["id"] == entry]


class _Followers:
    """The troubleshooting panel's sandbox sources (services/container_follow.py), run in
    threads as the panel runs them."""

    def __init__(self) -> None:
        import threading

        from petstore_tui.services import container_follow

        engine = docker.find_engine(("podman",), sandbox=True)
        self.stop = threading.Event()
        self.lines: list[str] = []
        for follow in (container_follow.follow_logs, container_follow.follow_events):
            threading.Thread(target=lambda f=follow: self.lines.extend(f(engine, self.stop)), daemon=True).start()

    # Generous: under load (2 cores, load 7-8) a podman call takes seconds, and a crashing
    # container restarted with no backoff keeps the engine busy; 30 s once fell short.
    def expect(self, *wanted: str, timeout: float = 90.0) -> None:
        import time

        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if all(any(w in line for line in list(self.lines)) for w in wanted):
                    return
                time.sleep(0.2)
            missing = [w for w in wanted if not any(w in line for line in list(self.lines))]
            raise AssertionError(f"the followers never showed {missing}; last lines: {self.lines[-10:]}")
        finally:
            self.stop.set()


def _from_container(report: dict, entry: str) -> dict:
    """The finding on lines the app's container printed (its pod log, not simulated)."""
    found = [f for f in report["findings"] if f["id"] == entry and f["source"] == "app"
             and f["resource"].startswith("pod/") and not f.get("simulated")]
    assert found, report["findings"]
    return found[0]


def _destroy(capsys) -> None:
    made = sandbox_inventory.read()
    registry_pid = made["registry"]["pid"]
    assert cli.main(["--sandbox", "destroy", "--yes"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "<== sandbox-containers done" in out and "<== terraform-destroy done" in out
    engine = docker.find_engine(("podman",), sandbox=True)
    assert kube_play.ours(engine) == []
    label = f"{sandbox_engine.LABEL}={sandbox_engine.sandbox_id()}"
    assert engine.call("pods", lambda c: c.pod.list(filters=[("label", label)])) == []
    for image in made["images"]:
        if image.startswith("localhost/podman-pause"):
            continue  # podman's pod infra image stays while another sandbox's pod uses it
        assert not engine.call("exists", lambda c, i=image: c.image.exists(i)), image
    stages = made.get("stages", [])
    assert stages, "the build's stage images were not recorded"
    dangling = engine.call("images", lambda c: c.image.list(filters=[("dangling", "true")]))
    left = [i.id for i in dangling if any(i.id.removeprefix("sha256:").startswith(s) for s in stages)]
    assert left == [], "untagged images the sandbox's builds left are still listed by podman images"
    assert not sandbox_state.pid_alive(registry_pid)
    assert sandbox_inventory.read().get("images") == [] and "registry" not in sandbox_inventory.read()
