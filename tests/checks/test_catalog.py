"""Every catalog entry and every sample: ids, regexes, positives fire, negatives do not."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from checks.catalog_check import check_entry
from checks.catalog_entry import CatalogError, load_entry
from checks.catalog_loader import CATALOG_DIR, load_catalog, load_samples, sample_lines
from checks.engine import Engine
from checks.engine.matcher import hyperscan_available

ENTRY_DIRS = sorted(p for p in CATALOG_DIR.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))) \
    if CATALOG_DIR.is_dir() else []
IDS = [p.name for p in ENTRY_DIRS]
MATCHERS = ["python"] + (["hyperscan"] if hyperscan_available() else [])


@cache
def catalog():
    """Every entry that loads on its own: one broken entry fails its own test (and the
    whole-catalog test), not every other entry's."""
    entries = []
    for entry_dir in ENTRY_DIRS:
        try:
            entries.append(load_entry(entry_dir))
        except CatalogError:
            continue
    return tuple(entries)


@cache
def engine(kind: str) -> Engine:
    return Engine(catalog(), matcher=kind)


def test_catalog_loads_with_unique_ids():
    """Stand-in: none; the real catalog folder."""
    entries = load_catalog()
    assert entries, "the catalog is empty"
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    assert ids == sorted(ids)
    assert ids == IDS


@pytest.mark.parametrize("entry_id", IDS)
def test_entry(entry_id):
    """Stand-in: none; the entry's own positive and negative samples, both matchers
    (checks/catalog_check.py: the same verdicts `petstore-tui catalog test` gives)."""
    entry = load_entry(CATALOG_DIR / entry_id)
    for signature in entry.signatures:
        re.compile(signature)
    failed = [f"{c.sample or entry_id}: {c.problem}"
              for c in check_entry(entry, CATALOG_DIR / entry_id, {kind: engine(kind) for kind in MATCHERS})
              if not c.ok]
    assert not failed, "\n".join(failed)


# ---------------------------------------------------------------- loader validation
GOOD = """\
id: {id}
title: T
severity: error
sources: [app]
signatures: ['boom\\s+here']
explanation: E
fix: {{summary: S}}
"""


def make_entry(root: Path, entry_id: str, text: str | None = None) -> Path:
    folder = root / entry_id
    folder.mkdir(parents=True)
    (folder / "failure.yaml").write_text(text if text is not None else GOOD.format(id=entry_id))
    return folder


@pytest.mark.parametrize(("change", "message"), [
    (lambda t: t.replace("title: T\n", ""), "missing required field(s): title"),
    (lambda t: t.replace("severity: error", "severity: fatal"), "unknown severity 'fatal'"),
    (lambda t: t.replace("[app]", "[nginx]"), "unknown source 'nginx'"),
    (lambda t: t.replace("id: e-one", "id: e-two"), "does not match its folder name"),
    (lambda t: t.replace("'boom\\s+here'", "'boom(here'"), "does not compile in Python re"),
    (lambda t: t + "resource: 'role/(\\S+)'\n", "no group named `resource`"),
    (lambda t: t + "overlaps: [e-nowhere]\n", "unknown id(s): e-nowhere"),
    (lambda t: t + "colour: red\n", "unknown field(s): colour"),
    (lambda t: t.replace("'boom\\s+here'", "'(?P<x>a)'"), "named group"),
    (lambda t: t.replace("'boom\\s+here'", "'x*'"), "matches the empty string"),
    (lambda t: "just text", "expected a mapping"),
    (lambda t: "a: [", "invalid YAML"),
])
def test_loader_names_the_problem(tmp_path, change, message):
    """Stand-in: a one-entry catalog in a temp folder, broken one way at a time."""
    make_entry(tmp_path, "e-one", change(GOOD.format(id="e-one")))
    with pytest.raises(CatalogError) as info:
        load_catalog(tmp_path)
    assert message in str(info.value)
    assert "e-one" in str(info.value)


def test_loader_order_and_samples(tmp_path):
    """Stand-in: a temp catalog of two entries, one with samples."""
    folder = make_entry(tmp_path, "b-entry")
    make_entry(tmp_path, "a-entry")
    (folder / "positive").mkdir()
    (folder / "positive" / "x.log").write_text("# source: made up\nboom  here\n")
    entries = load_catalog(tmp_path)
    assert [e.id for e in entries] == ["a-entry", "b-entry"]
    samples = load_samples(folder)
    assert [p.name for p in samples["positive"]] == ["x.log"] and samples["negative"] == []
    assert sample_lines(samples["positive"][0]) == [b"boom  here", b""]


def test_missing_catalog_folder(tmp_path):
    """Stand-in: a path that does not exist."""
    with pytest.raises(CatalogError, match="catalog folder not found"):
        load_catalog(tmp_path / "nope")
