"""Every container of a Kubernetes object and where it sits, walked one way for every
container check (as checkov's container checks do): a Pod's own spec, a workload's pod
template, a CronJob's job template; init containers first, then the app's containers."""

from __future__ import annotations

from collections.abc import Iterator

# kinds whose spec.template is a pod template (CronJob nests one a level deeper)
POD_TEMPLATE_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job")
ALL_CONTAINERS = ("initContainers", "containers")
# the app's own containers: what serves the probes, the ports and the Service
APP_CONTAINERS = ("containers",)


def pod_spec(obj: dict) -> tuple[str, dict] | None:
    """(path, pod spec) of a Pod or of an object that makes Pods; None for any other kind."""
    kind, spec = obj.get("kind"), obj.get("spec") or {}
    if not isinstance(spec, dict):
        return None
    if kind == "Pod":
        return "spec", spec
    prefix = "spec"
    if kind == "CronJob":
        spec, prefix = (spec.get("jobTemplate") or {}).get("spec") or {}, "spec.jobTemplate.spec"
    elif kind not in POD_TEMPLATE_KINDS:
        return None
    return f"{prefix}.template.spec", (spec.get("template") or {}).get("spec") or {}


def pod_containers(spec: dict, path: str, groups: tuple[str, ...] = ALL_CONTAINERS) -> Iterator[tuple[dict, str]]:
    """(container, its path) for each container of a pod spec found at `path`."""
    for group in groups:
        for i, container in enumerate(spec.get(group) or []):
            if isinstance(container, dict):
                yield container, f"{path}.{group}[{i}]"


def containers(obj: dict, groups: tuple[str, ...] = ALL_CONTAINERS) -> Iterator[tuple[dict, dict, str]]:
    """(object, container, path) for every container of `obj`, init containers included
    unless `groups` says otherwise."""
    found = pod_spec(obj)
    if found is not None:
        for container, path in pod_containers(found[1], found[0], groups):
            yield obj, container, path
