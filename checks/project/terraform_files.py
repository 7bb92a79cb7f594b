"""Read terraform/ as Terraform would find it: every *.tf file parsed with python-hcl2 (a file that does not parse is a FileProblem with its line), the variable files Terraform loads by itself, and a cache of the parse keyed by the files' content."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class FileProblem:
    """A file that does not parse or build: where (line when known) and what."""

    file: str  # relative to the project folder: terraform/eks.tf
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class TfBlock:
    """A resource, data source or module block: its labels, its body as python-hcl2
    serialises it (expressions kept as text) and the file it is in."""

    type: str
    name: str
    body: dict
    file: str

    @property
    def address(self) -> str:
        return f"{self.type}.{self.name}"


@dataclass
class TerraformConfig:
    """What the files say, before any value is worked out."""

    folder: Path
    files: dict[str, str] = field(default_factory=dict)  # name -> text
    resources: list[TfBlock] = field(default_factory=list)
    data: list[TfBlock] = field(default_factory=list)
    modules: dict[str, dict] = field(default_factory=dict)
    outputs: list[tuple[str, str]] = field(default_factory=list)  # (name, file)
    variables: dict[str, dict] = field(default_factory=dict)
    locals: dict[str, Any] = field(default_factory=dict)
    providers: list[tuple[str, dict]] = field(default_factory=list)  # (name, body)
    tfvars: list[tuple[str, dict]] = field(default_factory=list)  # (file, values), in load order
    problems: list[FileProblem] = field(default_factory=list)


def hcl_options():
    # start-up: hcl2 (with lark) is ~60 modules; only parsing Terraform loads it
    from hcl2 import SerializationOptions

    # hcl2 v8 keeps quotes and marks blocks unless told (docs/knowledge/dependencies.md).
    return SerializationOptions(strip_string_quotes=True, explicit_blocks=False)


def parse_problem(rel: str, exc: Exception) -> FileProblem:
    """A FileProblem from python-hcl2's (lark's) exception or json's, with its line."""
    line = getattr(exc, "line", None) or getattr(exc, "lineno", None)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if " at line " in text:
        text = text.split(" at line ")[0]
    return FileProblem(rel, line if isinstance(line, int) and line > 0 else None,
                       f"does not parse: {text[:160]}")


def tfvars_files(folder: Path) -> list[Path]:
    """The variable files Terraform loads by itself, in its order (later wins):
    terraform.tfvars, terraform.tfvars.json, then *.auto.tfvars and *.auto.tfvars.json in
    lexical order of their names (docs/knowledge/terraform.md)."""
    first = [folder / "terraform.tfvars", folder / "terraform.tfvars.json"]
    auto = sorted([*folder.glob("*.auto.tfvars"), *folder.glob("*.auto.tfvars.json")], key=lambda p: p.name)
    return [p for p in [*first, *auto] if p.is_file()]


def read_tfvars(path: Path, rel: str) -> tuple[dict | None, FileProblem | None]:
    # start-up: as above
    import hcl2

    try:
        text = path.read_text()
        values = json.loads(text) if path.name.endswith(".json") else hcl2.loads(text, serialization_options=hcl_options())
    except Exception as exc:  # any syntax error: reported, never raised
        return None, parse_problem(rel, exc)
    return {k: v for k, v in (values if isinstance(values, dict) else {}).items() if not k.startswith("__")}, None


def load_config(folder: Path, prefix: str = "terraform") -> TerraformConfig:
    # start-up: as above
    import hcl2

    config = TerraformConfig(folder)
    for path in sorted(folder.glob("*.tf")):
        rel = f"{prefix}/{path.name}"
        text = path.read_text(errors="replace")
        config.files[path.name] = text
        try:
            data = hcl2.loads(text, serialization_options=hcl_options())
        except Exception as exc:  # a syntax error: config.files reports it with its line
            config.problems.append(parse_problem(rel, exc))
            continue
        _collect(config, data, path.name)
    for path in tfvars_files(folder):
        values, problem = read_tfvars(path, f"{prefix}/{path.name}")
        if problem:
            config.problems.append(problem)
        else:
            config.tfvars.append((path.name, values))
    return config


def _collect(config: TerraformConfig, data: dict, file: str) -> None:
    for kind, target in (("resource", config.resources), ("data", config.data)):
        for block in data.get(kind, []):
            for type_, named in block.items():
                for name, body in named.items():
                    target.append(TfBlock(type_, name, body, file))
    for block in data.get("output", []):
        config.outputs += [(name, file) for name in block if not name.startswith("__")]
    for block in data.get("variable", []):
        config.variables.update({k: v for k, v in block.items() if not k.startswith("__")})
    for block in data.get("locals", []):
        config.locals.update({k: v for k, v in block.items() if not k.startswith("__")})
    for block in data.get("module", []):
        config.modules.update({k: v for k, v in block.items() if not k.startswith("__")})
    for block in data.get("provider", []):
        config.providers += [(name, body) for name, body in block.items() if not name.startswith("__")]


# ---- the cache ---------------------------------------------------------------------------

_CACHE_VERSION = "3"


def cached_config(folder: Path, cache_dir: Path, prefix: str = "terraform") -> TerraformConfig:
    """load_config, remembered in `cache_dir` by the files' content: importing python-hcl2
    (lark builds its grammar) costs more than every other config check."""
    files = [*sorted(folder.glob("*.tf")), *tfvars_files(folder)]
    digest = hashlib.sha256((_CACHE_VERSION + prefix).encode())
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    cache = cache_dir / f"terraform-{digest.hexdigest()[:32]}.json"
    try:
        data = json.loads(cache.read_text())
        return TerraformConfig(
            folder, data["files"], [TfBlock(**r) for r in data["resources"]], [TfBlock(**d) for d in data["data"]],
            data["modules"], [tuple(o) for o in data["outputs"]], data["variables"], data["locals"],
            [tuple(p) for p in data["providers"]], [tuple(t) for t in data["tfvars"]],
            [FileProblem(**p) for p in data["problems"]])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    config = load_config(folder, prefix)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        state = asdict(config)
        state.pop("folder")
        tmp.write_text(json.dumps(state))
        os.replace(tmp, cache)
    except (OSError, TypeError, ValueError):  # a cache we cannot write only costs time
        pass
    return config
