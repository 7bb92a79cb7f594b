"""The rules the Kubernetes API server enforces on our objects, applied before deploy (docs/knowledge/kubernetes-api-rules.md): kubernetes-validate's strict schemas for the cluster's version, plus the validation the schemas leave to the server's Go code (names, labels, ports, selectors, requests against limits, volume mounts)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from checks.project.containers import pod_containers

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
PORT_NAME = re.compile(r"^[-a-z0-9]+$")
# Kinds whose names are DNS-1035 labels or DNS-1123 labels; every other kind we ship takes
# a DNS-1123 subdomain.
NAME_RULE = {"Service": ("a DNS-1035 label", DNS1035_LABEL, 63), "Namespace": ("a DNS-1123 label", DNS1123_LABEL, 63)}
POD_OWNERS = ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job")
_SUFFIX = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60, "n": Decimal("1e-9"),
           "u": Decimal("1e-6"), "m": Decimal("1e-3"), "k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12,
           "P": 10**15, "E": 10**18}


@dataclass(frozen=True)
class Violation:
    obj: str  # Kind/name
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.obj}: {self.field}: {self.message}"


def _name_errors(value: Any, pattern: re.Pattern, limit: int, what: str) -> list[str]:
    text = str(value)
    errors = [f"must be no more than {limit} characters"] if len(text) > limit else []
    if not pattern.match(text):
        errors.append(f"must be {what}: lower case alphanumeric characters or '-'"
                      + (" or '.'" if pattern is DNS1123_SUBDOMAIN else "")
                      + (", starting with a letter" if pattern is DNS1035_LABEL else "")
                      + ", starting and ending with an alphanumeric character")
    return errors


def label_key_errors(key: str) -> list[str]:
    prefix, _, name = key.rpartition("/")
    errors = []
    if prefix and (len(prefix) > 253 or not DNS1123_SUBDOMAIN.match(prefix)):
        errors.append("prefix part must be a DNS-1123 subdomain")
    if not name or len(name) > 63 or not QUALIFIED_NAME.match(name):
        errors.append("name part must be 63 characters or less, alphanumeric, '-', '_' or '.', starting and "
                      "ending with an alphanumeric character")
    return errors


def label_value_errors(value: Any) -> list[str]:
    text = "" if value is None else str(value)
    if len(text) > 63 or not LABEL_VALUE.match(text):
        return ["must be 63 characters or less, empty or alphanumeric, '-', '_' or '.', starting and ending with "
                "an alphanumeric character"]
    return []


def port_number_errors(value: Any) -> list[str]:
    return [] if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 65535 else \
        ["must be between 1 and 65535, inclusive"]


def port_name_errors(value: Any) -> list[str]:
    text = str(value)
    errors = ["must be no more than 15 characters"] if len(text) > 15 else []
    if not PORT_NAME.match(text):
        errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", text):
        errors.append("must contain at least one letter (a-z)")
    if "--" in text or text.startswith("-") or text.endswith("-"):
        errors.append("must not contain consecutive hyphens nor begin or end with one")
    return errors


def port_number_or_name_errors(value: Any) -> list[str]:
    if isinstance(value, int) and not isinstance(value, bool):
        return port_number_errors(value)
    return port_name_errors(value)


def quantity(value: Any) -> Decimal | None:
    match = re.fullmatch(r"([+-]?[0-9.]+(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?", str(value).strip())
    if not match:
        return None
    try:
        return Decimal(match.group(1)) * Decimal(_SUFFIX.get(match.group(2) or "", 1))
    except InvalidOperation:
        return None


def selector_matches(selector: dict, labels: dict) -> bool:
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if (op == "In" and labels.get(key) not in values) or (op == "NotIn" and labels.get(key) in values) or \
                (op == "Exists" and key not in labels) or (op == "DoesNotExist" and key in labels):
            return False
    return True


class _Collector:
    def __init__(self, obj: str):
        self.obj, self.found = obj, []

    def add(self, field: str, value: Any, errors: list[str]) -> None:
        self.found += [Violation(self.obj, field, f"Invalid value: {value!r}: {e}") for e in errors]

    def required(self, field: str) -> None:
        self.found.append(Violation(self.obj, field, "Required value"))


def _metadata(c: _Collector, kind: str, meta: dict, path: str = "metadata", name_required: bool = True) -> None:
    name = meta.get("name")
    if name is None and name_required and not meta.get("generateName"):
        c.required(f"{path}.name")
    elif name is not None:
        what, pattern, limit = NAME_RULE.get(kind, ("a DNS-1123 subdomain", DNS1123_SUBDOMAIN, 253))
        c.add(f"{path}.name", name, _name_errors(name, pattern, limit, what))
    if meta.get("namespace") is not None:
        c.add(f"{path}.namespace", meta["namespace"], _name_errors(meta["namespace"], DNS1123_LABEL, 63,
                                                                    "a DNS-1123 label"))
    for key, value in (meta.get("labels") or {}).items():
        c.add(f"{path}.labels", key, label_key_errors(key))
        c.add(f"{path}.labels[{key}]", value, label_value_errors(value))
    for key in meta.get("annotations") or {}:
        c.add(f"{path}.annotations", key, label_key_errors(key))


def _container(c: _Collector, path: str, container: dict, volumes: set[str]) -> None:
    c.add(f"{path}.name", container.get("name"), _name_errors(container.get("name", ""), DNS1123_LABEL, 63,
                                                              "a DNS-1123 label"))
    names: set[str] = set()
    for i, port in enumerate(container.get("ports") or []):
        where = f"{path}.ports[{i}]"
        c.add(f"{where}.containerPort", port.get("containerPort"), port_number_errors(port.get("containerPort")))
        if port.get("hostPort") not in (None, 0):
            c.add(f"{where}.hostPort", port["hostPort"], port_number_errors(port["hostPort"]))
        if port.get("name") is not None:
            c.add(f"{where}.name", port["name"], port_name_errors(port["name"]) +
                  (["must be unique in the container"] if port["name"] in names else []))
            names.add(port["name"])
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        for action in ("httpGet", "tcpSocket", "grpc"):
            spec = (container.get(probe) or {}).get(action)
            if isinstance(spec, dict) and "port" in spec:
                check = port_number_errors if action == "grpc" else port_number_or_name_errors
                c.add(f"{path}.{probe}.{action}.port", spec["port"], check(spec["port"]))
    resources = container.get("resources") or {}
    limits, requests = resources.get("limits") or {}, resources.get("requests") or {}
    for resource, wanted in requests.items():
        have, cap = quantity(wanted), quantity(limits.get(resource)) if resource in limits else None
        if have is None:
            c.add(f"{path}.resources.requests[{resource}]", wanted, ["must be a quantity (e.g. 200m, 256Mi)"])
        elif cap is not None and have > cap:
            c.add(f"{path}.resources.requests", wanted, [f"must be less than or equal to {resource} limit of "
                                                         f"{limits[resource]}"])
    for i, mount in enumerate(container.get("volumeMounts") or []):
        if mount.get("name") not in volumes:
            c.found.append(Violation(c.obj, f"{path}.volumeMounts[{i}].name", f"Not found: {mount.get('name')!r}"))


def _pod_spec(c: _Collector, path: str, spec: dict) -> None:
    volumes: set[str] = set()
    for i, volume in enumerate(spec.get("volumes") or []):
        name = volume.get("name", "")
        c.add(f"{path}.volumes[{i}].name", name, _name_errors(name, DNS1123_LABEL, 63, "a DNS-1123 label") +
              (["must be unique"] if name in volumes else []))
        volumes.add(name)
    seen: set[str] = set()
    for container, where in pod_containers(spec, path):
        if container.get("name") in seen:
            c.found.append(Violation(c.obj, f"{where}.name", f"Duplicate value: {container['name']!r}"))
        seen.add(container.get("name"))
        _container(c, where, container, volumes)


def _service(c: _Collector, spec: dict) -> None:
    ports = spec.get("ports") or []
    names: set[str] = set()
    for i, port in enumerate(ports):
        c.add(f"spec.ports[{i}].port", port.get("port"), port_number_errors(port.get("port")))
        if "targetPort" in port:
            c.add(f"spec.ports[{i}].targetPort", port["targetPort"], port_number_or_name_errors(port["targetPort"]))
        name = port.get("name")
        if name is None and len(ports) > 1:
            c.required(f"spec.ports[{i}].name")
        elif name is not None:
            c.add(f"spec.ports[{i}].name", name, _name_errors(name, DNS1123_LABEL, 63, "a DNS-1123 label") +
                  (["must be unique"] if name in names else []))
            names.add(name)
    for key, value in (spec.get("selector") or {}).items():
        c.add(f"spec.selector[{key}]", value, label_key_errors(key) + label_value_errors(value))


def _ingress(c: _Collector, spec: dict) -> None:
    backends = [("spec.defaultBackend", spec.get("defaultBackend"))] if spec.get("defaultBackend") else []
    for i, rule in enumerate(spec.get("rules") or []):
        for j, item in enumerate((rule.get("http") or {}).get("paths") or []):
            where = f"spec.rules[{i}].http.paths[{j}]"
            if item.get("pathType") in ("Prefix", "Exact") and not str(item.get("path", "")).startswith("/"):
                c.add(f"{where}.path", item.get("path"), ["must be an absolute path"])
            backends.append((f"{where}.backend", item.get("backend")))
    for where, backend in backends:
        port = ((backend or {}).get("service") or {}).get("port") or {}
        if "number" in port:
            c.add(f"{where}.service.port.number", port["number"], port_number_errors(port["number"]))
        elif "name" in port:
            c.add(f"{where}.service.port.name", port["name"], port_name_errors(port["name"]))


def api_violations(obj: dict) -> list[Violation]:
    """What the API server's own validation refuses in `obj` (beyond the schema)."""
    kind = str(obj.get("kind"))
    meta = obj.get("metadata") or {}
    c = _Collector(f"{kind}/{meta.get('name')}")
    _metadata(c, kind, meta)
    spec = obj.get("spec") or {}
    if kind in POD_OWNERS:
        template = spec.get("template") or {}
        labels = (template.get("metadata") or {}).get("labels") or {}
        selector = spec.get("selector")
        _metadata(c, "Pod", template.get("metadata") or {}, "spec.template.metadata", name_required=False)
        if kind != "Job" and not (selector or {}).get("matchLabels") and not (selector or {}).get("matchExpressions"):
            c.required("spec.selector")
        elif selector and not selector_matches(selector, labels):
            c.add("spec.template.metadata.labels", labels, ["`selector` does not match template `labels`"])
        for key, value in ((selector or {}).get("matchLabels") or {}).items():
            c.add(f"spec.selector.matchLabels[{key}]", value, label_key_errors(key) + label_value_errors(value))
        _pod_spec(c, "spec.template.spec", template.get("spec") or {})
    elif kind == "Pod":
        _pod_spec(c, "spec", spec)
    elif kind == "Service":
        _service(c, spec)
    elif kind == "Ingress":
        _ingress(c, spec)
    elif kind == "HorizontalPodAutoscaler":
        low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
        if isinstance(low, int) and low < 1:
            c.add("spec.minReplicas", low, ["must be greater than or equal to 1"])
        if isinstance(high, int) and isinstance(low, int) and high < low:
            c.add("spec.maxReplicas", high, ["must be greater than or equal to `minReplicas`"])
    elif kind == "ConfigMap":
        for key in {**(obj.get("data") or {}), **(obj.get("binaryData") or {})}:
            if not re.fullmatch(r"[-._a-zA-Z0-9]+", str(key)) or len(str(key)) > 253:
                c.add("data", key, ["a valid config key must consist of alphanumeric characters, '-', '_' or '.'"])
    return c.found


def schema_violations(obj: dict, version: str) -> list[Violation]:
    """kubernetes-validate's strict schema check for Kubernetes `version` (e.g. 1.35.0, one
    schema_version returns): the first error its validate() raises, with the schemas read
    and the validator built once per kind (its validate() reads the 1.5 MB definitions
    file and builds both for every object)."""
    # start-up: kubernetes_validate and jsonschema are ~70 modules; only schema validation loads them
    import kubernetes_validate

    meta = obj.get("metadata") or {}
    try:
        validator = _strict_validator(version, str(obj.get("kind")), str(obj.get("apiVersion")))
    except kubernetes_validate.SchemaNotFoundError:
        return [Violation(f"{obj.get('kind')}/{meta.get('name')}", "apiVersion",
                          f"no schema for {obj.get('apiVersion')} {obj.get('kind')} in Kubernetes {version}")]
    error = next(iter(validator.iter_errors(obj)), None)  # what validate() raises: the first
    if error is None:
        return []
    path = ".".join(str(p) for p in error.path) or "(object)"
    return [Violation(f"{obj.get('kind')}/{meta.get('name')}", path, error.message)]


@functools.lru_cache(maxsize=64)
def _definitions(version: str):
    # start-up: as above
    from kubernetes_validate.utils import schema_contents

    return schema_contents(f"kubernetes-json-schema/v{version}-local-strict/_definitions.json", version)


@functools.lru_cache(maxsize=256)
def _strict_validator(version: str, kind: str, api_version: str):
    """kubernetes-validate's schema lookup and validator for a `version` it ships, as its
    validate() builds them (docs/knowledge/kubernetes-api-rules.md): the file named by
    kind and group-version, its definitions beside it in a referencing registry, a
    Draft 2020-12 validator."""
    # start-up: as above
    import jsonschema
    import kubernetes_validate
    from kubernetes_validate.utils import schema_contents  # start-up
    from referencing import Registry, Resource  # start-up

    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = schema_contents(f"kubernetes-json-schema/v{version}-local-strict/{kind.lower()}-{group_version}.json",
                                 version)
    except FileNotFoundError:
        raise kubernetes_validate.SchemaNotFoundError(kind=kind, version=version, api_version=api_version) from None
    registry = Resource.from_contents(_definitions(version)) @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


def schema_version(wanted: str | None) -> tuple[str, str]:
    """(kubernetes-validate's version to use, a note): the cluster's minor when shipped,
    else the newest older one it ships."""
    # start-up: as above
    from kubernetes_validate.utils import all_versions

    shipped = sorted(all_versions(), key=lambda v: tuple(int(p) for p in v.split(".")))
    if wanted and f"{wanted}.0" in shipped:
        return f"{wanted}.0", ""
    older = [v for v in shipped if wanted and tuple(int(p) for p in v.split("."))[:2]
             <= tuple(int(p) for p in wanted.split(".")[:2])]
    chosen = (older or shipped)[-1]
    return chosen, f"kubernetes-validate has no schemas for {wanted or 'an unknown version'}; used {chosen}"
