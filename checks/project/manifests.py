"""The Kubernetes objects as they would be applied: each overlay rendered by `kubectl kustomize` (every patch, image, prefix and replacement applied), each object's source file kept; YAML that does not parse and overlays that do not build become FileProblems saying where."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from checks.project.terraform_files import FileProblem
from petstore_core.process import ToolNotFound

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
ORIGIN = "config.kubernetes.io/origin"
KUSTOMIZE_TIMEOUT = 20.0

# (argv, timeout) -> an object with ok, stdout, stderr, timed_out (petstore_core.process.Completed)
ToolRunner = Callable[[Sequence[str], float], Awaitable[Any]]


@dataclass
class Manifests:
    documents: list[tuple[str, dict]]  # (overlays/<name> or the file it came from, the object)
    how: str  # "kubectl kustomize" | "YAML files"
    problems: list[str] = field(default_factory=list)  # notes for a check's detail
    failures: list[FileProblem] = field(default_factory=list)  # files that do not parse or build
    origins: dict[int, str] = field(default_factory=dict)  # id(object) -> its source file

    def of_kind(self, kind: str) -> list[tuple[str, dict]]:
        return [(w, d) for w, d in self.documents if d.get("kind") == kind]

    def origin(self, doc: dict) -> str:
        return self.origins.get(id(doc), "")


def overlays(project: Path) -> list[Path]:
    """Every kubernetes/overlays/<name>/ that holds a kustomization."""
    root = project / "kubernetes" / "overlays"
    return sorted(p for p in root.iterdir() if p.is_dir() and any((p / n).is_file() for n in KUSTOMIZATION_NAMES)) \
        if root.is_dir() else []


def load_all(text: str) -> list:
    """yaml.safe_load_all's documents, parsed by libyaml when PyYAML has it (several times
    faster on kustomize's output). On an error the pure-Python parser runs again, so a
    YAMLError says what it always said (its wording and marks are the ones we show)."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return list(yaml.load_all(text, Loader=fast))  # noqa: S506 - a safe loader
        except yaml.YAMLError:
            pass
    return list(yaml.safe_load_all(text))


def yaml_problems(project: Path, folder: str = "kubernetes") -> list[FileProblem]:
    """Every YAML file under `folder` that does not parse, with its line."""
    problems = []
    for path in sorted((project / folder).rglob("*")) if (project / folder).is_dir() else []:
        if path.suffix not in (".yaml", ".yml") and path.name != "Kustomization":
            continue
        try:
            load_all(path.read_text(errors="replace"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problems.append(FileProblem(str(path.relative_to(project)), mark.line + 1 if mark else None,
                                        f"not valid YAML: {getattr(exc, 'problem', None) or exc}"))
    return problems


def _kustomize_error(stderr: str) -> str:
    """kustomize's error without klog's prefix and the chain of "accumulating resources"
    around the file that broke: "service.yaml: MalformedYAMLError: yaml: line 12: ..."."""
    lines = [line.strip() for line in (stderr or "").splitlines() if line.strip()]
    text = lines[-1] if lines else "kubectl kustomize failed"
    quoted = re.search(r'err="(.*)"\s*$', text)
    text = quoted.group(1) if quoted else text
    if "accumulating resources from '" in text:
        text = text.rsplit("accumulating resources from '", 1)[1].replace("': ", ": ", 1)
    return text.removeprefix("error: ").removeprefix("Error: ")[:300]


async def render(project: Path, run_tool: ToolRunner) -> Manifests:
    """Every overlay through `kubectl kustomize` (by a wrapper kustomization that asks for
    origin annotations, so each object names its file). Without kubectl the YAML files are
    read as they are, and the result says so."""
    found = overlays(project)
    failures = yaml_problems(project)
    manifests = Manifests([], "kubectl kustomize", failures=failures)
    if not found:
        return _files(project, manifests, "no overlay in kubernetes/overlays/")
    builds = await asyncio.gather(*(_kustomize(overlay, run_tool) for overlay in found), return_exceptions=True)
    for outcome in builds:
        if isinstance(outcome, BaseException) and not isinstance(outcome, ToolNotFound):
            raise outcome
    if any(isinstance(outcome, ToolNotFound) for outcome in builds):
        return _files(project, Manifests([], "YAML files", failures=failures),
                      "kubectl kustomize unavailable (kubectl not found): read the YAML files as they are, "
                      "without the overlays' patches")
    for overlay, (tmp, done) in zip(found, builds, strict=True):
        label = f"overlays/{overlay.name}"
        if not done.ok:
            # Asked again without our wrapper: its error then names the overlay's own files.
            again = done if getattr(done, "timed_out", False) else \
                await run_tool(["kubectl", "kustomize", str(overlay)], KUSTOMIZE_TIMEOUT)
            why = "timed out" if getattr(again, "timed_out", False) else _kustomize_error(again.stderr)
            where = next((f"kubernetes/{label}/{n}" for n in KUSTOMIZATION_NAMES if (overlay / n).is_file()), label)
            manifests.failures.append(FileProblem(where, None, f"kubectl kustomize does not build it: {why}"))
            manifests.problems.append(f"{label}: does not build, its objects are unknown")
            continue
        try:
            docs = [d for d in load_all(done.stdout) if isinstance(d, dict)]
        except yaml.YAMLError as exc:
            manifests.problems.append(f"{label}: kubectl kustomize printed unreadable YAML ({exc})")
            continue
        for doc in docs:
            manifests.documents.append((label, doc))
            source = _take_origin(doc, Path(tmp), project)
            if source:
                manifests.origins[id(doc)] = source
    return manifests


async def _kustomize(overlay: Path, run_tool: ToolRunner) -> tuple[str, Any]:
    """(the wrapper's folder, `kubectl kustomize` of it): the overlay by a wrapper
    kustomization that asks for origin annotations. The overlays build side by side."""
    with tempfile.TemporaryDirectory(prefix="petstore-kustomize-") as tmp:
        relative = os.path.relpath(overlay, tmp)
        Path(tmp, "kustomization.yaml").write_text(
            "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
            f"resources:\n  - {relative}\nbuildMetadata: [originAnnotations]\n")
        return tmp, await run_tool(["kubectl", "kustomize", tmp], KUSTOMIZE_TIMEOUT)


def _take_origin(doc: dict, wrapper: Path, project: Path) -> str:
    """Remove the origin annotation our wrapper added; the source file it names."""
    meta = doc.get("metadata") or {}
    annotations = meta.get("annotations") or {}
    raw = annotations.pop(ORIGIN, None)
    if not annotations and "annotations" in meta:
        del meta["annotations"]
    try:
        path = (yaml.safe_load(raw) or {}).get("path") if raw else None
    except yaml.YAMLError:
        path = None
    if not path:
        return ""
    candidate = Path(os.path.normpath(wrapper / path))  # relative to the wrapper kustomization
    try:
        return str(candidate.relative_to(project.resolve()))
    except ValueError:
        return str(path)


def _files(project: Path, manifests: Manifests, why: str) -> Manifests:
    manifests.how = "YAML files"
    manifests.problems.append(why)
    root = project / "kubernetes"
    broken = {p.file for p in manifests.failures}
    for path in sorted(root.rglob("*.y*ml")) if root.is_dir() else []:
        rel = path.relative_to(root)
        if path.name in KUSTOMIZATION_NAMES or rel.parts[:1] == ("controller",) or f"kubernetes/{rel}" in broken:
            continue
        for doc in load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind"):
                manifests.documents.append((str(rel), doc))
                manifests.origins[id(doc)] = f"kubernetes/{rel}"
    return manifests


def controller_documents(project: Path) -> tuple[list[tuple[str, dict]], list[str]]:
    """([(file, object)], problems) of the YAML files in kubernetes/controller/ (not values.yaml)."""
    folder = project / "kubernetes" / "controller"
    documents: list[tuple[str, dict]] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
        if path.stem == "values":
            continue
        try:
            for doc in load_all(path.read_text()):
                if isinstance(doc, dict) and doc.get("kind"):
                    documents.append((f"kubernetes/controller/{path.name}", doc))
        except yaml.YAMLError as exc:
            problems.append(f"kubernetes/controller/{path.name}: not valid YAML ({getattr(exc, 'problem', exc)})")
    return documents, problems


def helm_values(project: Path) -> tuple[Path, dict | None, str]:
    """(path, values, problem) of kubernetes/controller/values.yaml."""
    path = project / "kubernetes" / "controller" / "values.yaml"
    if not path.is_file():
        return path, None, "missing"
    try:
        values = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as exc:
        return path, None, f"not valid YAML ({getattr(exc, 'problem', exc)})"
    return path, values if isinstance(values, dict) else None, "" if isinstance(values, dict) else "not a mapping"


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


def overlay_groups(rendered: Manifests) -> list[tuple[str, list[dict]]]:
    """The documents that deploy together: one group per overlay when kustomize rendered
    them, else every YAML file as one group."""
    if rendered.how != "kubectl kustomize":
        return [("kubernetes/", [d for _w, d in rendered.documents])] if rendered.documents else []
    groups: dict[str, list[dict]] = {}
    for where, doc in rendered.documents:
        groups.setdefault(where, []).append(doc)
    return list(groups.items())
