"""The catalog's compiled database paid once, ahead: `catalog warm`, its state, one compile
at a time, and a cache no other catalog or Hyperscan build loads.

Found opening the tool in a fresh state folder: the first `diagnose` took 90 s at load 2
(33.5 s of CPU), the first drill and panel likewise, with nothing on the screen. Stand-ins:
the two-entry fixture catalog as the built-in one (the real catalog's compile is the
35 s this is about), a user entry of the test's own, and Hyperscan wrapped to count and
slow its compiles (the real compile underneath)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import checks.engine.hs_backend as hs_backend
from checks.engine import engine_cache_dir
from checks.engine.matcher import HyperscanMatcher
from checks.engine.warm import COLD, COMPILING, READY, catalog_state
from petstore_tui import cli
from tests.checks.test_user_catalog import FIXTURES, make_entry

pytestmark = pytest.mark.skipif(not hs_backend.available(), reason="needs Hyperscan (system library or wheel)")


class Counted:
    """A Hyperscan backend whose compiles are counted and take `delay` seconds longer."""

    def __init__(self, backend, delay: float = 0.0, version: str | None = None):
        self._backend, self.delay, self.compiles = backend, delay, 0
        self.version = version or backend.version

    def __getattr__(self, name):
        return getattr(self._backend, name)

    def compile(self, expressions, flags, ids):
        self.compiles += 1
        time.sleep(self.delay)
        return self._backend.compile(expressions, flags, ids)


@pytest.fixture(autouse=True)
def fixture_catalog(monkeypatch):
    monkeypatch.setenv("PETSTORE_TUI_CATALOG", str(FIXTURES))
    for stored in engine_cache_dir().glob("hyperscan-*.db"):
        stored.unlink()  # what earlier tests stored (tests/support/shared_compiles.py): a fresh folder


def test_warm_compiles_once_then_every_command_loads_it(capsys):
    """`catalog warm` in a fresh state folder compiles and says so; the state is ready after
    it, and a second warm loads (what ./dev setup runs on a machine already set up)."""
    assert catalog_state() == COLD
    assert cli.main(["catalog", "warm"]) == 0
    out, err = capsys.readouterr()
    assert "compiling the catalog (first run" in err and "catalog ready: compiled in" in out
    assert catalog_state() == READY
    assert cli.main(["catalog", "warm"]) == 0
    assert "its compiled form is cached" in capsys.readouterr().out


def test_an_operators_own_entries_are_warmed_too(tmp_path, capsys):
    """Entries of one's own change the database: the built-in catalog warm is not theirs,
    and `catalog warm --catalog DIR` makes theirs ready."""
    mine = tmp_path / "mine"
    make_entry(mine, "widget-exploded")
    assert cli.main(["catalog", "warm"]) == 0
    assert catalog_state([str(mine)]) == COLD
    assert cli.main(["catalog", "warm", "--catalog", str(mine)]) == 0
    capsys.readouterr()
    assert catalog_state([str(mine)]) == READY and catalog_state() == READY


def test_two_starting_together_compile_once(monkeypatch):
    """Two engines built at once in a fresh folder (the TUI's launch and its panel; two
    processes lock the same way: flock is per open file) pay one compile: the second waits
    and loads what the first stored."""
    counted = Counted(hs_backend.load(), delay=0.5)
    monkeypatch.setattr(hs_backend, "load", lambda kind=None: counted)
    signatures = ["widget\\s+exploded", "gadget\\s+melted"]
    HyperscanMatcher(signatures, None)  # what one engine compiles (one database per role)
    one, counted.compiles = counted.compiles, 0
    cache = engine_cache_dir()
    built: list[HyperscanMatcher] = []
    threads = [threading.Thread(target=lambda: built.append(HyperscanMatcher(signatures, cache))) for _ in range(2)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    assert catalog_state_of(signatures, cache) == COMPILING
    for thread in threads:
        thread.join(30)
    assert counted.compiles == one
    assert sorted(m.cached for m in built) == [False, True]


def catalog_state_of(signatures, cache) -> str:
    # start-up: the same lookup catalog_state makes, for a signature list of the test's own
    from checks.engine.compile_lock import compiling_elsewhere
    from checks.engine.matcher import database_cache_file

    path = database_cache_file(hs_backend.load(), signatures, cache)
    if path.is_file():
        return READY
    return COMPILING if compiling_elsewhere(path.with_suffix(".lock")) else COLD


def test_another_catalog_or_hyperscan_build_never_loads_the_cache(monkeypatch):
    """The cache is keyed by the signatures and the Hyperscan build: one more signature, or
    another release or build date of the library, compiles afresh instead of loading."""
    cache = engine_cache_dir()
    assert not HyperscanMatcher(["widget\\s+exploded"], cache).cached
    per_catalog = len(list(Path(cache).glob("hyperscan-*.db")))  # one file per database role
    assert HyperscanMatcher(["widget\\s+exploded"], cache).cached
    assert not HyperscanMatcher(["widget\\s+exploded", "gadget"], cache).cached
    other = Counted(hs_backend.load(), version="system 5.4.2 2023-03-01")
    monkeypatch.setattr(hs_backend, "load", lambda kind=None: other)
    assert not HyperscanMatcher(["widget\\s+exploded"], cache).cached and other.compiles == per_catalog
    assert len(list(Path(cache).glob("hyperscan-*.db"))) == 3 * per_catalog
