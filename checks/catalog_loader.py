"""Load and validate the known-failure catalog (checks/catalog/<id>/failure.yaml)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from checks.model import BUILT_IN, RECOGNITION_KINDS, Fix, KnownFailure, Severity, Source

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
CATALOG_ENV = "PETSTORE_TUI_CATALOG"  # another catalog folder (tests, site-local entries)
SAMPLE_SOURCE_PREFIX = "# source:"
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_REQUIRED = ("id", "title", "severity", "sources", "signatures", "explanation", "fix")
_KNOWN = set(_REQUIRED) | {"resource", "docs", "overlaps", "extra", "override"}


def base_catalog_dir() -> Path:
    """The built-in catalog: $PETSTORE_TUI_CATALOG when set (tests), else checks/catalog."""
    return Path(os.environ.get(CATALOG_ENV) or CATALOG_DIR)


def user_catalog_dir() -> Path:
    """The operator's own entries: $XDG_CONFIG_HOME/petstore-tui/catalog (default
    ~/.config/petstore-tui/catalog). Loaded when it exists, like `--catalog DIR`."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    return Path(base) / "petstore-tui" / "catalog"


def user_catalog_dirs(extra: Sequence[Path | str] = ()) -> list[Path]:
    """The user catalog folders of a run, absolute: the config folder when it exists, then
    each `--catalog DIR` in order (each must exist), without repeats."""
    found: list[Path] = []
    default = user_catalog_dir()
    if default.is_dir():
        found.append(default.resolve())
    for raw in extra:
        folder = Path(raw).expanduser()
        if not folder.is_dir():
            raise CatalogError(f"{folder}: catalog folder not found")
        if folder.resolve() not in found:
            found.append(folder.resolve())
    return found


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
        signature_kinds=kinds,
        origin=origin,
        overrides=override,
    )


def load_entry(entry_dir: Path, origin: str = BUILT_IN) -> KnownFailure:
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
    return _parse_entry(path, data, origin)


def _entry_dirs(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def load_catalog(path: Path | str | None = None, cache_dir: Path | str | None = None,
                 user_dirs: Sequence[Path | str] = ()) -> tuple[KnownFailure, ...]:
    """Every entry under `path` (default: $PETSTORE_TUI_CATALOG, else checks/catalog)
    and under each of `user_dirs` (`user_catalog_dirs()`), sorted by id, validated.

    A user entry whose id is a built-in one is refused unless it says `override: true`,
    and then replaces it; two user folders may not define the same id. Every entry goes
    through the same parser and checks, wherever it comes from.

    With `cache_dir`, each folder's validated entries are kept there as JSON, keyed by the
    folder and the path, size, mtime, ctime and inode of every failure.yaml in it (and of
    this loader and checks/model.py): while none of them changes, a start-up reads one
    small file a folder instead of parsing YAML and compiling every signature again.
    Anything wrong with the cache (absent, stale, unreadable, malformed) means the full
    load and validation of that folder."""
    if path is None:
        path = base_catalog_dir()
    entries = {entry.id: entry for entry in _load_folder(Path(path), cache_dir, BUILT_IN, set())}
    defined_in: dict[str, Path] = {}
    for folder in user_dirs:
        folder = Path(folder)
        for entry in _load_folder(folder, cache_dir, str(folder), set(entries)):
            where = folder / entry.id / "failure.yaml"
            if entry.id in defined_in:
                raise CatalogError(f"{where}: id {entry.id!r} is defined in {defined_in[entry.id]} too")
            defined_in[entry.id] = folder
            built_in = entries.get(entry.id)
            if built_in is None and entry.overrides:
                raise CatalogError(f"{where}: `override: true` but there is no built-in entry {entry.id!r}")
            if built_in is not None and not entry.overrides:
                raise CatalogError(f"{where}: id {entry.id!r} is a built-in entry; rename yours, "
                                   "or add `override: true` to replace the built-in one")
            entries[entry.id] = entry
    result = tuple(entries[key] for key in sorted(entries))
    validate_catalog(result)
    return result


def _load_folder(root: Path, cache_dir: Path | str | None, origin: str,
                 outside: set[str]) -> tuple[KnownFailure, ...]:
    """One catalog folder's entries, each validated on its own, ids unique; a cached copy
    is used only when its `overlaps` name ids of the folder or of `outside` (the ids loaded
    before it). The whole catalog is validated by the caller."""
    if not root.is_dir():
        raise CatalogError(f"{root}: catalog folder not found")
    entry_dirs = _entry_dirs(root)
    cache_file = key = None
    if cache_dir is not None:
        key = _cache_key(root, entry_dirs, origin)
        if key is not None:
            cache_file = _cache_path(cache_dir, key)
            cached = _read_cache(cache_file, key, outside)
            if cached is not None:
                return cached
    result = tuple(load_entry(entry_dir, origin) for entry_dir in entry_dirs)
    _unique_ids(result)  # unreachable through folders, kept for programmatic callers
    if cache_file is not None:
        _write_cache(cache_file, key, result)
    return result


# ---------------------------------------------------------------- the catalog cache
CACHE_VERSION = 2  # 2: signature kinds, origin and override in each entry
_CODE_FILES = (Path(__file__).resolve(), Path(__file__).resolve().parent / "model.py")


def _stamp(path: Path) -> list:
    st = os.stat(path)
    return [str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _cache_key(root: Path, entry_dirs: list[Path], origin: str) -> dict | None:
    """What the cached catalog was built from, or None when a file cannot be stat'ed
    (the full load then reports it)."""
    try:
        return {
            "version": CACHE_VERSION,
            "root": str(root.resolve()),
            "origin": origin,
            "code": [_stamp(p) for p in _CODE_FILES],
            "files": [[d.name, *_stamp(d / "failure.yaml")[1:]] for d in entry_dirs],
        }
    except OSError:
        return None


def _cache_path(cache_dir: Path | str, key: dict) -> Path:
    try:  # CPython's own blake2: hashlib would load OpenSSL, a few ms of every start
        from _blake2 import blake2b
    except ImportError:
        from hashlib import blake2b

    name = f"{key['root']}\0{key['origin']}"
    return Path(cache_dir) / f"catalog-{blake2b(name.encode(), digest_size=12).hexdigest()}.json"


def _entry_to_json(entry: KnownFailure) -> dict:
    return {
        "id": entry.id, "title": entry.title, "severity": entry.severity.value,
        "sources": [s.value for s in entry.sources], "signatures": list(entry.signatures),
        "explanation": entry.explanation,
        "fix": {"summary": entry.fix.summary, "steps": list(entry.fix.steps),
                "commands": list(entry.fix.commands), "files": list(entry.fix.files)},
        "docs": list(entry.docs), "resource_pattern": entry.resource_pattern,
        "overlaps": list(entry.overlaps), "extra": entry.extra,
        "signature_kinds": list(entry.signature_kinds), "origin": entry.origin,
        "overrides": entry.overrides,
    }


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("expected a list of strings")
    return tuple(value)


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _entry_from_json(data: dict) -> KnownFailure:
    fix = data["fix"]
    resource = data["resource_pattern"]
    extra = data["extra"]
    if resource is not None:
        _string(resource)
    if not isinstance(extra, dict):
        raise TypeError("extra: expected a mapping")
    kinds = _strings(data["signature_kinds"])
    if any(kind not in RECOGNITION_KINDS for kind in kinds) or len(kinds) not in (0, len(data["signatures"])):
        raise TypeError("signature_kinds: not one known kind per signature")
    if not isinstance(data["overrides"], bool):
        raise TypeError("overrides: expected a boolean")
    return KnownFailure(
        id=_string(data["id"]),
        title=_string(data["title"]),
        severity=Severity(data["severity"]),
        sources=tuple(Source(s) for s in _strings(data["sources"])),
        signatures=_strings(data["signatures"]),
        explanation=_string(data["explanation"]),
        fix=Fix(summary=_string(fix["summary"]), steps=_strings(fix["steps"]),
                commands=_strings(fix["commands"]), files=_strings(fix["files"])),
        docs=_strings(data["docs"]),
        resource_pattern=resource,
        overlaps=_strings(data["overlaps"]),
        extra=extra,
        signature_kinds=kinds,
        origin=_string(data["origin"]),
        overrides=data["overrides"],
    )


def _read_cache(cache_file: Path, key: dict, outside: set[str]) -> tuple[KnownFailure, ...] | None:
    """The cached catalog when it was built from exactly these files, else None."""
    import json

    try:
        with open(cache_file, encoding="utf-8") as handle:
            document = json.load(handle)
        if not isinstance(document, dict) or document.get("key") != key:
            return None
        entries = tuple(_entry_from_json(item) for item in document["entries"])
        # the cache holds what the full load returned for these very folders, in order
        if [entry.id for entry in entries] != [name for name, *_ in key["files"]]:
            return None
        if any(entry.origin != key["origin"] for entry in entries):
            return None
        validate_catalog(entries, outside)
    except Exception:  # any damage to the cache means the full load
        return None
    return entries


def _write_cache(cache_file: Path, key: dict, entries: tuple[KnownFailure, ...]) -> None:
    """Keep the validated catalog for the next start, when it survives JSON unchanged
    (an `extra` holding a YAML date or a number as a key does not: never cached)."""
    import json
    import tempfile

    try:
        serial = [_entry_to_json(entry) for entry in entries]
        text = json.dumps({"key": key, "entries": serial}, ensure_ascii=False)
        if json.loads(text) != {"key": key, "entries": serial}:
            return
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_file.parent, prefix=".catalog-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, cache_file)  # atomic: parallel runs never read half a file
        except BaseException:
            os.unlink(tmp)
            raise
    except (OSError, TypeError, ValueError):
        pass  # a cache we cannot write costs a full load next time, nothing more


def _unique_ids(entries: Sequence[KnownFailure]) -> set[str]:
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise CatalogError(f"duplicate catalog id {entry.id!r}")
        seen.add(entry.id)
    return seen


def validate_catalog(entries: Sequence[KnownFailure], outside: set[str] | frozenset[str] = frozenset()) -> None:
    """Cross-entry checks: unique ids, overlaps that name existing entries (of `entries`
    or `outside`)."""
    seen = _unique_ids(entries)
    for entry in entries:
        unknown = [other for other in entry.overlaps if other not in seen and other not in outside]
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
