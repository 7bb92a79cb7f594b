"""Load and validate the known-failure catalog (checks/catalog/<id>/failure.yaml)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from checks.model import Fix, KnownFailure, Severity, Source

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
CATALOG_ENV = "PETSTORE_TUI_CATALOG"  # another catalog folder (tests, site-local entries)
SAMPLE_SOURCE_PREFIX = "# source:"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED = ("id", "title", "severity", "sources", "signatures", "explanation", "fix")
_KNOWN = set(_REQUIRED) | {"resource", "docs", "overlaps", "extra"}


class CatalogError(ValueError):
    """The catalog (or one entry of it) is invalid; the message names the file and field."""


def _str_list(value: Any, where: str, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip() for item in value):
        raise CatalogError(f"{where}: `{field}` must be a list of non-empty strings")
    return tuple(item.strip() if field != "signatures" else item for item in value)


def _parse_entry(path: Path, data: Any) -> KnownFailure:
    where = str(path)
    if not isinstance(data, dict):
        raise CatalogError(f"{where}: expected a mapping at the top level, got {type(data).__name__}")
    missing = [name for name in _REQUIRED if data.get(name) in (None, "", [], {})]
    if missing:
        raise CatalogError(f"{where}: missing required field(s): {', '.join(missing)}")
    unknown = sorted(set(data) - _KNOWN)
    if unknown:
        raise CatalogError(f"{where}: unknown field(s): {', '.join(unknown)}")
    entry_id = data["id"]
    if not isinstance(entry_id, str) or not _ID.match(entry_id):
        raise CatalogError(f"{where}: id {entry_id!r} is not kebab-case")
    if entry_id != path.parent.name:
        raise CatalogError(f"{where}: id {entry_id!r} does not match its folder name {path.parent.name!r}")
    try:
        severity = Severity(str(data["severity"]).lower())
    except ValueError:
        raise CatalogError(
            f"{where}: unknown severity {data['severity']!r} "
            f"(expected one of: {', '.join(s.value for s in Severity)})"
        ) from None
    sources = []
    for raw in _str_list(data["sources"], where, "sources"):
        try:
            sources.append(Source(raw))
        except ValueError:
            raise CatalogError(
                f"{where}: unknown source {raw!r} (expected one of: {', '.join(s.value for s in Source)})"
            ) from None
    signatures = _str_list(data["signatures"], where, "signatures")
    for number, signature in enumerate(signatures, 1):
        try:
            compiled = re.compile(signature, re.IGNORECASE)
        except re.error as exc:
            raise CatalogError(f"{where}: signature {number} does not compile in Python re: {exc}: {signature!r}") from None
        if compiled.groupindex:
            raise CatalogError(f"{where}: signature {number} has a named group; only `resource` may have one")
        if compiled.search(""):
            raise CatalogError(f"{where}: signature {number} matches the empty string: {signature!r}")
    resource = data.get("resource")
    if resource is not None:
        if not isinstance(resource, str) or not resource:
            raise CatalogError(f"{where}: `resource` must be a regex string")
        try:
            compiled = re.compile(resource, re.IGNORECASE)
        except re.error as exc:
            raise CatalogError(f"{where}: `resource` does not compile in Python re: {exc}: {resource!r}") from None
        if "resource" not in compiled.groupindex:
            raise CatalogError(f"{where}: `resource` pattern has no group named `resource`: {resource!r}")
    if not isinstance(data["title"], str) or not isinstance(data["explanation"], str):
        raise CatalogError(f"{where}: `title` and `explanation` must be strings")
    fix = data["fix"]
    if isinstance(fix, str):
        fix = {"summary": fix}
    if not isinstance(fix, dict) or not isinstance(fix.get("summary"), str) or not fix["summary"].strip():
        raise CatalogError(f"{where}: `fix` needs a `summary` string")
    unknown_fix = sorted(set(fix) - {"summary", "steps", "commands", "files"})
    if unknown_fix:
        raise CatalogError(f"{where}: unknown field(s) under fix: {', '.join(unknown_fix)}")
    extra = data.get("extra") or {}
    if not isinstance(extra, dict):
        raise CatalogError(f"{where}: `extra` must be a mapping")
    return KnownFailure(
        id=entry_id,
        title=data["title"].strip(),
        severity=severity,
        sources=tuple(sources),
        signatures=signatures,
        explanation=data["explanation"].strip(),
        fix=Fix(
            summary=fix["summary"].strip(),
            steps=_str_list(fix.get("steps"), where, "fix.steps"),
            commands=_str_list(fix.get("commands"), where, "fix.commands"),
            files=_str_list(fix.get("files"), where, "fix.files"),
        ),
        docs=_str_list(data.get("docs"), where, "docs"),
        resource_pattern=resource,
        overlaps=_str_list(data.get("overlaps"), where, "overlaps"),
        extra=dict(extra),
    )


def load_entry(entry_dir: Path) -> KnownFailure:
    """Parse and validate one entry folder (without the cross-entry checks)."""
    import yaml

    path = Path(entry_dir) / "failure.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CatalogError(f"{path}: missing (every catalog folder holds a failure.yaml)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"{path}: cannot read: {exc}") from None
    try:
        # the C loader when PyYAML has it: the catalog loads on every diagnose start
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loaders only
    except yaml.YAMLError as exc:
        raise CatalogError(f"{path}: invalid YAML: {exc}") from None
    return _parse_entry(path, data)


def load_catalog(path: Path | str | None = None) -> tuple[KnownFailure, ...]:
    """Every entry under `path` (default: $PETSTORE_TUI_CATALOG, else checks/catalog),
    sorted by id, validated."""
    if path is None:
        path = os.environ.get(CATALOG_ENV) or CATALOG_DIR
    root = Path(path)
    if not root.is_dir():
        raise CatalogError(f"{root}: catalog folder not found")
    entries: dict[str, KnownFailure] = {}
    for entry_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        entry = load_entry(entry_dir)
        if entry.id in entries:  # unreachable through folders, kept for programmatic callers
            raise CatalogError(f"{entry_dir}: duplicate id {entry.id!r}")
        entries[entry.id] = entry
    validate_catalog(tuple(entries.values()))
    return tuple(entries[key] for key in sorted(entries))


def validate_catalog(entries: tuple[KnownFailure, ...] | list[KnownFailure]) -> None:
    """Cross-entry checks: unique ids, overlaps that name existing entries."""
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise CatalogError(f"duplicate catalog id {entry.id!r}")
        seen.add(entry.id)
    for entry in entries:
        unknown = [other for other in entry.overlaps if other not in seen]
        if unknown:
            raise CatalogError(f"{entry.id}: `overlaps` names unknown id(s): {', '.join(unknown)}")
        if entry.id in entry.overlaps:
            raise CatalogError(f"{entry.id}: `overlaps` names the entry itself")


def load_samples(entry_dir: Path | str) -> dict[str, list[Path]]:
    """{"positive": [...], "negative": [...]}: the sample files beside an entry, sorted."""
    entry_dir = Path(entry_dir)
    return {kind: sorted((entry_dir / kind).glob("*.log")) for kind in ("positive", "negative")}


def sample_lines(path: Path | str) -> list[bytes]:
    """A sample's lines as bytes, without `# source:` comment lines (samples only)."""
    data = Path(path).read_bytes()
    return [line for line in data.split(b"\n") if not line.lstrip().startswith(SAMPLE_SOURCE_PREFIX.encode())]
