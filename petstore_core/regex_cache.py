"""Compiled regexes kept across runs: `re`'s own compiled form of a pattern (what `re`
hands to `_sre`), stored in a file and rebuilt instead of parsed and compiled again.

Two users: checks/engine/compiled.py keeps the catalog's signatures that way, and a
command that ends at once (`diagnose` of files, petstore_tui/cli.py) fills `re`'s own
cache with every pattern its previous run compiled: the redactor's rules on first use,
the grouping's and the normaliser's at import, json's and argparse's. Compiling those
cost ~4 ms of CPU in every `diagnose` run (41 patterns; bench/bench_diagnose.py);
rebuilding them costs ~0.3 ms.

A rebuilt pattern is the object `re.compile` makes: before a pattern is stored, its
rebuilt twin is checked equal to the compiled one (Pattern equality compares pattern,
flags and compiled code). A file is tied to this exact Python build (version and
`_sre.MAGIC`); anything unexpected, on reading or writing, leaves `re` to compile as
usual.
"""

from __future__ import annotations

import marshal
import os
import re
import sys

try:  # CPython's regex internals: what re.compile itself calls
    import _sre
    from re import _compiler as _sre_compiler  # type: ignore[attr-defined]
    from re import _parser as _sre_parser  # type: ignore[attr-defined]
    BUILD = (sys.implementation.name, sys.hexversion, sys.version, _sre.MAGIC, _sre.CODESIZE)
except (ImportError, AttributeError):  # another Python: always compile
    _sre = None
    BUILD = None

FILE_NAME = "re-cache.marshal"
# re's own cache: the dict re.compile looks a (type, pattern, flags) key up in before
# compiling (CPython 3.11's re._compile; 3.12 and 3.13 look in it too, behind a second one)
_RE_CACHE = getattr(re, "_cache", None)
_stored: set[tuple] = set()  # the keys the file held when it was read


def parts(pattern: str | bytes, flags: int) -> tuple:
    """What re._compiler.compile passes to _sre.compile, in plain ints and strings."""
    parsed = _sre_parser.parse(pattern, flags)
    code = _sre_compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), [int(op) for op in code], parsed.state.groups - 1,
            groupindex, tuple(indexgroup))


def rebuild(pattern: str | bytes, stored: tuple) -> re.Pattern:
    flags, code, groups, groupindex, indexgroup = stored
    return _sre.compile(pattern, flags, code, groups, groupindex, indexgroup)


def _usable() -> bool:
    return BUILD is not None and type(_RE_CACHE) is dict


def preload(cache_dir) -> int:
    """Put the patterns stored in `cache_dir` into re's cache (those it lacks); returns
    how many. Nothing when the file is absent, of another Python, or damaged."""
    if not _usable():
        return 0
    try:
        with open(os.path.join(cache_dir, FILE_NAME), "rb") as handle:
            build, entries = marshal.loads(handle.read())
        if build != BUILD:
            return 0
        rebuilt = [((type(pattern), pattern, flags), rebuild(pattern, stored)) for pattern, flags, stored in entries]
    except Exception:  # noqa: BLE001 - absent, old or damaged: re compiles as usual
        return 0
    added = 0
    for key, compiled in rebuilt:
        _stored.add(key)
        if key not in _RE_CACHE and len(_RE_CACHE) < getattr(re, "_MAXCACHE", 512):
            _RE_CACHE[key] = compiled
            added += 1
    return added


def forget(items) -> None:
    """Take (pattern, flags) `items` out of re's cache: checks/engine/compiled.py keeps the
    catalog's patterns in their own file, and left in re's cache a cold compile's ~500 would
    be stored here too, each later run then rebuilding them all (~6 ms, more than the
    ~4 ms this file saves)."""
    if _usable():
        for pattern, flags in items:
            _RE_CACHE.pop((type(pattern), pattern, flags), None)


def save(cache_dir) -> bool:
    """Store the patterns re's cache holds now, when it holds one the file did not (once
    a run has compiled what it compiles, later runs write nothing). Returns whether it
    wrote."""
    if not _usable():
        return False
    keys = [key for key in list(_RE_CACHE) if key not in _stored]
    if not keys:
        return False
    entries = []
    try:
        for key, compiled in list(_RE_CACHE.items()):
            kind, pattern, flags = key
            if kind not in (str, bytes) or type(flags) is not int or flags & re.DEBUG:
                continue
            stored = parts(pattern, flags)
            if rebuild(pattern, stored) == compiled:  # else re's internals are not as expected: left out
                entries.append((pattern, flags, stored))
        data = marshal.dumps((BUILD, entries))
    except Exception:  # noqa: BLE001 - internals not as expected: no file, same patterns
        return False
    _stored.update((type(pattern), pattern, flags) for pattern, flags, _ in entries)
    return write_file(os.path.join(cache_dir, FILE_NAME), data)


def write_file(path, data: bytes) -> bool:
    """`data` into `path` atomically (parallel runs never read half a file); False when the
    folder cannot be written (a cache we cannot write costs compiles, nothing more)."""
    # start-up: tempfile brings shutil, bz2, lzma and random; only a cache write needs it
    import tempfile

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".regex-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except OSError:
        return False
    return True
