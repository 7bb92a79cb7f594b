"""The sandbox's stand-ins, without an engine: what `podman kube play` is given, the base image's
name, release and cache key, and the loopback registry.

Stand-ins: the real Kustomize output of kubernetes/overlays/dev (kubectl kustomize); the
real docker/Dockerfile; Debian's real docker-registry binary on a loopback port.
"""

from __future__ import annotations

import shutil

import pytest

from petstore_tui.services import (
    base_image,
    kube_play,
    local_registry,
    manifests,
    sandbox_engine,
    sandbox_inventory,
)
from tests.conftest import REPO


@pytest.fixture(scope="module")
def dev_objects() -> list[dict]:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl (with kustomize) not on PATH")
    return manifests.kustomize(REPO / "kubernetes" / "overlays" / "dev")


def _deployment(standin):
    return next(d for d in standin.documents if d["kind"] == "Deployment")


def test_kube_play_gets_the_deployment_and_its_configmap_with_listed_changes(dev_objects):
    """Only what podman can run; one replica on a loopback port the app binds; no probes
    (the step probes the readiness path itself); the pod labelled and named for this
    sandbox; everything else as Kustomize rendered it."""
    standin = kube_play.stand_in(dev_objects, port=40123)
    assert sorted(d["kind"] for d in standin.documents) == ["ConfigMap", "Deployment"]
    dep = _deployment(standin)
    sid = sandbox_engine.sandbox_id()
    assert dep["metadata"]["name"] == f"petstore-{sid}" and standin.deployments == [f"petstore-{sid}"]
    assert dep["spec"]["replicas"] == 1
    assert dep["spec"]["template"]["metadata"]["labels"][sandbox_engine.LABEL] == sid
    (container,) = dep["spec"]["template"]["spec"]["containers"]
    assert "ports" not in container
    assert not {"livenessProbe", "readinessProbe", "startupProbe"} & set(container)
    assert container["imagePullPolicy"] == "IfNotPresent"
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["PORT"] == "40123" and env["GUNICORN_BIND"] == "127.0.0.1:40123"
    assert env["DATA_DIR"] == "/app/data"
    # untouched: the security context, the volumes, the ConfigMap reference
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    assert container["securityContext"]["runAsUser"] == 10001
    assert {m["mountPath"] for m in container["volumeMounts"]} == {"/app/data", "/tmp"}
    assert container["envFrom"] == [{"configMapRef": {"name": "app-config"}}]
    assert standin.health_path == "/api/v1/health"
    notes = "\n".join(standin.notes)
    assert "not run by the stand-in: HorizontalPodAutoscaler, Ingress, Namespace, NetworkPolicy, " \
           "PodDisruptionBudget, Service" in notes
    assert "1 replica of 2" in notes and "127.0.0.1:40123" in notes
    # the input is not changed (the deploy applies the same objects elsewhere)
    original = next(o for o in dev_objects if o["kind"] == "Deployment")
    assert original["spec"]["replicas"] == 2 and "ports" in original["spec"]["template"]["spec"]["containers"][0]


def test_a_sandbox_id_that_reads_as_a_number_stays_a_string_in_the_played_manifest(dev_objects, monkeypatch):
    """Stand-in: kubectl's kustomize output of the dev overlay, no podman. A state folder
    whose id is `69e55` (hex that YAML 1.2 reads as a float): PyYAML wrote it plain and
    podman's parser labelled the pods `+Inf` (seen in CI: the sandbox then found and removed
    none of its own pods). The label must be written quoted."""
    monkeypatch.setattr(kube_play, "sandbox_id", lambda: "69e55")
    text = kube_play.play_text(kube_play.stand_in(dev_objects, port=18080))
    assert "io.petstore-tui.sandbox: '69e55'" in text, text


def test_drill_changes_are_the_only_difference(dev_objects):
    plain = _deployment(kube_play.stand_in(dev_objects, port=1))
    drilled = _deployment(kube_play.stand_in(dev_objects, port=1, image="x/y:drill", drop_mount="/app/data"))
    container = drilled["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "x/y:drill"
    assert [m["mountPath"] for m in container["volumeMounts"]] == ["/tmp"]
    container["image"] = plain["spec"]["template"]["spec"]["containers"][0]["image"]
    container["volumeMounts"] = plain["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
    assert drilled == plain


def test_no_deployment_is_refused():
    with pytest.raises(kube_play.StandInError, match="no Deployment"):
        kube_play.stand_in([{"kind": "Service", "metadata": {"name": "x"}}], port=1)


def test_base_image_of_the_dockerfile_and_its_release():
    """docker/Dockerfile's two stages build FROM one image; a short name is the Docker
    Hub name both engines give it; its tag names the Debian release to debootstrap."""
    images = base_image.base_images(REPO / "docker" / "Dockerfile")
    assert images == ["python:3.13-slim-trixie"]
    assert base_image.qualified(images[0]) == "docker.io/library/python:3.13-slim-trixie"
    assert base_image.qualified("quay.io/x/y:1") == "quay.io/x/y:1"
    assert base_image.qualified("bitnami/python:3") == "docker.io/bitnami/python:3"
    assert base_image.debian_suite("docker.io/library/python:3.13-slim-trixie") == "trixie"
    assert base_image.debian_suite("python:3.11-bookworm") == "bookworm"
    with pytest.raises(base_image.BaseImageError, match="names no Debian release"):
        base_image.debian_suite("python:3.13-alpine")


def test_base_image_cache_key_follows_its_inputs(tmp_path, monkeypatch):
    """The stand-in is rebuilt when what it is made of changes: the CA bundle copied in,
    the mirror, the architecture."""
    bundle = tmp_path / "ca.crt"
    bundle.write_text("one\n")
    monkeypatch.setattr(base_image, "CA_BUNDLE", bundle)
    monkeypatch.setenv("PETSTORE_DEBIAN_MIRROR", "http://deb.example/debian")
    image = "docker.io/library/python:3.13-slim-trixie"
    first = base_image.inputs_digest(image, "linux/amd64")
    assert base_image.inputs_digest(image, "linux/amd64") == first
    bundle.write_text("two\n")
    assert base_image.inputs_digest(image, "linux/amd64") != first
    bundle.write_text("one\n")
    assert base_image.inputs_digest(image, "linux/arm64") != first
    monkeypatch.setenv("PETSTORE_DEBIAN_MIRROR", "http://other.example/debian")
    assert base_image.inputs_digest(image, "linux/amd64") != first


def test_mirror_comes_from_apt_sources():
    """The archive the machine's apt already reaches (a proxy or mirror of its own)."""
    deb822 = "Types: deb\n# http://snapshot.debian.org/x\nURIs: http://mirror.example/debian\nSuites: bookworm\n"
    assert base_image.mirror_in(deb822) == "http://mirror.example/debian"
    one_line = "deb [signed-by=/k.gpg] https://deb.example.org/debian/ bookworm main\n"
    assert base_image.mirror_in(one_line) == "https://deb.example.org/debian"
    assert base_image.mirror_in("deb https://packages.cloud.google.com/apt cloud-sdk main\n") is None


def test_sandbox_engine_settings_live_in_the_state_folder():
    """containers.conf (runc when installed, cgroupfs, explicit ulimits) and the login
    file are the sandbox's own; Docker gets a DOCKER_CONFIG of its own."""
    from petstore_core import settings

    env = sandbox_engine.engine_env("podman")
    conf = env["CONTAINERS_CONF"]
    assert conf.startswith(str(settings.state_dir()))
    text = open(conf).read()
    assert 'cgroup_manager = "cgroupfs"' in text and "nofile=1024:1024" in text
    assert ('runtime = "runc"' in text) == bool(shutil.which("runc"))
    assert env["REGISTRY_AUTH_FILE"].startswith(str(settings.state_dir()))
    assert sandbox_engine.engine_env("docker")["DOCKER_CONFIG"].startswith(str(settings.state_dir()))


def test_registry_on_loopback_starts_answers_and_stops():
    """Debian's docker-registry with its config and blobs in the state folder, bound to
    127.0.0.1 on a free port; stop ends it and forgets it."""
    if shutil.which(local_registry.BINARY) is None:
        pytest.skip("docker-registry is not installed (apt-get install docker-registry)")
    endpoint, started = local_registry.start()
    try:
        assert started and endpoint.startswith("127.0.0.1:")
        assert local_registry.answers(endpoint)
        assert local_registry.start() == (endpoint, False)  # ours runs: reused
        assert local_registry.manifest_digest(endpoint, "petstore", "nope") is None
        assert "127.0.0.1:" in (local_registry.folder() / "config.yml").read_text()
        pid = sandbox_inventory.read()["registry"]["pid"]
    finally:
        said = local_registry.stop()
    assert "stopped" in said
    assert not local_registry.answers(endpoint, timeout=1)
    from petstore_core.sandbox_state import pid_alive

    assert not pid_alive(pid) and "registry" not in sandbox_inventory.read()


def test_sandbox_stop_ends_the_registry_it_started(capsys):
    """`sandbox stop` leaves nothing of the sandbox's running: the registry the image-push
    step started goes with the emulator. Stand-in: the real docker-registry."""
    if shutil.which(local_registry.BINARY) is None:
        pytest.skip("docker-registry is not installed (apt-get install docker-registry)")
    from petstore_tui import cli

    endpoint, _ = local_registry.start()
    assert cli.main(["sandbox", "stop"]) == 0
    assert f"registry {endpoint}" in capsys.readouterr().out
    assert not local_registry.answers(endpoint, timeout=1)
    assert local_registry.running() is None
