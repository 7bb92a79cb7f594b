"""Old compiled-regex and validated-catalog files leave the cache by the sets' policy; the
ones in use never do, and a removal never hands a reader half a file.

Found reading `~/.local/state/petstore-tui/cache` after a session of catalog changes: 17
`catalog-*.json` and 7 `regex-*.marshal` there, none ever removed, while fix-23's pruning
removed the old Hyperscan sets beside them. Stand-ins: small catalogs of the test's own
(folders with one failure.yaml each, signature lists), written and read by the real
loaders into a real temporary state folder; no Hyperscan (cache_sets.prune is what the
matcher calls after it stores a set: tests/checks/test_cache_prune.py)."""

from __future__ import annotations

import marshal
import os
import re
import time
from pathlib import Path

from checks.catalog_loader import load_catalog
from checks.engine import cache_sets
from checks.engine.compiled import compile_all
from checks.engine.warm import engine_cache_dir

HOURS = 3600
ENTRY = """\
id: {id}
title: T
severity: error
sources: [app]
signatures: ['{id}\\s+exploded']
explanation: |
  Why it happens.
fix:
  summary: S
  steps: [one]
  commands: ['kubectl get pods']
  files: []
docs: [https://example.com/doc]
"""


def regexes(n: int) -> list[tuple[bytes, int]]:
    return [(f"widget{n}\\s+exploded".encode(), re.IGNORECASE)]


def regex_file(cache: Path, n: int) -> Path:
    before = set(cache.glob("regex-*.marshal"))
    compile_all(regexes(n), cache)
    [made] = set(cache.glob("regex-*.marshal")) - before
    return made


def catalog_folder(tmp_path: Path, n: int) -> Path:
    root = tmp_path / f"catalog{n}"
    (root / f"entry-{n}").mkdir(parents=True)
    (root / f"entry-{n}" / "failure.yaml").write_text(ENTRY.format(id=f"entry-{n}"))
    return root


def catalog_file(tmp_path: Path, cache: Path, n: int) -> Path:
    before = set(cache.glob("catalog-*.json"))
    load_catalog(catalog_folder(tmp_path, n), cache_dir=cache)
    [made] = set(cache.glob("catalog-*.json")) - before
    return made


def last_used(path: Path, hours_ago: float) -> None:
    when = time.time() - hours_ago * HOURS
    os.utime(path, (when, when))


def test_old_regex_and_catalog_files_go_the_ones_used_last_stay(tmp_path):
    """Six catalogs' regex files and eight catalog folders' files, all last used hours ago
    (0 the oldest); then the oldest of each is used again by the real loaders, which marks
    it used now. A store's prune keeps the three regex files and six catalog files used
    last and removes the rest; what was removed loads again from scratch, the same."""
    cache = engine_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    regex = [regex_file(cache, n) for n in range(6)]
    catalogs = [catalog_file(tmp_path, cache, n) for n in range(8)]
    for n, path in enumerate(regex + catalogs):
        last_used(path, hours_ago=20 - n)
    stray = cache / ".regex-half-written"
    stray.write_bytes(b"\x00")
    last_used(stray, hours_ago=48)
    assert not cache_sets.prune(cache, cache / "hyperscan-none.db", now=time.time() - 30 * HOURS)  # all recent then

    compile_all(regexes(0), cache)  # loaded from its file: used now
    assert load_catalog(tmp_path / "catalog0", cache_dir=cache)[0].id == "entry-0"
    removed = cache_sets.prune(cache, cache / "hyperscan-none.db")

    kept_regex = {regex[0], regex[4], regex[5]}
    kept_catalogs = {catalogs[0], *catalogs[3:]}
    assert set(cache.glob("regex-*.marshal")) == kept_regex
    assert set(cache.glob("catalog-*.json")) == kept_catalogs
    assert set(removed) == (set(regex) - kept_regex) | (set(catalogs) - kept_catalogs) | {stray}
    # a removed cache costs a compile or a full load, nothing else
    assert compile_all(regexes(1), cache) == [re.compile(*regexes(1)[0])]
    assert load_catalog(tmp_path / "catalog1", cache_dir=cache)[0].id == "entry-1"
    assert regex[1].is_file() and catalogs[1].is_file()


def test_files_used_within_the_hour_stay_whatever_their_rank(tmp_path):
    """Five regex files all used in the last hour: none goes, though three are past the
    few kept by rank (a run in progress, or a long TUI session, uses them)."""
    cache = engine_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    made = [regex_file(cache, n) for n in range(5)]
    for n, path in enumerate(made):
        last_used(path, hours_ago=0.9 - n * 0.1)
    assert cache_sets.prune(cache, cache / "hyperscan-none.db") == []
    assert all(path.is_file() for path in made)


def test_a_removal_racing_a_reader_leaves_it_the_whole_file(tmp_path):
    """A reader that has opened a regex file and a catalog file before the prune removes
    them still reads each whole (one open, POSIX unlink semantics); one that opens after
    finds no file and compiles or loads afresh, never half a file."""
    cache = engine_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    old_regex = regex_file(cache, 0)
    old_catalog = catalog_file(tmp_path, cache, 0)
    newer = [regex_file(cache, n) for n in range(1, 4)] + [catalog_file(tmp_path, cache, n) for n in range(1, 7)]
    last_used(old_regex, hours_ago=5)
    last_used(old_catalog, hours_ago=5)
    for path in newer:
        last_used(path, hours_ago=2)
    whole = {path: path.read_bytes() for path in (old_regex, old_catalog)}
    readers = {path: open(path, "rb") for path in whole}  # noqa: SIM115 - held across the prune
    try:
        removed = cache_sets.prune(cache, cache / "hyperscan-none.db")
        assert old_regex in removed and old_catalog in removed and not old_regex.exists()
        for path, handle in readers.items():
            assert handle.read() == whole[path]
    finally:
        for handle in readers.values():
            handle.close()
    assert marshal.loads(whole[old_regex])[1] == regexes(0)
    assert compile_all(regexes(0), cache) == [re.compile(*regexes(0)[0])]
    assert load_catalog(tmp_path / "catalog0", cache_dir=cache)[0].id == "entry-0"
