"""config.ports: one port from the app to the ALB: the PORT the app binds (env, else the image's, else 8080) is the containerPort, the probes' port and the Service's targetPort, and each Ingress backend names a port of its Service."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._sources import dockerfile_env, manifests
from checks.preflight.context import CheckContext, in_thread
from checks.project.containers import APP_CONTAINERS, containers
from checks.project.manifests import container_env, overlay_groups

DEFAULT_PORT = 8080  # petstore-app/gunicorn.conf.py binds 0.0.0.0:${PORT:-8080}
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
NO_ADDRESS = "alb-controller-ingress-no-address"
PROBE_FAILED = "pod-probe-failed"


def _int(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _name(doc: dict) -> str:
    return str((doc.get("metadata") or {}).get("name"))


def _namespace(doc: dict) -> str:
    return str((doc.get("metadata") or {}).get("namespace") or "default")


def _backends(ingress: dict) -> list[dict]:
    spec = ingress.get("spec") or {}
    found = [spec["defaultBackend"]] if spec.get("defaultBackend") else []
    for rule in spec.get("rules") or []:
        found += [p.get("backend") or {} for p in ((rule.get("http") or {}).get("paths") or [])]
    return [b.get("service") for b in found if isinstance(b.get("service"), dict)]


class PortsCheck(Check):
    id = "config.ports"
    group = "config"
    title = "App, container, Service, Ingress ports"
    failure_id = "pod-probe-failed"

    async def run(self, ctx: CheckContext) -> CheckResult:
        rendered = await manifests(ctx)
        if not rendered.of_kind("Deployment"):
            return self.skipped("no Deployment in kubernetes/", "\n".join(rendered.problems))
        image_env = await in_thread(dockerfile_env, ctx)
        problems: list[tuple[str, str]] = []
        notes: list[str] = []
        for where, docs in overlay_groups(rendered):
            self._group(where, docs, image_env, problems, notes)
        if problems:
            return self.failed(problems[0][1], "\n".join([p for _f, p in problems] + notes + rendered.problems),
                               f"keep one port: PORT (env) = containerPort {DEFAULT_PORT} (named http) = the probes' "
                               "port = the Service's targetPort, and the Ingress backend port = the Service's port "
                               "(80) (kubernetes/base/)", problems[0][0])
        return self.passed(f"the app's port reaches the Service and the Ingress ({rendered.how})", "\n".join(notes))

    def _group(self, where: str, docs: list[dict], image_env: dict, problems: list, notes: list) -> None:
        config_maps = {_name(d): d.get("data") or {} for d in docs if d.get("kind") == "ConfigMap"}
        services = [d for d in docs if d.get("kind") == "Service"]
        for deployment in [d for d in docs if d.get("kind") == "Deployment"]:
            template = (deployment.get("spec") or {}).get("template") or {}
            labels = (template.get("metadata") or {}).get("labels") or {}
            named: dict[str, int] = {}
            app_ports: set[int] = set()
            for _obj, container, _path in containers(deployment, APP_CONTAINERS):
                label = f"{where}: {_name(deployment)}/{container.get('name')}"
                env = container_env(container, config_maps)
                source = "env PORT" if "PORT" in env else "the image's ENV PORT" if "PORT" in image_env else "default"
                port = _int(env.get("PORT", image_env.get("PORT", DEFAULT_PORT)))
                if port is None:
                    problems.append((PROBE_FAILED, f"{label}: PORT {env.get('PORT')!r} is not a number"))
                    continue
                app_ports.add(port)
                declared = [(p.get("name"), _int(p.get("containerPort"))) for p in container.get("ports") or []]
                named.update({n: p for n, p in declared if n and p is not None})
                if declared and port not in [p for _n, p in declared]:
                    problems.append((PROBE_FAILED, f"{label}: the app listens on {port} ({source}) but containerPort "
                                                   f"is {', '.join(str(p) for _n, p in declared)}"))
                else:
                    notes.append(f"{label}: listens on {port} ({source})")
                for kind in PROBES:
                    probe = container.get(kind) or {}
                    action = probe.get("httpGet") or probe.get("tcpSocket")
                    if not action or "port" not in action:
                        continue
                    raw = action["port"]
                    target = _int(raw) if _int(raw) is not None else named.get(str(raw))
                    if target is None:
                        problems.append((PROBE_FAILED, f"{label}: {kind} port {raw!r} names no containerPort"))
                    elif target != port:
                        problems.append((PROBE_FAILED, f"{label}: {kind} calls port {target}"
                                                       f"{f' ({raw})' if str(raw) != str(target) else ''} but the "
                                                       f"app listens on {port}"))
            if not app_ports:
                continue
            for service in services:
                selector = (service.get("spec") or {}).get("selector") or {}
                if not selector or any(labels.get(k) != v for k, v in selector.items()):
                    continue
                for sp in (service.get("spec") or {}).get("ports") or []:
                    raw = sp.get("targetPort", sp.get("port"))
                    target = _int(raw) if _int(raw) is not None else named.get(str(raw))
                    label = f"{where}: Service {_name(service)} port {sp.get('port')}"
                    if target is None:
                        problems.append((NO_ADDRESS, f"{label}: targetPort {raw!r} names no containerPort of "
                                                     f"{_name(deployment)}"))
                    elif target not in app_ports:
                        problems.append((NO_ADDRESS, f"{label}: targetPort {target} but the app listens on "
                                                     f"{', '.join(map(str, sorted(app_ports)))}: the ALB's targets "
                                                     "never turn healthy"))
                    else:
                        notes.append(f"{label} -> {target}")
        for ingress in [d for d in docs if d.get("kind") == "Ingress"]:
            for backend in _backends(ingress):
                label = f"{where}: Ingress {_name(ingress)} backend {backend.get('name')}"
                service = next((s for s in services if _name(s) == backend.get("name")
                                and _namespace(s) == _namespace(ingress)), None)
                if service is None:
                    problems.append((NO_ADDRESS, f"{label}: no Service {backend.get('name')} in namespace "
                                                 f"{_namespace(ingress)}"))
                    continue
                ports = (service.get("spec") or {}).get("ports") or []
                want = backend.get("port") or {}
                if "number" in want:
                    ok = _int(want["number"]) in [_int(p.get("port")) for p in ports]
                else:
                    ok = want.get("name") in [p.get("name") for p in ports]
                shown = want.get("number", want.get("name"))
                if not ok:
                    problems.append((NO_ADDRESS, f"{label}: port {shown} is not a port of Service "
                                                 f"{_name(service)} ({', '.join(str(p.get('port')) for p in ports)})"))
                else:
                    notes.append(f"{label}: port {shown}")
