"""The sandbox's own container-engine settings, in its state folder (never the operator's files).

Podman reads CONTAINERS_CONF and REGISTRY_AUTH_FILE, Docker reads DOCKER_CONFIG: each
names a file or folder of ours, so a sandbox login or runtime choice never lands in
~/.config/containers, /etc/containers or ~/.docker. Why runc, cgroupfs and explicit
ulimits: docs/knowledge/podman-sandbox.md.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from petstore_core import settings

LABEL = "io.petstore-tui.sandbox"  # on every container the sandbox creates: its id


def folder() -> Path:
    path = settings.state_dir() / "sandbox" / "engine"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sandbox_id() -> str:
    """Short and stable for one state folder: names and labels what this sandbox made,
    so two sandboxes (two state folders) on one machine never touch each other's."""
    return hashlib.sha1(str(settings.state_dir().resolve()).encode()).hexdigest()[:5]


def containers_conf_text() -> str:
    lines = ["# written by petstore-tui for its sandbox (docs/knowledge/podman-sandbox.md)",
             "[containers]", 'default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]',
             "[engine]", 'cgroup_manager = "cgroupfs"']
    if shutil.which("runc"):  # crun refuses a hybrid cgroup mount; runc does not
        lines.append('runtime = "runc"')
    return "\n".join(lines) + "\n"


def containers_conf() -> Path:
    path = folder() / "containers.conf"
    text = containers_conf_text()
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def auth_file(where: Path | None = None) -> Path:
    """The sandbox's registry logins (podman run refuses a REGISTRY_AUTH_FILE that does not exist)."""
    path = (where or folder()) / "auth.json"
    if not path.exists():
        path.write_text('{"auths": {}}\n')
        path.chmod(0o600)
    return path


def engine_env(engine: str) -> dict[str, str]:
    """Environment every sandbox call of `engine` runs with."""
    if engine == "podman":
        return {"CONTAINERS_CONF": str(containers_conf()), "REGISTRY_AUTH_FILE": str(auth_file())}
    if engine == "docker":
        docker_config = folder() / "docker"
        docker_config.mkdir(exist_ok=True)
        return {"DOCKER_CONFIG": str(docker_config)}
    return {}
