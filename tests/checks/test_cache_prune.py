"""Old compiled catalog sets leave the cache; the ones in use never do.

Found reading the cache after a session of catalog changes: every catalog (an upgrade, an
operator's own entry edited) stored another set of databases (~3.2 MB for the built-in
catalog) in `<state folder>/cache`, and none was ever removed. Stand-ins: small signature
lists of the test's own as catalogs (the real catalog's compile takes 35 s), compiled by
the real Hyperscan into a real cache folder; a lock held from this process on another open
file stands for another process (flock is per open file)."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

import checks.engine.hs_backend as hs_backend
from checks.engine import cache_sets
from checks.engine.matcher import HyperscanMatcher, database_cache_file

pytestmark = pytest.mark.skipif(not hs_backend.available(), reason="needs Hyperscan (system library or wheel)")

HOURS = 3600


def catalog(n: int) -> list[str]:
    return [f"widget{n}\\s+exploded\\s+again", f"gadget{n} failed"]


def block_of(signatures, cache: Path) -> Path:
    return database_cache_file(hs_backend.load(), signatures, cache)


def files_of(signatures, cache: Path) -> list[Path]:
    return [database_cache_file(hs_backend.load(), signatures, cache, role) for role in ("block", "short", "phrases")]


def last_used(signatures, cache: Path, hours_ago: float) -> None:
    when = time.time() - hours_ago * HOURS
    os.utime(cache_sets.set_file(block_of(signatures, cache)), (when, when))


def age(cache: Path, count: int) -> None:
    """Catalogs 0..count-1 compiled (within the hour: all kept), then their last use set
    hours back, 0 the oldest."""
    for n in range(count):
        HyperscanMatcher(catalog(n), cache)
    for n in range(count):
        last_used(catalog(n), cache, hours_ago=10 - n)


def test_a_new_catalog_removes_the_sets_not_used_for_a_while(tmp_path):
    """Five catalogs compiled in turn, the first four last used hours ago: storing the
    fifth keeps the three used last (itself among them) and removes the rest whole; a
    removed catalog compiles again, a kept one loads."""
    age(tmp_path, 4)  # 0 is the oldest
    assert all(path.is_file() for n in range(4) for path in files_of(catalog(n), tmp_path))
    HyperscanMatcher(catalog(4), tmp_path)
    for n in (0, 1):
        assert not any(path.exists() for path in files_of(catalog(n), tmp_path))
        assert not cache_sets.set_file(block_of(catalog(n), tmp_path)).exists()
        assert not block_of(catalog(n), tmp_path).with_suffix(".lock").exists()
    for n in (2, 3, 4):
        assert all(path.is_file() for path in files_of(catalog(n), tmp_path))
    assert len(list(tmp_path.glob("hyperscan-*.db"))) == 3 * 3
    assert HyperscanMatcher(catalog(2), tmp_path).cached
    assert not HyperscanMatcher(catalog(0), tmp_path).cached


def test_loading_a_set_counts_as_using_it(tmp_path):
    """The last use is the last load, not the compile: an old catalog loaded just now
    stays when newer ones are stored after it."""
    age(tmp_path, 4)
    assert HyperscanMatcher(catalog(0), tmp_path).cached  # used now
    HyperscanMatcher(catalog(4), tmp_path)
    assert block_of(catalog(0), tmp_path).is_file()
    assert not block_of(catalog(1), tmp_path).exists()


def test_sets_used_within_the_hour_stay_whatever_their_number(tmp_path):
    """Five catalogs used in the last hour (a tuner's afternoon, two TUIs with their own
    entries): none is removed yet."""
    for n in range(6):
        HyperscanMatcher(catalog(n), tmp_path)
    assert all(block_of(catalog(n), tmp_path).is_file() for n in range(6))


def test_a_set_another_process_compiles_or_reads_is_never_removed(tmp_path):
    """A set whose lock is held (a compile of it: exclusive; a load of it: shared) is
    skipped, however old its last use; it goes at a later store once free."""
    age(tmp_path, 5)
    held = []
    for n, mode in ((0, fcntl.LOCK_EX), (1, fcntl.LOCK_SH)):
        fd = os.open(block_of(catalog(n), tmp_path).with_suffix(".lock"), os.O_RDWR)
        fcntl.flock(fd, mode)
        held.append(fd)
    try:
        HyperscanMatcher(catalog(5), tmp_path)
        assert all(path.is_file() for n in (0, 1) for path in files_of(catalog(n), tmp_path))
    finally:
        for fd in held:
            os.close(fd)
    HyperscanMatcher(catalog(6), tmp_path)
    assert not block_of(catalog(0), tmp_path).exists() and not block_of(catalog(1), tmp_path).exists()


def test_a_reader_never_loads_half_a_set_while_it_is_pruned(tmp_path):
    """A load racing a removal: while the removal holds the set, the reader does not read
    it piecemeal; it waits at the compile lock and compiles whole (all three databases)."""
    HyperscanMatcher(catalog(0), tmp_path)
    block = block_of(catalog(0), tmp_path)
    fd = os.open(block.with_suffix(".lock"), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)  # what _remove_set holds while it unlinks
    block.unlink()  # the removal's first step: the block database goes first
    os.close(fd)
    matcher = HyperscanMatcher(catalog(0), tmp_path)
    assert not matcher.cached and all(path.is_file() for path in files_of(catalog(0), tmp_path))
    assert HyperscanMatcher(catalog(0), tmp_path).cached


def test_databases_of_no_recorded_set_go_after_a_day(tmp_path):
    """Databases an older release stored (no record of their set) and stray temporary
    files go once untouched for a day; fresh ones (a store under way) stay."""
    old, fresh = tmp_path / "hyperscan-0123.db", tmp_path / "hyperscan-4567.db"
    stray = tmp_path / ".hs-abc"
    for path in (old, fresh, stray, old.with_suffix(".lock")):
        path.write_bytes(b"x")
    two_days = time.time() - 48 * HOURS
    for path in (old, stray, old.with_suffix(".lock")):
        os.utime(path, (two_days, two_days))
    HyperscanMatcher(catalog(0), tmp_path)
    assert not old.exists() and not stray.exists() and not old.with_suffix(".lock").exists()
    assert fresh.exists() and block_of(catalog(0), tmp_path).is_file()
