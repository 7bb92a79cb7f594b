"""Read a checkout once per context: Terraform (python-hcl2), the rendered Kubernetes manifests (kubectl kustomize, else the YAML files), the Dockerfile and the app's requirements."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checks.preflight.context import CheckContext

OVERLAYS = ("dev", "prod")


@dataclass
class TfResource:
    type: str
    name: str
    body: dict
    file: str


@dataclass
class Terraform:
    folder: Path
    resources: list[TfResource] = field(default_factory=list)
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (name, file)
    variables: dict[str, dict] = field(default_factory=dict)
    tfvars: dict[str, Any] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)  # file -> text
    errors: list[str] = field(default_factory=list)

    def of_type(self, type_: str) -> list[TfResource]:
        return [r for r in self.resources if r.type == type_]

    def value(self, name: str) -> Any:
        """A variable's effective value: terraform.tfvars, else its default."""
        if name in self.tfvars:
            return self.tfvars[name]
        return (self.variables.get(name) or {}).get("default")


def _hcl_options():
    from hcl2 import SerializationOptions

    # hcl2 v8 keeps quotes and marks blocks unless told (DEPENDENCIES.md).
    return SerializationOptions(strip_string_quotes=True, explicit_blocks=False)


def load_terraform(folder: Path) -> Terraform:
    import hcl2

    tf = Terraform(folder)
    for path in sorted(folder.glob("*.tf")):
        text = path.read_text()
        tf.raw[path.name] = text
        try:
            data = hcl2.loads(text, serialization_options=_hcl_options())
        except Exception as exc:  # a syntax error: reported by the checks that need the file
            tf.errors.append(f"{path.name}: cannot parse ({type(exc).__name__}: {str(exc).splitlines()[0][:120]})")
            continue
        for block in data.get("resource", []):
            for type_, named in block.items():
                for name, body in named.items():
                    tf.resources.append(TfResource(type_, name, body, path.name))
        for block in data.get("output", []):
            for name in block:
                tf.outputs.append((name, path.name))
        for block in data.get("variable", []):
            tf.variables.update(block)
        for block in data.get("locals", []):
            tf.locals.update({k: v for k, v in block.items() if not k.startswith("__")})
    tfvars = folder / "terraform.tfvars"
    if tfvars.is_file():
        try:
            tf.tfvars = {k: v for k, v in hcl2.loads(tfvars.read_text(), serialization_options=_hcl_options()).items()
                         if not k.startswith("__")}
        except Exception as exc:
            tf.errors.append(f"terraform.tfvars: cannot parse ({type(exc).__name__})")
    return tf


def terraform(ctx: CheckContext) -> Terraform:
    return ctx.memo("terraform", lambda: load_terraform_cached(Path(ctx.project_dir) / "terraform"))


_CACHE_VERSION = "1"


def settings_state_dir() -> Path:
    from petstore_tui import settings

    return settings.state_dir()


def load_terraform_cached(folder: Path) -> Terraform:
    """load_terraform, remembered in the state folder by the files' content: importing
    python-hcl2 (lark builds its grammar) costs more than every other config check."""
    import hashlib
    import json

    files = sorted([*folder.glob("*.tf"), *folder.glob("terraform.tfvars")])
    digest = hashlib.sha256(_CACHE_VERSION.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    cache = settings_state_dir() / "cache" / f"terraform-{digest.hexdigest()[:32]}.json"
    try:
        data = json.loads(cache.read_text())
        tf = Terraform(folder, [TfResource(**r) for r in data["resources"]],
                       [tuple(o) for o in data["outputs"]], data["variables"], data["tfvars"],
                       data["locals"], data["raw"], data["errors"])
        return tf
    except (OSError, ValueError, KeyError, TypeError):
        pass
    tf = load_terraform(folder)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({
            "resources": [r.__dict__ for r in tf.resources], "outputs": tf.outputs,
            "variables": tf.variables, "tfvars": tf.tfvars, "locals": tf.locals,
            "raw": {name: "" for name in tf.raw}, "errors": tf.errors}))
        os.replace(tmp, cache)
    except (OSError, TypeError, ValueError):  # a cache we cannot write only costs time
        pass
    return tf


# ---- Terraform expressions we need to understand -------------------------------------------

def count_of(tf: Terraform, body: dict) -> int | None:
    """How many instances a resource makes: 1 without count/for_each; None when unknown."""
    for key in ("count", "for_each"):
        if key not in body:
            continue
        value = body[key]
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int):
            return value
        if isinstance(value, (list, dict)):
            return len(value)
        return _resolve_length(tf, str(value))
    return 1


def _resolve_length(tf: Terraform, expr: str) -> int | None:
    text = expr.strip().removeprefix("${").removesuffix("}")
    if text.isdigit():
        return int(text)
    match = re.fullmatch(r"length\((local|var)\.(\w+)\)", text) or re.fullmatch(r"toset\((local|var)\.(\w+)\)", text)
    if not match:
        return None
    kind, name = match.groups()
    value = tf.locals.get(name) if kind == "local" else tf.value(name)
    if isinstance(value, (list, dict)):
        return len(value)
    if isinstance(value, str):
        slice_match = re.search(r"slice\([^,]+,\s*(\d+),\s*(\d+)\)", value)
        if slice_match:
            return int(slice_match.group(2)) - int(slice_match.group(1))
    return None


def tag_value(tf: Terraform, tags: Any, key: str) -> str | None:
    """The value of tag `key` in a resource's tags (a map, or a merge() expression text
    that may pull in locals); None when absent."""
    if isinstance(tags, dict):
        if key in tags:
            return str(tags[key])
        return None
    if not isinstance(tags, str):
        return None
    match = re.search(r'"?' + re.escape(key) + r'"?\s*=\s*"([^"]*)"', tags)
    if match:
        return match.group(1)
    for local_name in re.findall(r"local\.(\w+)", tags):
        found = tag_value(tf, tf.locals.get(local_name), key)
        if found is not None:
            return found
    return None


def has_tag_key(tf: Terraform, tags: Any, key_pattern: str) -> bool:
    if isinstance(tags, dict):
        return any(re.fullmatch(key_pattern, k) for k in tags)
    if isinstance(tags, str):
        if re.search(r'"?' + key_pattern + r'"?\s*=', tags):
            return True
        return any(has_tag_key(tf, tf.locals.get(n), key_pattern) for n in re.findall(r"local\.(\w+)", tags))
    return False


def public_subnet_names(tf: Terraform) -> set[str]:
    """aws_subnet names whose route table sends 0.0.0.0/0 to an internet gateway, plus those
    with map_public_ip_on_launch; by name ("public") when no association says."""
    igw_tables = set()
    for table in tf.of_type("aws_route_table"):
        routes = table.body.get("route") or []
        routes = routes if isinstance(routes, list) else [routes]
        if any("aws_internet_gateway" in str(r.get("gateway_id", "")) for r in routes if isinstance(r, dict)):
            igw_tables.add(table.name)
    for route in tf.of_type("aws_route"):
        if "aws_internet_gateway" in str(route.body.get("gateway_id", "")):
            match = re.search(r"aws_route_table\.(\w+)", str(route.body.get("route_table_id", "")))
            if match:
                igw_tables.add(match.group(1))
    public: set[str] = set()
    associated: set[str] = set()
    for assoc in tf.of_type("aws_route_table_association"):
        subnet = re.search(r"aws_subnet\.(\w+)", str(assoc.body.get("subnet_id", "")))
        table = re.search(r"aws_route_table\.(\w+)", str(assoc.body.get("route_table_id", "")))
        if subnet and table:
            associated.add(subnet.group(1))
            if table.group(1) in igw_tables:
                public.add(subnet.group(1))
    for subnet in tf.of_type("aws_subnet"):
        if subnet.body.get("map_public_ip_on_launch") is True:
            public.add(subnet.name)
        elif subnet.name not in associated and "public" in subnet.name:
            public.add(subnet.name)
    return public


def free_addresses(cidr: Any) -> int | None:
    match = re.search(r"/(\d+)\s*$", str(cidr or ""))
    if not match:
        return None
    return 2 ** (32 - int(match.group(1))) - 5  # AWS keeps five addresses of every subnet


# ---- Kubernetes manifests -------------------------------------------------------------------

@dataclass
class Manifests:
    documents: list[tuple[str, dict]]  # (where it came from, the object)
    how: str  # "kubectl kustomize" | "YAML files"
    problems: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[tuple[str, dict]]:
        return [(w, d) for w, d in self.documents if d.get("kind") == kind]


async def manifests(ctx: CheckContext) -> Manifests:
    return await ctx.amemo("manifests", lambda: _render(ctx))


async def _render(ctx: CheckContext) -> Manifests:
    import yaml

    from petstore_tui.services.process import ToolNotFound

    root = Path(ctx.project_dir) / "kubernetes"
    overlays = [root / "overlays" / o for o in OVERLAYS if (root / "overlays" / o / "kustomization.yaml").is_file()]
    documents: list[tuple[str, dict]] = []
    problems: list[str] = []
    if overlays:
        try:
            for overlay in overlays:
                done = await ctx.run_tool(["kubectl", "kustomize", str(overlay)], 8.0)
                if not done.ok:
                    raise RuntimeError((done.stderr or "kubectl kustomize failed").splitlines()[-1][:200])
                for doc in yaml.safe_load_all(done.stdout):
                    if isinstance(doc, dict):
                        documents.append((f"overlays/{overlay.name}", doc))
            return Manifests(documents, "kubectl kustomize")
        except (ToolNotFound, RuntimeError, yaml.YAMLError) as exc:
            problems.append(f"kubectl kustomize unavailable ({exc}); read the YAML files instead")
            documents = []
    for path in sorted(root.rglob("*.yaml")) if root.is_dir() else []:
        if path.name == "kustomization.yaml" or "controller" in path.relative_to(root).parts[:1]:
            continue
        try:
            for doc in yaml.safe_load_all(path.read_text()):
                if isinstance(doc, dict) and doc.get("kind"):
                    documents.append((str(path.relative_to(root)), doc))
        except yaml.YAMLError as exc:
            problems.append(f"{path.relative_to(root)}: not valid YAML ({getattr(exc, 'problem', exc)})")
    return Manifests(documents, "YAML files", problems)


def helm_values(ctx: CheckContext) -> tuple[Path, dict | None, str]:
    """(path, values, problem) of kubernetes/controller/values.yaml."""
    import yaml

    path = Path(ctx.project_dir) / "kubernetes" / "controller" / "values.yaml"
    if not path.is_file():
        return path, None, "missing"
    try:
        return path, yaml.safe_load(path.read_text()) or {}, ""
    except yaml.YAMLError as exc:
        return path, None, f"not valid YAML ({getattr(exc, 'problem', exc)})"


# ---- the app's requirements -----------------------------------------------------------------

REQUIREMENT_FILES = ("requirements.lock", "requirements.txt", "requirements.in")


def requirements(ctx: CheckContext) -> tuple[str | None, dict[str, str]]:
    """(file used, {package: specifier}) from petstore-app's lock, else .txt, else .in."""
    folder = Path(ctx.project_dir) / "petstore-app"
    for name in REQUIREMENT_FILES:
        path = folder / name
        if path.is_file():
            return name, parse_requirements(path.read_text())
    return None, {}


def parse_requirements(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip().rstrip("\\").strip()
        if not line or line.startswith("-"):
            continue
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)", line)
        if match:
            name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            out[name] = match.group(3).split(";", 1)[0].strip()
    return out


def dockerfile(ctx: CheckContext) -> tuple[Path, list[dict] | None]:
    """(path, instructions) of docker/Dockerfile, parsed by dockerfile-parse."""
    from dockerfile_parse import DockerfileParser

    path = Path(ctx.project_dir) / "docker" / "Dockerfile"
    if not path.is_file():
        return path, None
    with path.open("rb") as fh:
        # fileobj=: the parser otherwise wants a folder holding a file named Dockerfile.
        parser = DockerfileParser(fileobj=fh)
        return path, parser.structure
