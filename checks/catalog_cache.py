"""The compiled catalog cache: a folder's validated entries kept as JSON, keyed by its files."""

from __future__ import annotations

import json
import os
from pathlib import Path

from checks.catalog_entry import validate_catalog
from checks.model import RECOGNITION_KINDS, Fix, KnownFailure, Severity, Source

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~2 ms of diagnose's start)
if TYPE_CHECKING:
    from typing import Any

try:  # CPython's own blake2: hashlib would load OpenSSL, a few ms of every start
    from _blake2 import blake2b
except ImportError:  # optional: a Python built without it
    from hashlib import blake2b

CACHE_VERSION = 4  # 2: signature kinds, origin and override in each entry; 3: ruled_out_by; 4: ruled_out_by_context
# this code and what it parses with: a change to any of them means a full load
_CODE_FILES = tuple(Path(__file__).resolve().parent / name for name in
                    ("catalog_loader.py", "catalog_entry.py", "catalog_cache.py", "model.py"))


def _stamp(path: Path) -> list:
    st = os.stat(path)
    return [str(path), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def cache_key(root: Path, entry_dirs: list[Path], origin: str) -> dict | None:
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


def cache_path(cache_dir: Path | str, key: dict) -> Path:
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
        "overlaps": list(entry.overlaps), "ruled_out_by": list(entry.ruled_out_by),
        "ruled_out_by_context": list(entry.ruled_out_by_context), "context_lines": entry.context_lines,
        "context_when_event": entry.context_when_event,
        "extra": entry.extra,
        "signature_kinds": list(entry.signature_kinds), "origin": entry.origin,
        "overrides": entry.overrides,
    }


def _strings(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("expected a list of strings")
    return tuple(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError("expected a whole number")
    return value


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
        ruled_out_by=_strings(data["ruled_out_by"]),
        ruled_out_by_context=_strings(data["ruled_out_by_context"]),
        context_lines=_count(data["context_lines"]),
        context_when_event=data["context_when_event"] if data["context_when_event"] is None
        else _string(data["context_when_event"]),
        extra=extra,
        signature_kinds=kinds,
        origin=_string(data["origin"]),
        overrides=data["overrides"],
    )


def read_cache(cache_file: Path, key: dict, outside: set[str]) -> tuple[KnownFailure, ...] | None:
    """The cached catalog when it was built from exactly these files, else None."""
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
    try:  # its mtime is its last use: the cache keeps the few used last (checks/engine/cache_sets.py)
        os.utime(cache_file)
    except OSError:  # removed meanwhile, or a cache we cannot write: entries already read whole
        pass
    return entries


def write_cache(cache_file: Path, key: dict, entries: tuple[KnownFailure, ...]) -> None:
    """Keep the validated catalog for the next start, when it survives JSON unchanged
    (an `extra` holding a YAML date or a number as a key does not: never cached)."""
    # start-up: tempfile brings shutil, bz2, lzma and random; only a cache write needs it
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
