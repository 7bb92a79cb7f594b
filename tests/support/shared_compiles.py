"""Stand-in for a warm compiled-catalog cache across one test session.

Every test gets a state folder of its own (tests/conftest.py `_isolated_state`), so each
test that built the full catalog's engine paid Hyperscan's compile of it again: about 35 s
of CPU for the 45-entry catalog (most of a CI run's time went there). Hyperscan gives the
same database for the same expressions, flags and ids, and a database read back from its
serialized bytes is the one the product's own cache (checks/engine/matcher.py) loads, so:

- `MemoBackend` answers a repeated compile in this process from the first one's bytes;
- `seed` and `collect` give each test's state folder the databases earlier tests stored
  there, for the `petstore-tui` processes a test starts (they read the product's cache).

What a test sees of the product's cache (`matcher.cached`, the files it writes) is
unchanged: the product still compiles, stores and loads as it would.
"""

from __future__ import annotations

import os
from pathlib import Path

# A small compile costs less than its key; only catalogs of this many expressions are kept.
MEMO_MIN_EXPRESSIONS = 50
DATABASES = "hyperscan-*.db"


class MemoBackend:
    """A Hyperscan backend (checks/engine/hs_backend.py) whose large compiles are kept."""

    def __init__(self, backend, memo: dict):
        self._backend, self._memo = backend, memo

    def __getattr__(self, name):
        return getattr(self._backend, name)

    def compile(self, expressions, flags, ids):
        if len(expressions) < MEMO_MIN_EXPRESSIONS:
            return self._backend.compile(expressions, flags, ids)
        key = (self._backend.name, tuple(expressions), tuple(flags), tuple(ids))
        data = self._memo.get(key)
        if data is not None:
            return self._backend.deserialize(data)
        database = self._backend.compile(expressions, flags, ids)
        self._memo[key] = database.serialize()
        return database


def seed(cache: Path, shared: Path) -> None:
    """Link the session's stored databases into a test's cache folder (not copied: a
    database is never written in place, matcher.py replaces the file)."""
    stored = list(shared.glob(DATABASES))
    if not stored:
        return
    cache.mkdir(parents=True, exist_ok=True)
    for path in stored:
        try:
            os.link(path, cache / path.name)
        except OSError:
            pass  # already there, or links refused: the test compiles, nothing more


def collect(cache: Path, shared: Path) -> None:
    """Keep the databases a test's processes stored for the tests after it."""
    for path in cache.glob(DATABASES):
        target = shared / path.name
        if not target.exists():
            try:
                os.link(path, target)
            except OSError:
                pass
