"""Terraform's values as a plan would see them: each variable from the source Terraform takes it from (docs/knowledge/terraform.md), locals, resource instances (count, for_each) and references; what only apply can tell stays Unknown."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from checks.project.hcl_eval import Scope, evaluate_string, evaluate_value, literal
from checks.project.hcl_parse import HclSyntaxError, parse_expression
from checks.project.hcl_values import Unknown, is_unknown
from checks.project.terraform_files import FileProblem, TerraformConfig, TfBlock, read_tfvars

# Data sources whose attributes we can compute ourselves: type -> fn(tf, block, key, attrs).
DataHook = Callable[["Terraform", TfBlock, Any, tuple], Any]


class Terraform:
    """The configuration of terraform/ with its values layered as Terraform layers them:
    defaults < TF_VAR_ environment < terraform.tfvars < terraform.tfvars.json <
    *.auto.tfvars (lexical) < -var / -var-file in the order given."""

    def __init__(self, config: TerraformConfig, env: Mapping[str, str] | None = None,
                 cli: Iterable[tuple[str, Any]] = (), data_hooks: Mapping[str, DataHook] | None = None):
        self.config = config
        self.folder = config.folder
        self.problems: list[FileProblem] = list(config.problems)
        self.data_hooks = dict(data_hooks or {})
        self._layers: list[tuple[str, dict]] = []  # (source, {name: raw value}), lowest first
        env_values = {k[7:]: v for k, v in (env or {}).items() if k.startswith("TF_VAR_")}
        if env_values:
            self._layers.append(("environment (TF_VAR_)", {k: ("env", v) for k, v in env_values.items()}))
        self._layers += [(file, values) for file, values in config.tfvars]
        for kind, item in cli:  # ("var", "name=value") | ("var-file", path)
            if kind == "var":
                name, _, text = str(item).partition("=")
                self._layers.append((f"-var {name}", {name.strip(): ("env", text)}))
            else:
                path = Path(item) if Path(item).is_absolute() else self.folder / item
                values, problem = read_tfvars(path, str(item))
                if problem:
                    self.problems.append(problem)
                self._layers.append((f"-var-file {item}", values or {}))
        self._values: dict[str, Any] = {}
        self._locals: dict[str, Any] = {}
        self._evaluating: set[str] = set()
        # preflight's config checks share one Terraform across threads: a thread waits for a
        # local another is evaluating (reentrant: a local's own references evaluate inside)
        self._locals_lock = threading.RLock()

    # -- what the files hold -------------------------------------------------------------
    @property
    def resources(self) -> list[TfBlock]:
        return self.config.resources

    @property
    def data(self) -> list[TfBlock]:
        return self.config.data

    @property
    def outputs(self) -> list[tuple[str, str]]:
        return self.config.outputs

    @property
    def variables(self) -> dict[str, dict]:
        return self.config.variables

    @property
    def modules(self) -> dict[str, dict]:
        return self.config.modules

    @property
    def raw(self) -> dict[str, str]:
        return self.config.files

    @property
    def errors(self) -> list[str]:
        return [str(p) for p in self.problems]

    def of_type(self, type_: str) -> list[TfBlock]:
        return [r for r in self.config.resources if r.type == type_]

    def data_of_type(self, type_: str) -> list[TfBlock]:
        return [d for d in self.config.data if d.type == type_]

    def find(self, type_: str, name: str) -> TfBlock | None:
        pool = self.config.data if type_.startswith("data.") else self.config.resources
        type_ = type_.removeprefix("data.")
        return next((b for b in pool if b.type == type_ and b.name == name), None)

    # -- variables -----------------------------------------------------------------------
    def cli_names(self) -> list[tuple[str, str]]:
        """(source, name) of every variable set by -var on the command line."""
        return [(source, name) for source, values in self._layers if source.startswith("-var ") for name in values]

    def value_source(self, name: str) -> str:
        """Where var.<name> comes from: a tfvars file, the environment, -var, "default" or "unset"."""
        for source, values in reversed(self._layers):
            if name in values:
                return source
        return "default" if "default" in (self.variables.get(name) or {}) else "unset"

    def value(self, name: str) -> Any:
        """var.<name> as Terraform sees it: converted to the variable's type; Unknown when
        nothing sets it (Terraform would stop and ask)."""
        if name not in self._values:
            self._values[name] = self._variable(name)
        return self._values[name]

    def _variable(self, name: str) -> Any:
        declared = self.variables.get(name)
        if declared is None:
            return Unknown(f"var.{name} is not declared")
        type_expr = declared.get("type")
        for source, values in reversed(self._layers):
            if name in values:
                raw = values[name]
                if isinstance(raw, tuple) and raw[0] == "env":  # TF_VAR_ / -var: text
                    raw = raw[1] if _is_string_type(type_expr) else literal(raw[1])
                else:
                    raw = evaluate_value(raw, Scope({}))
                return convert(raw, type_expr, f"var.{name} ({source})")
        if "default" in declared:
            return convert(evaluate_value(declared["default"], Scope({})), type_expr, f"var.{name}")
        return Unknown(f"var.{name} has no value (no default, no tfvars)")

    # -- evaluation ----------------------------------------------------------------------
    def scope(self, **names: Any) -> Scope:
        here = str(Path(self.folder).resolve())
        base = {"var": _Lookup(self.value), "local": _Lookup(self.local),
                "path": {"module": here, "root": here, "cwd": here},
                "terraform": {"workspace": "default"}}
        return Scope({**base, **names}, self.resolve_ref, Path(here))

    def evaluate(self, raw: Any, block: TfBlock | None = None, key: Any = None, **names: Any) -> Any:
        """A raw value of the configuration; `block` and `key` give count.index / each."""
        return evaluate_value(raw, self.scope(**self.instance_names(block, key), **names))

    def local(self, name: str) -> Any:
        if name in self._locals:
            return self._locals[name]
        if name not in self.config.locals:
            return Unknown(f"local.{name} is not defined")
        with self._locals_lock:
            if name in self._locals:
                return self._locals[name]
            if name in self._evaluating:
                return Unknown(f"local.{name} refers to itself")
            self._evaluating.add(name)
            try:
                value = self.evaluate(self.config.locals[name])
            finally:
                self._evaluating.discard(name)
            self._locals[name] = value
            return value

    def instances(self, block: TfBlock) -> list[Any] | Unknown:
        """The instance keys of a block: [None] alone, [0..n-1] with count, the keys with
        for_each; Unknown when only apply can tell."""
        body = block.body
        if "count" in body:
            count = self.evaluate(body["count"])
            if is_unknown(count):
                return Unknown(f"{block.address} count: {count.why}")
            try:
                return list(range(int(count)))
            except (TypeError, ValueError):
                return Unknown(f"{block.address} count {count!r} is not a number")
        if "for_each" in body:
            each = self.evaluate(body["for_each"])
            if is_unknown(each):
                return Unknown(f"{block.address} for_each: {each.why}")
            return list(each) if isinstance(each, (dict, list)) else Unknown(f"{block.address} for_each {each!r}")
        return [None]

    def instance_names(self, block: TfBlock | None, key: Any) -> dict[str, Any]:
        if block is None or key is None or not ({"count", "for_each"} & set(block.body)):
            return {}
        if "count" in block.body:
            return {"count": {"index": key}}
        each = self.evaluate(block.body.get("for_each"))
        value = each.get(key) if isinstance(each, dict) else key
        return {"each": {"key": key, "value": value}}

    def resolve_ref(self, path: tuple) -> Any:
        """The value of aws_x.name[key].attr...: a configured argument is known at plan,
        anything else (ids, ARNs) only at apply."""
        if path[0] in ("data", "module"):
            if path[0] == "module" or len(path) < 3:
                return Unknown(".".join(map(str, path)), ref=path)
            block = self.find("data." + str(path[1]), str(path[2]))
            rest = path[3:]
            canonical = ("data." + str(path[1]), path[2])
        else:
            if len(path) < 2:
                return Unknown(f"{path[0]} is not known here", ref=path)
            block = self.find(str(path[0]), str(path[1]))
            rest = path[2:]
            canonical = (path[0], path[1])
        if block is None:
            return Unknown(f"{'.'.join(map(str, path))} is not declared", ref=path)
        counted = "count" in block.body or "for_each" in block.body
        key, attrs = (rest[0], rest[1:]) if counted and rest else (None, rest)
        if key == "*":
            keys = self.instances(block)
            if is_unknown(keys):
                return keys
            return [self.resolve_ref(path[:len(path) - len(rest)] + (k, *attrs)) for k in keys]
        ref = (*canonical, key, *attrs)
        if canonical[0].startswith("data.") and block.type in self.data_hooks and attrs:
            return _walk(self.data_hooks[block.type](self, block, key, attrs), attrs[1:], ref)
        if attrs and isinstance(attrs[0], str) and attrs[0] in block.body and attrs[0] not in ("count", "for_each"):
            return _walk(self.evaluate(block.body[attrs[0]], block, key), attrs[1:], ref)
        return Unknown(f"{'.'.join(str(p) for p in ref if p is not None)} (known after apply)", ref=ref)


def _walk(value: Any, steps: tuple, ref: tuple) -> Any:
    for step in steps:
        if is_unknown(value):
            return Unknown(value.why, ref=ref)
        if isinstance(value, dict) and step in value:
            value = value[step]
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return Unknown(f"{'.'.join(str(p) for p in ref if p is not None)} (known after apply)", ref=ref)
    return value


class _Lookup(Mapping):
    """var and local as mappings computed on demand."""

    def __init__(self, get: Callable[[str], Any]):
        self._get = get

    def __getitem__(self, name: str) -> Any:
        return self._get(name)

    def __contains__(self, name: object) -> bool:
        return True

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0


# ---- variable types ----------------------------------------------------------------------

def _type_node(type_expr: Any):
    if type_expr is None:
        return None
    text = str(type_expr).strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    try:
        return parse_expression(text)
    except HclSyntaxError:
        return None


def _is_string_type(type_expr: Any) -> bool:
    node = _type_node(type_expr)
    return node is None or node == ("name", "string")


def convert(value: Any, type_expr: Any, what: str) -> Any:
    """A value converted to a variable's type as Terraform converts it ("2" -> 2 for a
    number, optional() attributes filled with their defaults); Unknown when it cannot be."""
    return _convert(value, _type_node(type_expr), what)


def _convert(value: Any, node: Any, what: str) -> Any:
    if node is None or is_unknown(value) or value is None:
        return value
    if node[0] == "name":
        kind = node[1]
        if kind == "number":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return value
            text = str(value).strip()
            try:
                return int(text) if text.lstrip("-").isdigit() else float(text)
            except ValueError:
                return Unknown(f"{what}: {value!r} is not a number")
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("true", "false"):
                return str(value).lower() == "true"
            return Unknown(f"{what}: {value!r} is not a bool")
        if kind == "string":
            if isinstance(value, (dict, list)):
                return Unknown(f"{what}: a collection is not a string")
            return "true" if value is True else "false" if value is False else \
                str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
        return value  # any
    if node[0] == "call" and node[2]:
        name, inner = node[1], node[2][0]
        if name in ("list", "set") and isinstance(value, list):
            return [_convert(v, inner, what) for v in value]
        if name == "map" and isinstance(value, dict):
            return {k: _convert(v, inner, what) for k, v in value.items()}
        if name == "object" and isinstance(value, dict) and inner[0] == "object":
            out = dict(value)
            for key_node, attr_type in inner[1]:
                key = key_node[1] if key_node[0] == "lit" else str(key_node)
                optional = attr_type[0] == "call" and attr_type[1] == "optional"
                if key not in out and optional and len(attr_type[2]) > 1:
                    out[key] = evaluate_string("${" + _source(attr_type[2][1]) + "}", Scope({}))
                if key in out:
                    out[key] = _convert(out[key], attr_type[2][0] if optional else attr_type, what)
            return out
        if name == "tuple" and isinstance(value, list) and inner[0] == "tuple":
            return [_convert(v, t, what) for v, t in zip(value, inner[1], strict=False)]
        return Unknown(f"{what}: {type(value).__name__} does not fit {name}(...)")
    return value


def _source(node: Any) -> str:
    """Enough of a literal node back as text to evaluate an optional() default."""
    if node[0] == "lit":
        return json.dumps(node[1])
    if node[0] == "tmpl" and all(isinstance(p, str) for p in node[1]):
        return json.dumps("".join(node[1]))
    if node[0] == "tuple":
        return "[" + ", ".join(_source(n) for n in node[1]) + "]"
    if node[0] == "object":
        return "{" + ", ".join(f"{_source(k)} = {_source(v)}" for k, v in node[1]) + "}"
    return "null"
