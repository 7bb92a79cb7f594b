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
none anyway), and the set just stored is never a candidate."""

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
    untouched for ORPHAN_SECONDS. Returns the files removed. Errors cost nothing but the
    space: the next store tries again."""
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
        try:
            if now - path.stat().st_mtime >= ORPHAN_SECONDS:
                path.unlink()
                removed.append(path)
        except OSError:
            continue
    return removed


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
