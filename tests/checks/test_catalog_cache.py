"""The compiled catalog cache (checks/catalog_loader.py): a hit skips YAML and validation,
any change to a failure.yaml (or a new or removed entry) means the full load again, and a
damaged cache file is ignored."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from checks import catalog_loader
from checks.catalog_entry import CatalogError
from checks.catalog_loader import CATALOG_DIR, load_catalog

ENTRY = """\
id: {id}
title: {title}
severity: error
sources: [app, terraform]
signatures: ['boom\\s+here', 'kaboom']
resource: 'pod/(?P<resource>\\S+)'
explanation: |
  Why it happens.
fix:
  summary: S
  steps: [one, two]
  commands: ['kubectl get pods']
  files: [terraform/main.tf]
docs: [https://example.com/doc]
extra: {{action: 'ec2:CreateTags', since: v2.5.0, nested: {{list: [1, 2.5, true, null]}}}}
"""


def make_entry(root: Path, entry_id: str, title: str = "T", text: str | None = None) -> Path:
    folder = root / entry_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "failure.yaml").write_text(text if text is not None else ENTRY.format(id=entry_id, title=title))
    return folder


@pytest.fixture
def counted_loads(monkeypatch):
    """Stand-in: load_entry wrapped to count the failure.yaml files parsed (0 on a hit)."""
    calls: list[str] = []
    real = catalog_loader.load_entry

    def counting(entry_dir, *args):
        calls.append(Path(entry_dir).name)
        return real(entry_dir, *args)

    monkeypatch.setattr(catalog_loader, "load_entry", counting)
    return calls


def cache_files(cache: Path) -> list[Path]:
    return sorted(cache.glob("catalog-*.json"))


def test_hit_returns_the_same_catalog_without_parsing(tmp_path, counted_loads):
    """Stand-in: a two-entry catalog and a cache folder in tmp_path."""
    root, cache = tmp_path / "catalog", tmp_path / "cache"
    make_entry(root, "b-entry")
    make_entry(root, "a-entry")
    first = load_catalog(root, cache_dir=cache)
    assert counted_loads == ["a-entry", "b-entry"] and len(cache_files(cache)) == 1
    counted_loads.clear()
    second = load_catalog(root, cache_dir=cache)
    assert counted_loads == []  # a hit: no YAML, no regex compile
    assert second == first == load_catalog(root)
    assert second[0].extra == {"action": "ec2:CreateTags", "since": "v2.5.0",
                               "nested": {"list": [1, 2.5, True, None]}}
    assert [s.value for s in second[0].sources] == ["app", "terraform"]
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no temp file left


def test_the_real_catalog_round_trips(tmp_path, counted_loads):
    """Stand-in: a cache folder in tmp_path; the catalog is checks/catalog."""
    fresh = load_catalog(CATALOG_DIR, cache_dir=tmp_path)
    counted_loads.clear()
    cached = load_catalog(CATALOG_DIR, cache_dir=tmp_path)
    assert counted_loads == []
    assert cached == fresh == load_catalog(CATALOG_DIR)


def test_a_changed_failure_yaml_is_loaded_and_validated_again(tmp_path, counted_loads):
    """Stand-in: a temp catalog whose entry is edited, broken, added to and removed from."""
    root, cache = tmp_path / "catalog", tmp_path / "cache"
    make_entry(root, "a-entry")
    folder = make_entry(root, "b-entry")
    load_catalog(root, cache_dir=cache)
    path = folder / "failure.yaml"
    stat = path.stat()
    # same size and the old mtime put back: the ctime (and the content) still changed
    path.write_text(ENTRY.format(id="b-entry", title="U"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    counted_loads.clear()
    assert load_catalog(root, cache_dir=cache)[1].title == "U"
    assert counted_loads == ["a-entry", "b-entry"]
    counted_loads.clear()
    assert load_catalog(root, cache_dir=cache)[1].title == "U" and counted_loads == []

    # an invalid edit is reported, however valid the cached catalog was
    path.write_text(ENTRY.format(id="b-entry", title="U").replace("severity: error", "severity: fatal"))
    with pytest.raises(CatalogError, match="unknown severity 'fatal'"):
        load_catalog(root, cache_dir=cache)
    path.write_text(ENTRY.format(id="b-entry", title="V"))
    assert load_catalog(root, cache_dir=cache)[1].title == "V"

    make_entry(root, "c-entry")
    assert [e.id for e in load_catalog(root, cache_dir=cache)] == ["a-entry", "b-entry", "c-entry"]
    (root / "c-entry" / "failure.yaml").unlink()
    with pytest.raises(CatalogError, match="missing"):
        load_catalog(root, cache_dir=cache)
    (root / "c-entry").rmdir()
    assert [e.id for e in load_catalog(root, cache_dir=cache)] == ["a-entry", "b-entry"]


@pytest.mark.parametrize("damage", [
    lambda text: "garbage",
    lambda text: text[: len(text) // 2],
    lambda text: "",
    lambda text: json.dumps([1, 2]),
    lambda text: text.replace('"severity": "error"', '"severity": "fatal"'),
    lambda text: text.replace('"signatures": [', '"signatures": [7, '),
    lambda text: text.replace('"fix": {', '"fix": {"x": 1, "nope": ').replace('"summary": "S"', '"s": "S"'),
    lambda text: text.replace('"id": "b-entry"', '"id": "z-entry"'),
    lambda text: text.replace('"overlaps": []', '"overlaps": ["nowhere"]'),
])
def test_a_damaged_cache_falls_back_to_the_yaml(tmp_path, counted_loads, damage):
    """Stand-in: a cache file overwritten with garbage, truncated or edited by hand."""
    root, cache = tmp_path / "catalog", tmp_path / "cache"
    make_entry(root, "a-entry")
    make_entry(root, "b-entry")
    good = load_catalog(root, cache_dir=cache)
    [cache_file] = cache_files(cache)
    cache_file.write_text(damage(cache_file.read_text()))
    counted_loads.clear()
    assert load_catalog(root, cache_dir=cache) == good
    assert counted_loads == ["a-entry", "b-entry"]  # the full load ran
    counted_loads.clear()
    assert load_catalog(root, cache_dir=cache) == good and counted_loads == []  # and was cached again


def test_what_json_cannot_hold_is_never_cached(tmp_path, counted_loads):
    """Stand-in: an entry whose `extra` holds a YAML date (JSON would turn it into a string)."""
    root, cache = tmp_path / "catalog", tmp_path / "cache"
    make_entry(root, "a-entry", text=ENTRY.format(id="a-entry", title="T").replace("since: v2.5.0", "since: 2024-01-02"))
    first = load_catalog(root, cache_dir=cache)
    counted_loads.clear()
    second = load_catalog(root, cache_dir=cache)
    assert second == first and counted_loads == ["a-entry"]
    assert cache_files(cache) == []


def test_an_unwritable_cache_folder_costs_nothing_but_time(tmp_path):
    """Stand-in: a cache "folder" that is a file."""
    root = tmp_path / "catalog"
    make_entry(root, "a-entry")
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    assert load_catalog(root, cache_dir=blocker) == load_catalog(root)


def test_diagnose_writes_and_uses_the_cache(tmp_path, monkeypatch, capsys, counted_loads):
    """Stand-in: the conftest's temp state folder; diagnose twice on one log."""
    from petstore_core.settings import state_dir
    from petstore_tui import cli

    log = tmp_path / "x.log"
    log.write_text("ImportError: cannot import name 'url_quote' from 'werkzeug.urls'\n")
    outputs = []
    for _ in range(2):
        counted_loads.clear()
        code = cli.main(["diagnose", "--json", str(log)])
        document = json.loads(capsys.readouterr().out)
        for key in ("generated_at", "seconds"):
            document.pop(key)
        for finding in document["findings"]:  # clock times: two slow runs may differ
            finding.pop("first_seen", None)
            finding.pop("last_seen", None)
        outputs.append((code, document, list(counted_loads)))
    assert outputs[0][0] == outputs[1][0] == 1
    assert outputs[0][1] == outputs[1][1]
    assert outputs[0][2] and outputs[1][2] == []
    assert len(cache_files(state_dir() / "cache")) == 1
