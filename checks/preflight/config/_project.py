"""Read a checkout once per context: Terraform (python-hcl2), the rendered Kubernetes manifests (kubectl kustomize, else the YAML files), the Dockerfile and the app's requirements."""

from __future__ import annotations

import json
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
    data: list[TfResource] = field(default_factory=list)  # data sources (type, name, body, file)
    modules: dict[str, dict] = field(default_factory=dict)  # module blocks by name
    tfvars_from: dict[str, str] = field(default_factory=dict)  # variable -> the tfvars file that set it

    def of_type(self, type_: str) -> list[TfResource]:
        return [r for r in self.resources if r.type == type_]

    def data_of_type(self, type_: str) -> list[TfResource]:
        return [d for d in self.data if d.type == type_]

    def value(self, name: str) -> Any:
        """A variable's effective value: the last tfvars file that sets it (terraform.tfvars,
        then *.auto.tfvars in lexical order, as Terraform loads them), else its default."""
        if name in self.tfvars:
            return self.tfvars[name]
        return (self.variables.get(name) or {}).get("default")

    def value_source(self, name: str) -> str:
        """Where value(name) comes from: a tfvars file's name, "default" or "unset"."""
        if name in self.tfvars:
            return self.tfvars_from.get(name, "terraform.tfvars")
        return "default" if "default" in (self.variables.get(name) or {}) else "unset"


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
        for block in data.get("data", []):
            for type_, named in block.items():
                for name, body in named.items():
                    tf.data.append(TfResource(type_, name, body, path.name))
        for block in data.get("module", []):
            tf.modules.update({k: v for k, v in block.items() if not k.startswith("__")})
    for path in tfvars_files(folder):
        try:
            if path.name.endswith(".json"):
                values = json.loads(path.read_text())
            else:
                values = hcl2.loads(path.read_text(), serialization_options=_hcl_options())
        except Exception as exc:
            tf.errors.append(f"{path.name}: cannot parse ({type(exc).__name__})")
            continue
        for key, value in (values if isinstance(values, dict) else {}).items():
            if not key.startswith("__"):
                tf.tfvars[key] = value
                tf.tfvars_from[key] = path.name
    return tf


def tfvars_files(folder: Path) -> list[Path]:
    """The variable files Terraform loads by itself, in its order (later wins):
    terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars and *.auto.tfvars.json in
    lexical order of their names."""
    first = [folder / "terraform.tfvars", folder / "terraform.tfvars.json"]
    auto = sorted([*folder.glob("*.auto.tfvars"), *folder.glob("*.auto.tfvars.json")], key=lambda p: p.name)
    return [p for p in [*first, *auto] if p.is_file()]


def terraform(ctx: CheckContext) -> Terraform:
    return ctx.memo("terraform", lambda: load_terraform_cached(Path(ctx.project_dir) / "terraform"))


_CACHE_VERSION = "2"


def settings_state_dir() -> Path:
    from petstore_tui import settings

    return settings.state_dir()


def load_terraform_cached(folder: Path) -> Terraform:
    """load_terraform, remembered in the state folder by the files' content: importing
    python-hcl2 (lark builds its grammar) costs more than every other config check."""
    import hashlib

    files = [*sorted(folder.glob("*.tf")), *tfvars_files(folder)]
    digest = hashlib.sha256(_CACHE_VERSION.encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    cache = settings_state_dir() / "cache" / f"terraform-{digest.hexdigest()[:32]}.json"
    try:
        data = json.loads(cache.read_text())
        tf = Terraform(folder, [TfResource(**r) for r in data["resources"]],
                       [tuple(o) for o in data["outputs"]], data["variables"], data["tfvars"],
                       data["locals"], data["raw"], data["errors"],
                       data=[TfResource(**d) for d in data["data"]], modules=data["modules"],
                       tfvars_from=data["tfvars_from"])
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
            "raw": {name: "" for name in tf.raw}, "errors": tf.errors,
            "data": [d.__dict__ for d in tf.data], "modules": tf.modules, "tfvars_from": tf.tfvars_from}))
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
    conditional = re.fullmatch(r"(?:var|local)\.\w+\s*\?\s*(\d+)\s*:\s*(\d+)", text)
    if conditional:  # count = var.enable_x ? 1 : 0
        flag = truthy(resolve(tf, "${" + text.split("?")[0].strip() + "}"))
        return None if flag is None else int(conditional.group(1) if flag else conditional.group(2))
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


def resolve(tf: Terraform, value: Any, depth: int = 0) -> Any:
    """A whole-expression reference to a variable or local ("${var.x}") replaced by its
    value (tfvars, else default), recursively; anything else as it is."""
    if isinstance(value, str) and depth < 8:
        match = re.fullmatch(r"\$\{\s*(var|local)\.(\w+)\s*\}", value.strip())
        if match:
            kind, name = match.groups()
            return resolve(tf, tf.locals.get(name) if kind == "local" else tf.value(name), depth + 1)
    return value


def interpolate(tf: Terraform, text: Any) -> str | None:
    """A string with its ${var.x} and ${local.x} filled in; None when another expression
    (a resource attribute, a function call) remains."""
    if text is None:
        return None

    def fill(match: re.Match) -> str:
        value = resolve(tf, "${" + match.group(1) + "}")
        return match.group(0) if isinstance(value, (dict, list)) or value is None or "${" in str(value) \
            else _scalar_text(value)

    out = re.sub(r"\$\{\s*((?:var|local)\.\w+)\s*\}", fill, str(text))
    return None if "${" in out else out


def truthy(value: Any) -> bool | None:
    """A bool from a literal true/false (or "true"/"false"); None when not known."""
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "false"):
        return str(value).strip().lower() == "true"
    return None


def as_int(tf: Terraform, value: Any) -> int | None:
    value = resolve(tf, value)
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return None


def refs(value: Any, type_: str) -> list[str]:
    """Names of `type_` resources (or "data.<type>" sources) an expression mentions:
    refs("${aws_subnet.private[*].id}", "aws_subnet") -> ["private"]."""
    prefix = r"(?<![\w.])" if not type_.startswith("data.") else ""
    return re.findall(prefix + re.escape(type_) + r"\.([A-Za-z0-9_-]+)", str(value))


def blocks(body: dict, name: str) -> list[dict]:
    """A nested block (a list of dicts in hcl2's output), plus the content of a dynamic
    block of that name."""
    found = body.get(name) or []
    found = [b for b in (found if isinstance(found, list) else [found]) if isinstance(b, dict)]
    for dynamic in body.get("dynamic") or []:
        if isinstance(dynamic, dict) and name in dynamic:
            content = (dynamic[name] or {}).get("content") or []
            found += [c for c in (content if isinstance(content, list) else [content]) if isinstance(c, dict)]
    return found


def _scalar_text(value: Any) -> str:
    """A tag value as Terraform stores it: HCL turns 1 into "1" and true into "true"."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# "key" = "value" | key = 1 | key = true inside a merge() text (unquoted numbers and bools are
# valid HCL: Terraform converts them to strings for a map(string)).
_TAG_VALUE = r'\s*=\s*(?:"([^"]*)"|(-?\d+(?:\.\d+)?|true|false)(?=[\s,}]|$))'


def tag_value(tf: Terraform, tags: Any, key: str) -> str | None:
    """The value of tag `key` in a resource's tags (a map, or a merge() expression text
    that may pull in locals); None when absent."""
    if isinstance(tags, dict):
        if key in tags:
            return _scalar_text(tags[key])
        return None
    if not isinstance(tags, str):
        return None
    match = re.search(r'"?' + re.escape(key) + r'"?' + _TAG_VALUE, tags)
    if match:
        return match.group(1) if match.group(1) is not None else match.group(2)
    for local_name in re.findall(r"local\.(\w+)", tags):
        found = tag_value(tf, tf.locals.get(local_name), key)
        if found is not None:
            return found
    return None


def tag_keys(tf: Terraform, tags: Any, key_pattern: str, depth: int = 0) -> list[str]:
    """Every tag key matching `key_pattern` (a regex) in a map or a merge() text, following
    locals and variables; keys keep their ${...} interpolations."""
    found: list[str] = []
    if isinstance(tags, dict):
        found = [k for k in tags if re.fullmatch(key_pattern, k)]
    elif isinstance(tags, str) and depth < 5:
        found = [k for k in re.findall(r'"([^"]*(?:\$\{[^}]*\}[^"]*)*)"\s*=', tags) if re.fullmatch(key_pattern, k)]
        for kind, name in re.findall(r"\b(local|var)\.(\w+)", tags):
            value = tf.locals.get(name) if kind == "local" else tf.value(name)
            found += tag_keys(tf, value, key_pattern, depth + 1)
    return found


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


# ---- security group rules -------------------------------------------------------------------

@dataclass(frozen=True)
class SgRule:
    """One security group rule as AWS keys it (group, direction, protocol, ports, source);
    `where` names the Terraform resource (or inline block) that declares it."""
    where: str
    group: str  # "aws_security_group.node", "eks-cluster-sg:this" or the expression text
    direction: str  # ingress | egress
    protocol: str  # tcp | udp | icmp | all | a protocol number
    from_port: int | None
    to_port: int | None
    source: str  # "sg:<group>" | "cidr:<block>" | "prefix:<id>" | the expression text

    @property
    def key(self) -> tuple:
        ports = (None, None) if self.protocol == "all" else (self.from_port, self.to_port)
        return (self.group, self.direction, self.protocol, *ports, self.source)

    def covers(self, port: int, protocol: str = "tcp") -> bool:
        if self.protocol == "all":
            return True
        if self.protocol != protocol or self.from_port is None or self.to_port is None:
            return False
        return self.from_port <= port <= self.to_port

    def describe(self) -> str:
        ports = "all ports" if self.protocol == "all" else f"{self.protocol} {self.from_port}-{self.to_port}"
        return f"{self.where}: {self.direction} {ports} on {self.group} from {self.source}"


_PROTOCOLS = {"-1": "all", "all": "all", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}


def security_group_ref(expr: Any) -> str:
    """A stable name for the security group an expression points at."""
    text = str(expr)
    match = re.search(r"(?<![\w.])(aws_security_group|aws_default_security_group)\.([A-Za-z0-9_-]+)", text)
    if match:
        return f"{match.group(1)}.{match.group(2)}"
    match = re.search(r"aws_eks_cluster\.([A-Za-z0-9_-]+)\.vpc_config\[0\]\.cluster_security_group_id", text)
    if match:
        return f"eks-cluster-sg:{match.group(1)}"
    return text.strip()


def _port(tf: Terraform, value: Any) -> int | None:
    return as_int(tf, value)


def _listed(tf: Terraform, value: Any) -> list[str]:
    value = resolve(tf, value)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def security_group_rules(tf: Terraform) -> list[SgRule]:
    """Every rule from aws_security_group_rule, aws_vpc_security_group_{ingress,egress}_rule
    and the inline ingress/egress blocks of aws_security_group, one SgRule per source."""
    rules: list[SgRule] = []

    def add(where, group, direction, protocol, from_port, to_port, sources):
        proto = str(resolve(tf, protocol) if protocol is not None else "all").strip().lower()
        proto = _PROTOCOLS.get(proto, proto)
        for source in sources:
            rules.append(SgRule(where, group, direction, proto, _port(tf, from_port), _port(tf, to_port), source))

    for res in tf.of_type("aws_security_group_rule"):
        body = res.body
        group = security_group_ref(body.get("security_group_id"))
        sources = [f"cidr:{c}" for key in ("cidr_blocks", "ipv6_cidr_blocks") for c in _listed(tf, body.get(key))]
        sources += [f"prefix:{p}" for p in _listed(tf, body.get("prefix_list_ids"))]
        if body.get("source_security_group_id") is not None:
            sources.append("sg:" + security_group_ref(body["source_security_group_id"]))
        if truthy(resolve(tf, body.get("self"))):
            sources.append("sg:" + group)
        add(f"aws_security_group_rule.{res.name} ({res.file})", group, str(resolve(tf, body.get("type"))).lower(),
            body.get("protocol"), body.get("from_port"), body.get("to_port"), sources)
    for direction in ("ingress", "egress"):
        for res in tf.of_type(f"aws_vpc_security_group_{direction}_rule"):
            body = res.body
            sources = [f"cidr:{resolve(tf, body[k])}" for k in ("cidr_ipv4", "cidr_ipv6") if body.get(k) is not None]
            if body.get("prefix_list_id") is not None:
                sources.append(f"prefix:{resolve(tf, body['prefix_list_id'])}")
            if body.get("referenced_security_group_id") is not None:
                sources.append("sg:" + security_group_ref(body["referenced_security_group_id"]))
            add(f"aws_vpc_security_group_{direction}_rule.{res.name} ({res.file})",
                security_group_ref(body.get("security_group_id")), direction, body.get("ip_protocol"),
                body.get("from_port"), body.get("to_port"), sources)
    for res in tf.of_type("aws_security_group"):
        group = f"aws_security_group.{res.name}"
        for direction in ("ingress", "egress"):
            for i, block in enumerate(blocks(res.body, direction)):
                sources = [f"cidr:{c}" for key in ("cidr_blocks", "ipv6_cidr_blocks") for c in _listed(tf, block.get(key))]
                sources += [f"prefix:{p}" for p in _listed(tf, block.get("prefix_list_ids"))]
                sources += ["sg:" + security_group_ref(s) for s in _listed(tf, block.get("security_groups"))]
                if truthy(resolve(tf, block.get("self"))):
                    sources.append("sg:" + group)
                add(f"aws_security_group.{res.name} {direction} block {i + 1} ({res.file})", group, direction,
                    block.get("protocol"), block.get("from_port"), block.get("to_port"), sources)
    return rules


# ---- the controller's own manifests (kubernetes/controller/*.yaml, applied before Helm) ----

def controller_documents(ctx: CheckContext) -> tuple[list[tuple[str, dict]], list[str]]:
    """([(file, object)], problems) of the YAML files in kubernetes/controller/ (not values.yaml)."""
    import yaml

    folder = Path(ctx.project_dir) / "kubernetes" / "controller"
    documents: list[tuple[str, dict]] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        if path.stem == "values":
            continue
        try:
            for doc in yaml.safe_load_all(path.read_text()):
                if isinstance(doc, dict) and doc.get("kind"):
                    documents.append((f"kubernetes/controller/{path.name}", doc))
        except yaml.YAMLError as exc:
            problems.append(f"kubernetes/controller/{path.name}: not valid YAML ({getattr(exc, 'problem', exc)})")
    return documents, problems


def container_env(container: dict, config_maps: dict[str, dict]) -> dict[str, str]:
    """A container's plain environment: env values over envFrom ConfigMaps (as Kubernetes)."""
    env: dict[str, str] = {}
    for source in container.get("envFrom") or []:
        name = (source.get("configMapRef") or {}).get("name")
        prefix = source.get("prefix") or ""
        for key, value in ((config_maps.get(name) or {}) if name else {}).items():
            env[prefix + key] = str(value)
    for item in container.get("env") or []:
        if "value" in item and item.get("name"):
            env[item["name"]] = str(item["value"])
    return env


def dockerfile_env(ctx: CheckContext) -> dict[str, str]:
    """ENV of the Dockerfile's final stage (KEY=value pairs and the old `ENV KEY value`)."""
    import shlex

    _path, instructions = dockerfile(ctx)
    env: dict[str, str] = {}
    for item in instructions or []:
        if item["instruction"] == "FROM":
            env = {}
        if item["instruction"] != "ENV":
            continue
        value = item["value"].strip()
        try:
            words = shlex.split(value)
        except ValueError:
            words = value.split()
        if words and "=" not in words[0]:
            env[words[0]] = " ".join(words[1:])
            continue
        for word in words:
            key, _, val = word.partition("=")
            env[key] = val
    return env


def overlay_groups(rendered: Manifests) -> list[tuple[str, list[dict]]]:
    """The documents that deploy together: one group per overlay when kustomize rendered
    them, else every YAML file as one group."""
    if rendered.how != "kubectl kustomize":
        return [("kubernetes/", [d for _w, d in rendered.documents])] if rendered.documents else []
    groups: dict[str, list[dict]] = {}
    for where, doc in rendered.documents:
        groups.setdefault(where, []).append(doc)
    return list(groups.items())
