"""Load and validate the known-failure catalog (checks/catalog/<id>/failure.yaml)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from checks.catalog_cache import cache_key, cache_path, read_cache, write_cache
from checks.catalog_entry import CatalogError, load_entry, unique_ids, validate_catalog
from checks.catalog_paths import user_catalog_dir
from checks.model import BUILT_IN, KnownFailure

CATALOG_DIR = Path(__file__).resolve().parent / "catalog"
CATALOG_ENV = "PETSTORE_TUI_CATALOG"  # another catalog folder (tests, site-local entries)
SAMPLE_SOURCE_PREFIX = "# source:"


def not_a_folder(path: Path) -> str:
    """Why `path`, given as a catalog folder, is not one: missing, or a file."""
    if path.exists():
        return (f"{path}: is a file, not a catalog folder (give the folder of the entries' folders, "
                "or one entry's folder, which holds its failure.yaml)")
    return f"{path}: catalog folder not found"


def base_catalog_dir() -> Path:
    """The built-in catalog: $PETSTORE_TUI_CATALOG when set (tests), else checks/catalog."""
    return Path(os.environ.get(CATALOG_ENV) or CATALOG_DIR)


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
            raise CatalogError(not_a_folder(folder))
        if folder.resolve() not in found:
            found.append(folder.resolve())
    return found


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
    the catalog code and checks/model.py): while none of them changes, a start-up reads one
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
        raise CatalogError(not_a_folder(root))
    entry_dirs = _entry_dirs(root)
    cache_file = key = None
    if cache_dir is not None:
        key = cache_key(root, entry_dirs, origin)
        if key is not None:
            cache_file = cache_path(cache_dir, key)
            cached = read_cache(cache_file, key, outside)
            if cached is not None:
                return cached
    result = tuple(load_entry(entry_dir, origin) for entry_dir in entry_dirs)
    unique_ids(result)  # unreachable through folders, kept for programmatic callers
    if cache_file is not None:
        write_cache(cache_file, key, result)
    return result



def load_samples(entry_dir: Path | str) -> dict[str, list[Path]]:
    """{"positive": [...], "negative": [...]}: the sample files beside an entry, sorted."""
    entry_dir = Path(entry_dir)
    return {kind: sorted((entry_dir / kind).glob("*.log")) for kind in ("positive", "negative")}


def sample_lines(path: Path | str) -> list[bytes]:
    """A sample's lines as bytes, without `# source:` comment lines (samples only)."""
    data = Path(path).read_bytes()
    return [line for line in data.split(b"\n") if not line.lstrip().startswith(SAMPLE_SOURCE_PREFIX.encode())]
