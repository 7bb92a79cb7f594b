"""The compiled catalog's database sets in the state folder's cache: which files make a
set, when each was last used, and pruning the sets nobody uses any more.

A catalog (its signatures, the Hyperscan build, the layout) compiles to a set of three
databases (block, short triggers, phrases: matcher.py), about 3.2 MB for the built-in
catalog. Every catalog change (an upgrade, an operator's own entry edited) stores a new
set and leaves the old one behind, so after each store the sets past the KEEP_SETS used
most recently, and not used for RECENT_SECONDS, are removed.

A set is recorded in a small file beside its block database (`<block>.set`: the names of
its databases); that file's mtime is the set's last use (touched on every load). Safety:
a set is removed only under its compile lock taken without waiting (so never while
another process compiles it), readers hold that lock shared while they load (so a
removal never lands between two of a set's databases, and the matcher loads all three or
none anyway), and the set just stored is never a candidate.

The same store prunes the cache's two other per-catalog files by the same policy (FILES):
`regex-*.marshal` (a catalog's compiled regexes: checks/engine/compiled.py) and
`catalog-*.json` (a catalog folder's validated entries: checks/catalog_cache.py), whose
own mtime is their last use (their readers touch them on every load). A file is removed
only if it is past the few used most recently and unused for RECENT_SECONDS, so the ones
this run loaded or stored are never candidates. Each is one whole file, read from one
open and written by an atomic rename: a removal racing a reader leaves it the whole file
it opened, or no file and a compile or full load, never half a file."""

from __future__ import annotations

import fcntl
import json
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

KEEP_SETS = 3  # the sets used most recently are kept whatever their age
RECENT_SECONDS = 3600  # and so is any set used this recently
ORPHAN_SECONDS = 86400  # a database of no recorded set (stored by an older release), untouched this long, goes
SET_SUFFIX = ".set"
DATABASES = "hyperscan-*.db"
# the other per-catalog caches: (their files, their stray temporary files, how many used
# last are kept whatever their age); one regex file a catalog, as one set; one catalog
# file a folder, and a run loads up to three folders (built in, the operator's, --catalog)
FILES = (("regex-*.marshal", ".regex-*", KEEP_SETS), ("catalog-*.json", ".catalog-*", 2 * KEEP_SETS))


def set_file(block: Path) -> Path:
    """The record of the set whose block database is `block`."""
    return block.with_suffix(SET_SUFFIX)


def lock_file(block: Path) -> Path:
    """The set's compile lock (compile_lock.py): the same file the matcher compiles under."""
    return block.with_suffix(".lock")


@contextmanager
def reading(block: Path) -> Iterator[bool]:
    """Held shared while a set's databases are read: yields False when it cannot be had
    at once (a compile or a removal of this set under way; the caller then takes the
    compile lock, which waits). A lock file that cannot be made yields True unlocked."""
    try:
        fd = os.open(lock_file(block), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield True
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def mark_used(files: Sequence[Path]) -> None:
    """A set was loaded or stored (`files`, its block database first): its record made
    or touched, so its last use is now. A cache we cannot write only loses the record."""
    if not files:
        return
    record = set_file(files[0])
    try:
        os.utime(record)
        return
    except OSError:
        pass
    try:
        tmp = record.with_name(f".{record.name}.{os.getpid()}")
        tmp.write_text(json.dumps([path.name for path in files]))
        os.replace(tmp, record)
    except OSError:
        pass


def prune(cache_dir: Path, stored: Path, now: float | None = None) -> list[Path]:
    """Remove the sets past the KEEP_SETS used most recently that were not used for
    RECENT_SECONDS, never `stored` (the block database of the set just stored), nor one
    whose lock another holds; then databases of no recorded set and stray temporary files
    untouched for ORPHAN_SECONDS; then the regex and catalog files (FILES) by the same
    rule. Returns the files removed. Errors cost nothing but the space: the next store
    tries again."""
    now = time.time() if now is None else now
    cache_dir = Path(cache_dir)
    records = []
    for record in cache_dir.glob(f"hyperscan-*{SET_SUFFIX}"):
        try:
            records.append((record.stat().st_mtime, record))
        except OSError:
            continue
    records.sort(reverse=True)
    removed: list[Path] = []
    keep = {set_file(stored)}
    for rank, (used, record) in enumerate(records):
        if record in keep or rank < KEEP_SETS or now - used < RECENT_SECONDS:
            continue
        removed.extend(_remove_set(record))
    listed = {name for _, record in records if record.exists() for name in _names(record)}
    for path in (*cache_dir.glob(DATABASES), *cache_dir.glob(".hs-*"), *cache_dir.glob("hyperscan-*.lock")):
        if path.name in listed or path.with_suffix(SET_SUFFIX).exists() or path == stored:
            continue
        if path.suffix == ".lock" and path.with_suffix(".db").exists():
            continue
        if _remove_if_untouched(path, now):
            removed.append(path)
    for pattern, temporary, keep in FILES:
        removed.extend(_prune_files(cache_dir, pattern, temporary, keep, now))
    return removed


def _prune_files(cache_dir: Path, pattern: str, temporary: str, keep: int, now: float) -> list[Path]:
    """The files of `pattern` past the `keep` used most recently (mtime: their readers
    touch them) and not used for RECENT_SECONDS; stray `temporary` files (a writer that
    died) untouched for ORPHAN_SECONDS."""
    files = []
    for path in cache_dir.glob(pattern):
        try:
            stat = path.stat()
        except OSError:
            continue
        files.append((stat.st_mtime, stat.st_ino, path))
    files.sort(reverse=True)
    removed: list[Path] = []
    for rank, (used, inode, path) in enumerate(files):
        if rank < keep or now - used < RECENT_SECONDS:
            continue
        try:
            stat = path.stat()  # used or stored again since the listing: kept
            if stat.st_ino == inode and stat.st_mtime == used:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    removed.extend(path for path in cache_dir.glob(temporary) if _remove_if_untouched(path, now))
    return removed


def _remove_if_untouched(path: Path, now: float) -> bool:
    """Remove `path` if untouched for ORPHAN_SECONDS; whether it was removed (an error
    keeps it: the next store tries again)."""
    try:
        if now - path.stat().st_mtime >= ORPHAN_SECONDS:
            path.unlink()
            return True
    except OSError:
        pass
    return False


def _names(record: Path) -> list[str]:
    try:
        names = json.loads(record.read_text())
    except (OSError, ValueError):
        return []
    return [name for name in names if isinstance(name, str) and "/" not in name] if isinstance(names, list) else []


def _remove_set(record: Path) -> list[Path]:
    """One set's databases (the block's first: without it the set reads as not ready,
    warm.py), its record and its lock file, under its lock taken without waiting."""
    block = record.with_suffix(".db")
    try:
        fd = os.open(lock_file(block), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return []
    removed = []
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return []  # compiled or read right now: in use
        names = _names(record) or [block.name]
        ordered = [block.name] + [name for name in names if name != block.name]
        for path in [record.with_name(name) for name in ordered] + [record, lock_file(block)]:
            try:
                path.unlink()
                removed.append(path)
            except FileNotFoundError:
                continue
            except OSError:
                break  # keep the rest: a set without its block database is never loaded
    finally:
        os.close(fd)
    return removed
