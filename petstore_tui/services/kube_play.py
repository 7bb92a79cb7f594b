"""The sandbox's stand-in for the cluster: the app's Kustomize output run by `podman kube play`.

What a cluster would get, with the few changes podman on one machine needs, each one
listed in `StandIn.notes` and printed by the step (docs/knowledge/podman-sandbox.md):
only Deployments and ConfigMaps are played (Services, Ingress, HPA, PDB, NetworkPolicy
and Namespace have no podman counterpart); host networking, so one replica and no
container ports, the Service's port becoming a free loopback port the app binds (PORT,
GUNICORN_BIND); no probes (podman 4.3 turns them into `curl` healthchecks run by systemd
timers: no curl in the image, no systemd here), the rollout instead waiting on the
readiness probe's path itself; pull policy IfNotPresent (the image was built here); the
Deployment's name suffixed with the sandbox id and its pods labelled with it, so two
sandboxes, or the operator's own pods, never meet.
"""

from __future__ import annotations

import copy
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from python_on_whales.exceptions import NoSuchContainer, NoSuchPod
from python_on_whales.utils import run

from petstore_core import settings
from petstore_core.redact import redact
from petstore_tui.services import cri_log, sandbox_inventory
from petstore_tui.services.docker import Engine
from petstore_tui.services.engine_call import EngineCallError
from petstore_tui.services.sandbox_engine import LABEL, sandbox_id

PLAYED = ("ConfigMap", "Deployment")
PLAY_TIMEOUT = 300.0
DOWN_TIMEOUT = 120.0
ROLLOUT_TIMEOUT = 180.0
DEFAULT_HEALTH_PATH = "/api/v1/health"


class StandInError(RuntimeError):
    """The stand-in could not run the app; the message says why (with the container's words)."""


@dataclass
class StandIn:
    documents: list[dict]
    notes: list[str] = field(default_factory=list)
    health_path: str = DEFAULT_HEALTH_PATH
    deployments: list[str] = field(default_factory=list)  # names as played


def stand_in(objects: list[dict], *, port: int, image: str | None = None,
             drop_mount: str | None = None) -> StandIn:
    """The documents `podman kube play` runs for these Kustomize objects. `image` replaces
    the app image and `drop_mount` removes the volume mount at that path: the drills."""
    sid = sandbox_id()
    out = StandIn([])
    left = sorted({o.get("kind", "?") for o in objects if o.get("kind") not in PLAYED})
    if left:
        out.notes.append(f"not run by the stand-in: {', '.join(left)}")
    for obj in objects:
        if obj.get("kind") == "ConfigMap":
            out.documents.append(copy.deepcopy(obj))
        elif obj.get("kind") == "Deployment":
            out.documents.append(_deployment(copy.deepcopy(obj), sid, port, image, drop_mount, out))
    if not out.deployments:
        raise StandInError("the Kustomize output holds no Deployment to run")
    return out


def _deployment(dep: dict, sid: str, port: int, image: str | None, drop_mount: str | None,
                out: StandIn) -> dict:
    name = dep["metadata"]["name"]
    dep["metadata"]["name"] = played = f"{name}-{sid}"
    out.deployments.append(played)
    spec = dep.setdefault("spec", {})
    if int(spec.get("replicas") or 1) > 1:
        out.notes.append(f"deployment {name}: 1 replica of {spec['replicas']} (host networking: one port)")
    spec["replicas"] = 1
    template = spec.setdefault("template", {})
    template.setdefault("metadata", {}).setdefault("labels", {})[LABEL] = sid
    for container in template.get("spec", {}).get("containers", []):
        for probe in ("readinessProbe", "startupProbe", "livenessProbe"):
            found = container.pop(probe, None)
            path = (found or {}).get("httpGet", {}).get("path")
            if path and probe == "readinessProbe":
                out.health_path = path
        if container.pop("ports", None):
            out.notes.append(f"container {container['name']}: ports dropped; the Service's port is "
                             f"127.0.0.1:{port}")
        container["imagePullPolicy"] = "IfNotPresent"
        if image:
            container["image"] = image
        env = [e for e in container.get("env", []) if e.get("name") not in ("PORT", "GUNICORN_BIND")]
        container["env"] = env + [{"name": "PORT", "value": str(port)},
                                  {"name": "GUNICORN_BIND", "value": f"127.0.0.1:{port}"}]
        if drop_mount:
            mounts = container.get("volumeMounts", [])
            container["volumeMounts"] = [m for m in mounts if m.get("mountPath") != drop_mount]
    out.notes.append("probes run by petstore-tui against the readiness path (podman 4.3 needs systemd for them)")
    return dep


class _Yaml12SafeDumper(yaml.SafeDumper):
    """Quotes a string that a YAML 1.2 reader (podman's Go parser) would read as a number:
    PyYAML's 1.1 rules leave `69e55` plain, and podman then labelled the pods of a sandbox
    whose id is 69e55 with `+Inf`, so the sandbox never found (or removed) its own pods."""


_Yaml12SafeDumper.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$"), list("-+0123456789."))


def play_text(standin: StandIn) -> str:
    """The manifest `podman kube play` reads."""
    return yaml.dump_all(standin.documents, Dumper=_Yaml12SafeDumper, sort_keys=False)


def play_file() -> Path:
    folder = settings.state_dir() / "sandbox" / "app"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "play.yaml"


# ------------------------------------------------------------------ engine side
def ours(engine: Engine) -> list[dict[str, Any]]:
    """This sandbox's app containers: name, pod, container (spec name), id, status,
    restarts, image, started (unix time). Read inside the bounded calls: python-on-whales
    lists ids and inspects each on its first attribute (docs/knowledge/podman-sandbox.md),
    so a container or pod removed in between (a pod played again) is skipped as gone,
    never raised past the callers."""
    sid = sandbox_id()
    found = engine.call("ps", lambda c: _present(
        c.container.list(all=True, filters=[("label", f"{LABEL}={sid}")]), _container_row))
    pods = dict(engine.call("pod ps", lambda c: _present(
        c.pod.list(filters=[("label", f"{LABEL}={sid}")]), lambda p: (p.id, p.name))))
    rows = []
    for item in found:
        pod = pods.get(item.pop("pod_id") or "", "")
        name = item["name"]
        rows.append({**item, "pod": pod,
                     "container": name[len(pod) + 1:] if pod and name.startswith(pod + "-") else name})
    return sorted(rows, key=lambda r: r["name"])


def _container_row(item) -> dict[str, Any]:
    state = item.state
    return {"name": item.name, "pod_id": item.pod, "id": item.id, "status": state.status,
            "exit_code": state.exit_code, "restarts": item.restart_count or 0, "image": item.config.image,
            "started": state.started_at.timestamp() if state.started_at else 0.0}


def _present(items, read: Callable[[Any], Any]) -> list[Any]:
    """`read(item)` of each listed item still there when it is inspected."""
    kept = []
    for item in items:
        try:
            kept.append(read(item))
        except (NoSuchContainer, NoSuchPod):
            continue  # removed since the listing
    return kept


def down(engine: Engine) -> list[str]:
    """Remove this sandbox's pods (and their containers); the pod names removed."""
    sid = sandbox_id()
    names = engine.call("pod ps", lambda c: _present(c.pod.list(filters=[("label", f"{LABEL}={sid}")]),
                                                     lambda p: p.name))
    if names:
        engine.call("pod rm", lambda c: c.pod.remove(names, force=True), timeout=DOWN_TIMEOUT)
    return names


def play(engine: Engine, standin: StandIn, on_line: Callable[[str], None]) -> list[str]:
    """Replace this sandbox's pods with the stand-in's; the pod names. A pod of that name
    that is not ours is never touched: the play fails saying so."""
    if engine.name != "podman":
        raise StandInError(f"{engine.name} has no `kube play`: the stand-in needs Podman")
    down(engine)
    path = play_file()
    path.write_text(play_text(standin))
    for name in standin.deployments:
        clash = engine.call("pod exists", lambda c, n=name: c.pod.exists(f"{n}-pod-0"))
        if clash:
            raise StandInError(f"a pod named {name}-pod-0 exists and is not this sandbox's: "
                               "petstore-tui leaves it alone (remove it yourself if it is stale)")
    infra_before = _infra_images(engine)
    try:
        output = engine.call("kube play", lambda c: run(engine.raw(c, "kube", "play", "--network=host", str(path))),
                             timeout=PLAY_TIMEOUT)
    except EngineCallError as exc:
        raise StandInError(str(exc)) from None
    for made in _infra_images(engine) - infra_before:  # podman builds its pause image on first use
        sandbox_inventory.add_image(made)
    for line in (output or "").splitlines():
        if line.strip():
            on_line(line)
    return [f"{name}-pod-0" for name in standin.deployments]


def _infra_images(engine: Engine) -> set[str]:
    images = engine.call("images", lambda c: c.image.list(filters=[("reference", "localhost/podman-pause")]))
    return {tag for image in images for tag in image.repo_tags}


def health(url: str, timeout: float = 3.0) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status == 200, f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, str(getattr(exc, "reason", exc))


def wait_ready(engine: Engine, url: str, *, timeout: float = ROLLOUT_TIMEOUT,
               progress: Callable[[str], None] | None = None) -> None:
    """Until the readiness path answers 200 from the container; a container that keeps
    exiting fails early with its own last words."""
    deadline = time.monotonic() + timeout
    why = "no answer"
    last_report = 0.0
    while time.monotonic() < deadline:
        ok, why = health(url)
        if ok:
            return
        rows = ours(engine)
        crashed = [r for r in rows if r["restarts"] >= 3 or r["status"] in ("exited", "stopped")]
        if crashed:
            row = crashed[0]
            raise StandInError(f"container {row['name']} {row['status']} (exit {row['exit_code']}, "
                               f"{row['restarts']} restarts): {last_words(engine, row['name'])}")
        if progress is not None and time.monotonic() - last_report >= 5:
            last_report = time.monotonic()
            progress(f"waiting for {url}: {why}")
        time.sleep(0.5)
    raise StandInError(f"{url} did not answer 200 within {timeout:.0f}s ({why})")


def log_file(engine: Engine, name: str, *, strict: bool = False) -> Path | None:
    """The container's log file when podman keeps one (its k8s-file driver, CRI format) and
    we may read it; None otherwise (journald...), and `podman logs` serves instead. With
    `strict`, an inspection that fails (the container gone, no answer in time) raises
    EngineCallError instead of counting as "no file"."""
    try:
        out = engine.call("inspect", lambda c: run(engine.raw(
            c, "container", "inspect", "--format", "{{.HostConfig.LogConfig.Type}}\t{{.HostConfig.LogConfig.Path}}",
            name)))
    except EngineCallError:
        if strict:
            raise
        return None
    kind, _, path = str(out).strip().partition("\t")
    if kind != "k8s-file" or not path or (os.path.exists(path) and not os.access(path, os.R_OK)):
        return None
    return Path(path)  # may not exist yet: a container just created writes it when it starts


def recent_lines(engine: Engine, name: str, tail: int, timeout: float = 60.0) -> list[str]:
    """A container's last `tail` log lines, whole and in order (services/cri_log.py says
    why the file beats `podman logs` here)."""
    path = log_file(engine, name)
    if path is not None:
        try:
            return cri_log.tail(path, tail)
        except OSError:
            pass  # removed meanwhile: ask the engine
    return list(engine.caller.stream(
        "logs", lambda c: c.container.logs(name, tail=tail, stream=True), timeout=timeout))


def last_words(engine: Engine, name: str, lines: int = 3) -> str:
    try:
        text = recent_lines(engine, name, lines)
    except EngineCallError as exc:
        return f"(no log: {exc})"
    return redact(" | ".join(line.strip() for line in text if line.strip()))[:600]
