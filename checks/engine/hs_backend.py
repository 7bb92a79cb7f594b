"""Hyperscan for the matcher, from one of two places: the system library (Debian's
libhyperscan5) through our own small binding, _hs_native.c, where it was built; else the
`hyperscan` wheel from PyPI. Both take the same expressions and flags and report the same
hits, (id, end offset) in Hyperscan's order; the system library's generic build scans
the benchmark log about a fifth faster (docs/knowledge/hyperscan-builds.md).

$PETSTORE_TUI_HYPERSCAN picks one (`system` or `wheel`); unset, the system library where
the binding was built, else the wheel.
"""

from __future__ import annotations

import os

ENV_HYPERSCAN = "PETSTORE_TUI_HYPERSCAN"


class _WheelDatabase:
    """A wheel database with its scratch, answering like _hs_native.Database."""

    __slots__ = ("_hs", "_db", "_scratch")

    def __init__(self, hs, db):
        self._hs, self._db, self._scratch = hs, db, hs.Scratch(db)

    def scan(self, block) -> list[tuple[int, int]]:
        hits: list[tuple[int, int]] = []
        append = hits.append

        def on_match(index: int, _start: int, end: int, _flags: int, _ctx) -> None:
            append((index, end))

        self._db.scan(block, match_event_handler=on_match, scratch=self._scratch)
        return hits

    def serialize(self) -> bytes:
        return self._hs.dumpb(self._db)


class Wheel:
    """The `hyperscan` wheel (python-hyperscan, Hyperscan built into it)."""

    name = "wheel"

    def __init__(self):
        import hyperscan  # optional: installed on x86_64 and aarch64 only (pyproject.toml)

        self._hs = hyperscan
        self.version = f"wheel {getattr(hyperscan, '__version__', '?')}"
        self.error = hyperscan.error
        self.HS_FLAG_CASELESS = hyperscan.HS_FLAG_CASELESS
        self.HS_FLAG_MULTILINE = hyperscan.HS_FLAG_MULTILINE
        self.HS_FLAG_PREFILTER = hyperscan.HS_FLAG_PREFILTER

    def compile(self, expressions: list[bytes], flags: list[int], ids: list[int]) -> _WheelDatabase:
        db = self._hs.Database()
        db.compile(expressions=expressions, ids=ids, elements=len(ids), flags=flags)
        return _WheelDatabase(self._hs, db)

    def deserialize(self, data: bytes) -> _WheelDatabase:
        return _WheelDatabase(self._hs, self._hs.loadb(data, self._hs.HS_MODE_BLOCK))


class System:
    """libhs of the system through _hs_native (compiled for the generic platform)."""

    name = "system"

    def __init__(self):
        # optional: built only where libhyperscan-dev was there (setup.py)
        import checks.engine._hs_native as _hs_native

        self.version = f"system {_hs_native.VERSION}"
        self.error = _hs_native.error
        self.HS_FLAG_CASELESS = _hs_native.HS_FLAG_CASELESS
        self.HS_FLAG_MULTILINE = _hs_native.HS_FLAG_MULTILINE
        self.HS_FLAG_PREFILTER = _hs_native.HS_FLAG_PREFILTER
        self.compile = _hs_native.compile
        self.deserialize = _hs_native.deserialize


KINDS = {"system": System, "wheel": Wheel}


def load(kind: str | None = None):
    """The backend named by `kind` or $PETSTORE_TUI_HYPERSCAN, else the first that
    imports. ImportError where none (or not the one named) is there; ValueError for an
    unknown name."""
    kind = (kind or os.environ.get(ENV_HYPERSCAN) or "").strip().lower()
    if kind:
        if kind not in KINDS:
            raise ValueError(f"{ENV_HYPERSCAN}={kind!r}: expected system or wheel")
        return KINDS[kind]()
    try:
        return System()
    except ImportError:
        return Wheel()


def available(kind: str | None = None) -> bool:
    try:
        load(kind)
    except ImportError:
        return False
    return True
