"""The sandbox's image registry: Debian's docker-registry (Distribution 2.8) on a loopback port, standing in for ECR's registry endpoint.

moto's ECR keeps the repository and hands out the login token; it has no registry to push
to. This one listens on 127.0.0.1 only, keeps its blobs and its config in the state
folder, and answers plain HTTP (engines are told so per call, never in their config).
"""

from __future__ import annotations

import shutil
import time
import urllib.error
import urllib.request
from pathlib import Path

from petstore_core import process, sandbox_state, settings
from petstore_tui.services import sandbox_inventory
from petstore_tui.services.ports import free_port

BINARY = "docker-registry"
START_TIMEOUT = 20.0


class RegistryError(RuntimeError):
    """The registry could not start or answer; the message says why."""


def folder() -> Path:
    path = settings.state_dir() / "sandbox" / "registry"
    path.mkdir(parents=True, exist_ok=True)
    return path


def config_text(port: int, data: Path) -> str:
    return (
        "# written by petstore-tui: the sandbox's stand-in for ECR's registry endpoint\n"
        "version: 0.1\n"
        "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
        f"storage:\n  filesystem:\n    rootdirectory: {data}\n  delete:\n    enabled: true\n"
        f"http:\n  addr: 127.0.0.1:{port}\n"
    )


def answers(endpoint: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://{endpoint}/v2/", timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def running() -> str | None:
    """`127.0.0.1:<port>` of our registry when it runs and answers."""
    record = sandbox_inventory.read().get("registry") or {}
    endpoint = record.get("endpoint")
    if endpoint and sandbox_state.pid_alive(record.get("pid")) and answers(endpoint):
        return endpoint
    return None


def start() -> tuple[str, bool]:
    """Start the registry unless ours runs; (endpoint, started now)."""
    endpoint = running()
    if endpoint:
        return endpoint, False
    stop()  # a recorded one that no longer answers
    if shutil.which(BINARY) is None:
        raise RegistryError(f"{BINARY} is not installed (apt-get install docker-registry)")
    port = free_port()
    config = folder() / "config.yml"
    config.write_text(config_text(port, folder() / "data"))
    log = folder() / "registry.log"
    pid = process.spawn_detached([BINARY, "serve", str(config)], log_path=log)
    endpoint = f"127.0.0.1:{port}"
    sandbox_inventory.update(registry={"endpoint": endpoint, "pid": pid})
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if answers(endpoint):
            return endpoint, True
        if not sandbox_state.pid_alive(pid) or process.exited(pid):
            break
        time.sleep(0.1)
    stop()
    tail = " | ".join(log.read_text(errors="replace").strip().splitlines()[-3:]) if log.exists() else ""
    raise RegistryError(f"{BINARY} did not answer on {endpoint} within {START_TIMEOUT:.0f}s"
                        + (f": {tail[:400]}" if tail else ""))


def stop() -> str:
    """Stop our registry and delete what it stored; one line saying what happened."""
    record = sandbox_inventory.read().get("registry") or {}
    pid = record.get("pid")
    message = "no registry was running"
    if pid and sandbox_state.pid_alive(pid):
        gone = process.stop_pid(int(pid), grace=5)
        message = f"registry {record.get('endpoint')} (pid {pid}) " + ("stopped" if gone else "did not stop")
    sandbox_inventory.update(registry=None)
    shutil.rmtree(folder() / "data", ignore_errors=True)
    return message


def manifest_digest(endpoint: str, repository: str, tag: str) -> str | None:
    """The digest the registry serves for repository:tag, or None when it has none."""
    request = urllib.request.Request(
        f"http://{endpoint}/v2/{repository}/manifests/{tag}", method="HEAD",
        headers={"Accept": "application/vnd.docker.distribution.manifest.v2+json, "
                           "application/vnd.oci.image.manifest.v1+json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return response.headers.get("Docker-Content-Digest")
    except (urllib.error.URLError, OSError, ValueError):
        return None
