"""Drills on the containerised sandbox: play the app again with one change, watch it fail, play it back.

The app's own Kustomize output (rendered by the deploy's manifests step) goes to
`podman kube play` again with a drill's change (a volume mount removed, another image),
exactly as a changed Deployment would roll out; undo plays the unchanged output.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from petstore_core import settings
from petstore_tui.drills.base import DrillError
from petstore_tui.services import docker, kube_play, manifests, sandbox_inventory

FAIL_WAIT = 60.0  # seconds for a planted container to show its failure
READY_WAIT = 120.0


def active() -> bool:
    """True when the sandbox's app runs under the container stand-in (the deploy's app-apply)."""
    return bool(sandbox_inventory.read().get("app"))


def engine():
    try:
        return docker.find_engine(("podman",), sandbox=True)
    except docker.EngineUnavailable as exc:
        raise DrillError(str(exc)) from None


def objects(target: settings.Target) -> list[dict]:
    """The app's Kustomize output as the deploy rendered it."""
    folder = settings.state_dir() / "work" / target.key / "manifests" / "app"
    if not (folder / "kustomization.yaml").is_file():
        raise DrillError("no rendered manifests: run the sandbox deploy first")
    try:
        return manifests.kustomize(folder)
    except manifests.ManifestError as exc:
        raise DrillError(str(exc)) from None


def data_mount(objs: list[dict]) -> str:
    """Where the app keeps SQLite: the Deployment's DATA_DIR (its writable volume)."""
    for obj in objs:
        if obj.get("kind") != "Deployment":
            continue
        for container in obj["spec"]["template"]["spec"].get("containers", []):
            for env in container.get("env", []):
                if env.get("name") == "DATA_DIR" and env.get("value"):
                    return env["value"]
    return "/app/data"


def app_image(objs: list[dict]) -> str:
    for obj in objs:
        if obj.get("kind") == "Deployment":
            return obj["spec"]["template"]["spec"]["containers"][0]["image"]
    raise DrillError("the Kustomize output holds no Deployment")


def play_again(target: settings.Target, eng, **options) -> list[str]:
    """Play the app again with `options` (kube_play.stand_in's image, drop_mount)."""
    app = sandbox_inventory.read().get("app") or {}
    if not app.get("port"):
        raise DrillError("the app is not running under the container stand-in: run the sandbox deploy")
    standin = kube_play.stand_in(objects(target), port=int(app["port"]), **options)
    try:
        return kube_play.play(eng, standin, lambda _line: None)
    except kube_play.StandInError as exc:
        raise DrillError(str(exc)) from None


def wait_failure(eng, words: tuple[str, ...], timeout: float = FAIL_WAIT) -> str:
    """Until a container's log holds one of `words` (its own error); that line. `words`
    go most telling first: a traceback's source line may hold a later word too."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for row in kube_play.ours(eng):
            lines = kube_play.last_words(eng, row["name"], lines=40).split(" | ")
            for word in words:
                said = next((line for line in lines if word in line), None)
                if said is not None:
                    return said
        time.sleep(0.5)
    raise DrillError(f"the planted container showed none of {words} within {timeout:.0f}s")


def restore(target: settings.Target) -> str:
    """Play the unchanged app and wait until it is healthy; its URL."""
    eng = engine()
    play_again(target, eng)
    app = sandbox_inventory.read().get("app") or {}
    url = app.get("url") or f"http://127.0.0.1:{app.get('port')}"
    try:
        kube_play.wait_ready(eng, url + (app.get("health_path") or kube_play.DEFAULT_HEALTH_PATH),
                             timeout=READY_WAIT)
    except kube_play.StandInError as exc:
        raise DrillError(f"the app did not come back: {exc}") from None
    return url


def context_copy(project: Path, dest: Path) -> Path:
    """A build context like the repository's, in the state folder: what the image copies
    (petstore-app/, docker/entrypoint.sh, .dockerignore), for a drill to change."""
    shutil.rmtree(dest, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "data", "tests", "*.db", ".venv*", ".env")
    shutil.copytree(project / "petstore-app", dest / "petstore-app", ignore=ignore)
    (dest / "docker").mkdir(parents=True)
    shutil.copy2(project / "docker" / "entrypoint.sh", dest / "docker" / "entrypoint.sh")
    if (project / ".dockerignore").exists():
        shutil.copy2(project / ".dockerignore", dest / ".dockerignore")
    return dest
