"""Session fixtures for the tests that build and run the real image with the machine's Podman.

Import them into a conftest (`from tests.support.containers import app_image, podman_engine`).
The engine runs with the sandbox's settings (runc, cgroupfs, ulimits) written into a
session folder; the Dockerfile's base is made ready once (pulled, present, or the
debootstrap stand-in, cached on the machine); the image is built once per session and
removed at its end, with the build stages it left. Tests that need them skip, naming
why, only where Podman cannot be had (and ./dev test installs it on this machine kind).
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from pathlib import Path

import pytest

from petstore_tui.services import base_image, docker, node_platform, sandbox_engine
from petstore_tui.services.engine_call import Caller, EngineCallError

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def podman_engine(tmp_path_factory) -> docker.Engine:
    """Stand-in for a cluster node's runtime: the machine's real Podman (runc)."""
    path = shutil.which("podman")
    if path is None:
        pytest.skip("podman is not installed (./dev test installs podman, runc, debootstrap and "
                    "docker-registry with apt as root)")
    folder = tmp_path_factory.mktemp("engine")
    conf = folder / "containers.conf"
    conf.write_text(sandbox_engine.containers_conf_text())
    engine = docker.Engine("podman", Caller("podman", path, {
        "CONTAINERS_CONF": str(conf), "REGISTRY_AUTH_FILE": str(sandbox_engine.auth_file(folder))}))
    try:
        engine.call("info", lambda c: c.system.info(), timeout=60)
    except EngineCallError as exc:
        pytest.skip(f"podman does not answer: {exc}")
    return engine


@pytest.fixture(scope="session")
def base_ready(podman_engine, tmp_path_factory) -> list[str]:
    """The Dockerfile's base images, ready to build on (the stand-in stays cached)."""
    with pytest.MonkeyPatch.context() as patch:  # the base's record goes in a session folder
        patch.setenv("PETSTORE_TUI_HOME", str(tmp_path_factory.mktemp("base-state")))
        ready = []
        for image in base_image.base_images(REPO / "docker" / "Dockerfile"):
            try:
                outcome = base_image.ensure(podman_engine, image, node_platform.host_platform(), lambda _l: None)
            except base_image.BaseImageError as exc:
                pytest.skip(str(exc))
            ready.append(outcome.image)
    return ready


@pytest.fixture(scope="session")
def app_image(podman_engine, base_ready) -> str:
    """docker/Dockerfile built once for this session (layers cached by the engine)."""
    tag = f"localhost/petstore-test:{uuid.uuid4().hex[:10]}"
    lines: list[str] = []
    try:
        stages = asyncio.run(docker.build(podman_engine, REPO, [tag], lines.append,
                                          platform=node_platform.host_platform(), network="host"))
    except EngineCallError as exc:
        pytest.fail(f"the image did not build: {exc}\n" + "\n".join(lines[-20:]))
    yield tag
    docker.remove_images(podman_engine, [tag])
    docker.remove_stages(podman_engine, stages)
