"""config.health-paths: the Deployment's HTTP probes and the ALB's healthcheck-path ask for the app's health endpoint (/api/<API_VERSION>/health, or /health/live for liveness)."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._sources import manifests
from checks.preflight.context import CheckContext
from checks.project.containers import APP_CONTAINERS, containers
from checks.project.manifests import container_env, overlay_groups

HEALTHCHECK_PATH = "alb.ingress.kubernetes.io/healthcheck-path"
SUCCESS_CODES = "alb.ingress.kubernetes.io/success-codes"
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


def app_health_paths(env: dict[str, str]) -> tuple[str, ...]:
    """The paths the app answers health on (petstore/meta.py under /api/<API_VERSION>)."""
    version = (env.get("API_VERSION") or "v1").strip().strip("/") or "v1"
    return (f"/api/{version}/health", f"/api/{version}/health/live")


class HealthPathsCheck(Check):
    id = "config.health-paths"
    group = "config"
    title = "Probe and ALB health paths"
    failure_id = "pod-probe-failed"

    async def run(self, ctx: CheckContext) -> CheckResult:
        rendered = await manifests(ctx)
        if not rendered.of_kind("Deployment"):
            return self.skipped("no Deployment in kubernetes/", "\n".join(rendered.problems))
        problems, notes = [], []
        for where, docs in overlay_groups(rendered):
            config_maps = {(d.get("metadata") or {}).get("name"): d.get("data") or {}
                           for d in docs if d.get("kind") == "ConfigMap"}
            valid: set[str] = set()
            for deployment in [d for d in docs if d.get("kind") == "Deployment"]:
                for _obj, container, _path in containers(deployment, APP_CONTAINERS):
                    paths = app_health_paths(container_env(container, config_maps))
                    valid |= set(paths)
                    label = f"{where}: {(deployment.get('metadata') or {}).get('name')}/{container.get('name')}"
                    for kind in PROBES:
                        get = (container.get(kind) or {}).get("httpGet")
                        if not get:
                            continue
                        path = str(get.get("path") or "/").split("?", 1)[0]
                        if path not in paths:
                            problems.append(f"{label}: {kind} asks {path}, but the app answers health on "
                                            f"{paths[0]} (and {paths[1]}): the probe gets 404 and the pod is "
                                            f"{'restarted' if kind != 'readinessProbe' else 'never Ready'}")
                        else:
                            notes.append(f"{label}: {kind} {path}")
            if not valid:
                continue
            for ingress in [d for d in docs if d.get("kind") == "Ingress"]:
                annotations = (ingress.get("metadata") or {}).get("annotations") or {}
                label = f"{where}: Ingress {(ingress.get('metadata') or {}).get('name')}"
                path = annotations.get(HEALTHCHECK_PATH)
                if path is None:
                    if "404" not in str(annotations.get(SUCCESS_CODES, "")):
                        problems.append(f"{label} has no {HEALTHCHECK_PATH}: the ALB checks / , which the app "
                                        "answers 404, so every target stays unhealthy")
                elif str(path).split("?", 1)[0] not in valid:
                    problems.append(f"{label}: {HEALTHCHECK_PATH} is {path}, but the app answers health on "
                                    f"{' and '.join(sorted(valid))}: every target stays unhealthy (502)")
                else:
                    notes.append(f"{label}: ALB health check {path}")
        if problems:
            return self.failed(problems[0], "\n".join(problems + notes + rendered.problems),
                               "use path: /api/v1/health in the probes (kubernetes/base/deployment.yaml) and "
                               f"{HEALTHCHECK_PATH}: /api/v1/health on the Ingress (kubernetes/base/ingress.yaml)")
        return self.passed(f"probes and ALB health check ask the app's health path ({rendered.how})", "\n".join(notes))
