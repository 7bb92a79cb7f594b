"""One catalog entry (checks/catalog/<id>/failure.yaml) parsed and validated, and the
cross-entry checks of a whole catalog."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from checks.model import BUILT_IN, RECOGNITION_KINDS, Fix, KnownFailure, Severity, Source

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of diagnose's start)
if TYPE_CHECKING:
    from typing import Any

_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED = ("id", "title", "severity", "sources", "signatures", "explanation", "fix")
_KNOWN = set(_REQUIRED) | {"resource", "docs", "overlaps", "extra", "override", "ruled_out_by", "ruled_out_by_context"}
# how the engine runs `ruled_out_by` and `ruled_out_by_context` (checks/engine/core.py):
# bytes, any case, ^/$ at line ends
RULED_OUT_FLAGS = re.IGNORECASE | re.MULTILINE
# the most lines before an event `ruled_out_by_context` may read (the engine keeps that many
# lines of each source while an entry reads them)
MAX_CONTEXT_LINES = 200


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


def _signatures(value: Any, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`signatures:` as a list (every one `known`) or as a mapping from a recognition
    kind to a list -> (patterns, kinds), in the order known, variant, structural."""
    if not isinstance(value, dict):
        patterns = _str_list(value, where, "signatures")
        return patterns, ()
    unknown = sorted(str(kind) for kind in value if kind not in RECOGNITION_KINDS)
    if unknown:
        raise CatalogError(f"{where}: unknown signature kind(s): {', '.join(unknown)} "
                           f"(expected: {', '.join(RECOGNITION_KINDS)})")
    patterns: list[str] = []
    kinds: list[str] = []
    for kind in RECOGNITION_KINDS:
        found = _str_list(value.get(kind), where, f"signatures.{kind}")
        patterns.extend(found)
        kinds.extend([kind] * len(found))
    if not patterns:
        raise CatalogError(f"{where}: missing required field(s): signatures")
    return tuple(patterns), tuple(kinds)


def _ruled_out_by(value: Any, where: str, field: str = "ruled_out_by") -> tuple[str, ...]:
    """`ruled_out_by:` patterns, each a Python `re` (they run only on events that already
    matched, so look-arounds are allowed) that cannot match an empty event."""
    patterns = _str_list(value, where, field)
    for number, pattern in enumerate(patterns, 1):
        try:
            compiled = re.compile(pattern.encode("utf-8"), RULED_OUT_FLAGS)
        except re.error as exc:
            raise CatalogError(f"{where}: {field} {number} does not compile in Python re: {exc}: {pattern!r}") from None
        if compiled.search(b""):
            raise CatalogError(f"{where}: {field} {number} matches the empty string: {pattern!r}")
    return patterns


def _ruled_out_by_context(value: Any, where: str) -> tuple[tuple[str, ...], int, str | None]:
    """`ruled_out_by_context:` -> (patterns, lines, when_event): a mapping of `lines` (how
    many lines of the same source before the line that closed the event are read,
    1-MAX_CONTEXT_LINES), `patterns` (as `ruled_out_by`'s) and optionally `when_event` (a
    pattern the event itself must hold for its context to rule it out)."""
    if value is None:
        return (), 0, None
    field = "ruled_out_by_context"
    if not isinstance(value, dict) or not {"lines", "patterns"} <= set(value) <= {"lines", "patterns", "when_event"}:
        raise CatalogError(f"{where}: `{field}` must be a mapping of `lines`, `patterns` and optionally `when_event`")
    lines = value["lines"]
    if isinstance(lines, bool) or not isinstance(lines, int) or not 1 <= lines <= MAX_CONTEXT_LINES:
        raise CatalogError(f"{where}: `{field}.lines` must be a whole number from 1 to {MAX_CONTEXT_LINES}")
    patterns = _ruled_out_by(value["patterns"], where, f"{field}.patterns")
    if not patterns:
        raise CatalogError(f"{where}: `{field}.patterns` must list at least one pattern")
    when = value.get("when_event")
    if when is not None:
        if not isinstance(when, str):
            raise CatalogError(f"{where}: `{field}.when_event` must be a regex string")
        when = _ruled_out_by([when], where, f"{field}.when_event")[0]
    return patterns, lines, when


def _parse_entry(path: Path, data: Any, origin: str = BUILT_IN) -> KnownFailure:
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
    signatures, kinds = _signatures(data["signatures"], where)
    override = data.get("override", False)
    if not isinstance(override, bool):
        raise CatalogError(f"{where}: `override` must be true or false")
    if override and origin == BUILT_IN:
        raise CatalogError(f"{where}: `override` is for user catalog entries only")
    for number, signature in enumerate(signatures, 1):
        try:
            compiled = re.compile(signature, re.IGNORECASE)
        except re.error as exc:
            raise CatalogError(f"{where}: signature {number} does not compile in Python re: {exc}: {signature!r}") from None
        if compiled.groupindex:
            raise CatalogError(f"{where}: signature {number} has a named group; only `resource` may have one")
        if compiled.search(""):
            raise CatalogError(f"{where}: signature {number} matches the empty string: {signature!r}")
    ruled_out_by = _ruled_out_by(data.get("ruled_out_by"), where)
    by_context, context_lines, when_event = _ruled_out_by_context(data.get("ruled_out_by_context"), where)
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
        ruled_out_by=ruled_out_by,
        ruled_out_by_context=by_context,
        context_lines=context_lines,
        context_when_event=when_event,
        extra=dict(extra),
        signature_kinds=kinds,
        origin=origin,
        overrides=override,
    )


def load_entry(entry_dir: Path, origin: str = BUILT_IN) -> KnownFailure:
    """Parse and validate one entry folder (without the cross-entry checks)."""
    # start-up: yaml is ~25 modules; a warm catalog cache (catalog_cache.py) never reads YAML
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
    return _parse_entry(path, data, origin)



def unique_ids(entries: Sequence[KnownFailure]) -> set[str]:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise CatalogError(f"duplicate catalog id {entry.id!r}")
        seen.add(entry.id)
    return seen


def validate_catalog(entries: Sequence[KnownFailure], outside: set[str] | frozenset[str] = frozenset()) -> None:
    """Cross-entry checks: unique ids, overlaps that name existing entries (of `entries`
    or `outside`)."""
    seen = unique_ids(entries)
    for entry in entries:
        unknown = [other for other in entry.overlaps if other not in seen and other not in outside]
        if unknown:
            raise CatalogError(f"{entry.id}: `overlaps` names unknown id(s): {', '.join(unknown)}")
        if entry.id in entry.overlaps:
            raise CatalogError(f"{entry.id}: `overlaps` names the entry itself")
