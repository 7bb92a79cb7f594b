"""Compiled regexes kept across runs: `re`'s own compiled form of each pattern, stored in
the state folder's cache, so a run does not parse and compile the catalog again.

Why: `re.compile` of the catalog's ~110 signatures and ~40 resource patterns costs about
45 ms, more than a fifth of a whole `diagnose` run over a million lines; rebuilding them
from the stored form costs under 1 ms. The stored form is what `re` itself hands to `_sre`
(flags, opcode list, group count and names), so a rebuilt pattern is the same object `re`
would make: before storing, every rebuilt pattern is checked equal to `re.compile`'s
(Pattern equality compares pattern, flags and the compiled code). The file is tied to
this exact Python build (version and `_sre.MAGIC`); anything unexpected, on reading or
writing, falls back to `re.compile`. The stored form is petstore_core/regex_cache.py's.
"""

from __future__ import annotations

import marshal
import os
import re
from array import array
from collections.abc import Sequence
from pathlib import Path

from petstore_core.regex_cache import BUILD as _BUILD  # CPython's regex internals (None elsewhere)
from petstore_core.regex_cache import forget as _forget
from petstore_core.regex_cache import parts as _parts
from petstore_core.regex_cache import rebuild as _rebuild
from petstore_core.regex_cache import write_file as _write_file

Item = tuple[str | bytes, int]  # (pattern, flags)

try:  # for naming cache files: CPython's own blake2, where hashlib would load OpenSSL (ms)
    from _blake2 import blake2b
except ImportError:
    from hashlib import blake2b

# the opcodes stored as one machine-word string a pattern, not as a list of ints: marshal
# reads the full catalog's ~246,000 opcodes as a list in ~6 ms of every start, as a string
# in a fraction of that (docs/knowledge/diagnose-speed.md, round 14); in the key, so a file
# of the other layout is never read for this one
LAYOUT = "opcodes packed 1"
try:  # the width of _sre's opcodes (CPython's regex internals, as _BUILD)
    from _sre import CODESIZE as _CODESIZE
except ImportError:
    _CODESIZE = 0
_OPCODE = "I" if array("I").itemsize == _CODESIZE else None  # None: kept as a list


def _pack(parts: tuple) -> tuple:
    if _OPCODE is None:
        return parts
    flags, code, groups, groupindex, indexgroup = parts
    return flags, array(_OPCODE, code).tobytes(), groups, groupindex, indexgroup


def _unpack(stored: tuple) -> tuple:
    if _OPCODE is None:
        return stored
    flags, code, groups, groupindex, indexgroup = stored
    opcodes = array(_OPCODE)
    opcodes.frombytes(code)
    return flags, opcodes.tolist(), groups, groupindex, indexgroup


def _cache_file(cache_dir, items: Sequence[Item]):
    key = blake2b(repr((_BUILD, LAYOUT, _OPCODE, list(items))).encode("utf-8", "surrogateescape"),
                  digest_size=12).hexdigest()
    return Path(cache_dir) / f"regex-{key}.marshal"


def _used(path: Path) -> None:
    """The file's mtime is its last use: the cache keeps the few used last (cache_sets.py)."""
    try:
        os.utime(path)
    except OSError:  # removed meanwhile, or a cache we cannot write: the next run compiles
        pass


def compile_all(items: Sequence[Item], cache_dir=None) -> list[re.Pattern]:
    """Every (pattern, flags) of `items` compiled, from `cache_dir` when it holds exactly
    these for this Python, else by `re` (and stored there for the next run)."""
    items = [(pattern, int(flags)) for pattern, flags in items]
    if cache_dir is None or _BUILD is None:
        return [re.compile(pattern, flags) for pattern, flags in items]

    path = _cache_file(cache_dir, items)
    try:
        build, stored_items, stored_parts = marshal.loads(path.read_bytes())
        if build == _BUILD and stored_items == items:
            rebuilt = [_rebuild(pattern, _unpack(parts)) for (pattern, _), parts in zip(items, stored_parts, strict=True)]
            _used(path)
            return rebuilt
    except Exception:  # noqa: S110 - absent, old or damaged: compile afresh below
        pass
    compiled = [re.compile(pattern, flags) for pattern, flags in items]
    _forget(items)  # stored below, not in the file of re's own cache as well
    try:
        parts = [_pack(_parts(pattern, flags)) for pattern, flags in items]
        # what a later run will rebuild, unpacked as it will be, checked equal to re's
        if all(_rebuild(pattern, _unpack(p)) == c for (pattern, _), p, c in zip(items, parts, compiled, strict=True)):
            _write_file(path, marshal.dumps((_BUILD, items, parts)))
    except Exception:  # noqa: S110 - internals not as expected: no cache, same patterns
        pass
    return compiled
