"""Rules of one's own: catalog entries from $XDG_CONFIG_HOME/petstore-tui/catalog and
`--catalog DIR`, validated like the built-in ones, listed by `catalog list` and run
against their own samples by `catalog test DIR`; and how each finding was recognised."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from checks.catalog_entry import CatalogError
from checks.catalog_loader import load_catalog, user_catalog_dirs
from checks.engine import Engine
from checks.model import Finding, Severity, recognition_text
from petstore_tui import cli

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
BUILT_IN_ID = "fixture-addtags-denied"
ENTRY = """\
id: {id}
title: {title}
severity: error
sources: [app]
signatures:
  known: ['widget\\s+exploded']
  variant: ['widget\\s+went\\s+bang']
explanation: A widget failure of our own.
fix: {{summary: Replace the widget.}}
"""
POSITIVE = "# source: written for this test\nERROR widget  exploded at 10:00\nWARN widget went bang\n"
NEGATIVE = "# source: written for this test\nINFO widget checked, nothing exploded\n"


@pytest.fixture(autouse=True)
def fixture_catalog(monkeypatch):
    """Stand-in: the two-entry fixture catalog as the built-in one."""
    monkeypatch.setenv("PETSTORE_TUI_CATALOG", str(FIXTURES))


def make_entry(root: Path, entry_id: str, text: str | None = None, title: str = "Widget exploded",
               positive: str = POSITIVE, negative: str = NEGATIVE) -> Path:
    folder = root / entry_id
    folder.mkdir(parents=True)
    (folder / "failure.yaml").write_text(text if text is not None else ENTRY.format(id=entry_id, title=title))
    for kind, sample in (("positive", positive), ("negative", negative)):
        if sample:
            (folder / kind).mkdir()
            (folder / kind / "one.log").write_text(sample)
    return folder


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def log(tmp_path: Path, text: str = "ERROR widget exploded\n") -> str:
    path = tmp_path / "app.log"
    path.write_text(text)
    return str(path)


# ------------------------------------------------------------------ loading
def test_catalog_option_adds_entries_to_diagnose(tmp_path, capsys):
    """Stand-in: a user catalog folder in tmp_path, given with --catalog."""
    make_entry(tmp_path / "mine", "widget-exploded")
    code, out, err = run(capsys, "diagnose", "--json", "--catalog", str(tmp_path / "mine"), log(tmp_path))
    assert code == 1, err
    [finding] = json.loads(out)["findings"]
    assert finding["id"] == "widget-exploded"
    assert finding["recognition"] == {"kind": "known", "events": {"known": 1}}
    # the option also works before the sub-command, as the TUI takes it
    code, out, _ = run(capsys, "--catalog", str(tmp_path / "mine"), "diagnose", "--json", log(tmp_path))
    assert code == 1 and json.loads(out)["findings"][0]["id"] == "widget-exploded"


def test_config_folder_is_loaded_without_an_option(tmp_path, monkeypatch, capsys):
    """Stand-in: XDG_CONFIG_HOME pointing at tmp_path."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert user_catalog_dirs() == []  # absent: nothing to load, no error
    make_entry(tmp_path / "config" / "petstore-tui" / "catalog", "widget-exploded")
    code, out, _ = run(capsys, "diagnose", "--json", log(tmp_path))
    assert code == 1 and json.loads(out)["findings"][0]["id"] == "widget-exploded"


@pytest.mark.parametrize("command", [["diagnose", "LOG"], ["catalog", "list"], ["troubleshoot"],
                                     ["catalog", "test", "DIR"]])
def test_a_bad_user_entry_is_a_clear_error_naming_the_file(tmp_path, capsys, command):
    """Stand-in: a user entry with an unknown severity; the TUI command stops before any screen."""
    folder = make_entry(tmp_path / "mine", "widget-exploded",
                        ENTRY.format(id="widget-exploded", title="T").replace("severity: error", "severity: loud"))
    argv = [str(tmp_path / "mine") if arg == "DIR" else log(tmp_path) if arg == "LOG" else arg for arg in command]
    if command[0] != "catalog" or command[1] == "list":
        argv += ["--catalog", str(tmp_path / "mine")]
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert str(folder / "failure.yaml") in err and "unknown severity 'loud'" in err
    assert "Traceback" not in out + err


def test_the_tui_engine_loads_the_catalog_option(tmp_path):
    """Stand-in: the TUI's real service factory, not started; its engine is built as the
    troubleshooting panel builds it."""
    from petstore_core.settings import Target
    from petstore_tui.commands import tui

    make_entry(tmp_path / "mine", "widget-exploded")
    services = tui.build_services(Target(sandbox=True), (str(tmp_path / "mine"),))
    assert "widget-exploded" in services.make_engine().by_id
    assert tui.catalog_problem((str(tmp_path / "mine"),)) == ""
    assert "catalog folder not found" in tui.catalog_problem((str(tmp_path / "nope"),))


def test_a_missing_catalog_folder_is_an_error(tmp_path, capsys):
    """Stand-in: a path that does not exist."""
    code, _, err = run(capsys, "diagnose", "--catalog", str(tmp_path / "nope"), log(tmp_path))
    assert code == 2 and "catalog folder not found" in err


def test_a_built_in_id_is_refused_unless_the_entry_overrides_it(tmp_path):
    """Stand-in: user folders in tmp_path whose entry reuses the fixture catalog's id."""
    clash = tmp_path / "clash"
    make_entry(clash, BUILT_IN_ID)
    with pytest.raises(CatalogError, match="is a built-in entry; rename yours, or add `override: true`") as info:
        load_catalog(user_dirs=[clash])
    assert str(clash / BUILT_IN_ID / "failure.yaml") in str(info.value)

    override = tmp_path / "override"
    make_entry(override, BUILT_IN_ID, ENTRY.format(id=BUILT_IN_ID, title="Ours") + "override: true\n")
    entries = {e.id: e for e in load_catalog(user_dirs=[override])}
    assert entries[BUILT_IN_ID].title == "Ours" and entries[BUILT_IN_ID].overrides
    assert entries[BUILT_IN_ID].origin == str(override)
    assert entries["fixture-werkzeug-url-quote"].origin == "built-in"

    stray = tmp_path / "stray"
    make_entry(stray, "widget-exploded", ENTRY.format(id="widget-exploded", title="T") + "override: true\n")
    with pytest.raises(CatalogError, match="no built-in entry 'widget-exploded'"):
        load_catalog(user_dirs=[stray])


def test_two_user_folders_may_not_define_one_id(tmp_path):
    """Stand-in: two user folders with the same entry."""
    make_entry(tmp_path / "a", "widget-exploded")
    make_entry(tmp_path / "b", "widget-exploded")
    with pytest.raises(CatalogError, match=f"defined in {tmp_path / 'a'} too"):
        load_catalog(user_dirs=[tmp_path / "a", tmp_path / "b"])


def test_built_in_entries_cannot_say_override(tmp_path):
    """Stand-in: a one-entry base catalog that claims to override."""
    make_entry(tmp_path, "widget-exploded", ENTRY.format(id="widget-exploded", title="T") + "override: true\n")
    with pytest.raises(CatalogError, match="`override` is for user catalog entries only"):
        load_catalog(tmp_path)


def test_user_overlaps_may_name_built_in_entries_and_the_cache_keeps_them(tmp_path):
    """Stand-in: a user entry that overlaps a built-in one, loaded twice through a cache."""
    mine = tmp_path / "mine"
    make_entry(mine, "widget-exploded", ENTRY.format(id="widget-exploded", title="T") + f"overlaps: [{BUILT_IN_ID}]\n")
    cache = tmp_path / "cache"
    first = load_catalog(cache_dir=cache, user_dirs=[mine])
    assert load_catalog(cache_dir=cache, user_dirs=[mine]) == first
    assert len(list(cache.glob("catalog-*.json"))) == 2  # the base folder and the user folder
    (mine / "widget-exploded" / "failure.yaml").write_text(ENTRY.format(id="widget-exploded", title="Edited"))
    assert {e.id: e for e in load_catalog(cache_dir=cache, user_dirs=[mine])}["widget-exploded"].title == "Edited"
    make_entry(mine, "widget-missing")
    assert "widget-missing" in {e.id for e in load_catalog(cache_dir=cache, user_dirs=[mine])}


def test_signature_kinds_are_validated(tmp_path):
    """Stand-in: a user entry with a signature kind the catalog does not know."""
    text = ENTRY.format(id="widget-exploded", title="T").replace("variant:", "guess:")
    make_entry(tmp_path / "mine", "widget-exploded", text)
    with pytest.raises(CatalogError, match="unknown signature kind\\(s\\): guess"):
        load_catalog(user_dirs=[tmp_path / "mine"])


# ------------------------------------------------------------------ recognition
@pytest.mark.parametrize("matcher", ["python", "hyperscan"])
def test_findings_count_how_their_events_were_recognised(tmp_path, matcher):
    """Stand-in: a user entry with a known and a variant signature; one event matching
    both counts once, as the more confident kind."""
    if matcher == "hyperscan":
        pytest.importorskip("hyperscan", reason="Hyperscan does not install on this machine")
    make_entry(tmp_path / "mine", "widget-exploded")
    engine = Engine(load_catalog(user_dirs=[tmp_path / "mine"]), matcher=matcher)
    for line in ("widget exploded", "widget went bang", "widget went bang", "widget exploded, widget went bang"):
        engine.feed(line)
    engine.flush()
    [finding] = [f for f in engine.findings() if f.failure_id == "widget-exploded"]
    assert finding.count == 4
    assert finding.recognition == {"known": 2, "variant": 2}
    assert finding.recognised_as == "known"
    assert recognition_text(finding) == "known wording (2), a variant wording (2)"


def test_probe_findings_have_no_recognition():
    """Stand-in: a Finding made by hand, as a live probe makes it."""
    finding = Finding("x", "t", Severity.ERROR, "r", "probe:x")
    assert finding.recognised_as is None and recognition_text(finding) == ""


# ------------------------------------------------------------------ ruled_out_by
RULED_OUT = ENTRY + "ruled_out_by: ['\\bgadget-service\\b', 'reconcile\\s+(?!widgets\\b)\\w+:']\n"
OTHER_CALLER = "# source: t\nERROR gadget-service: widget exploded\n"


@pytest.mark.parametrize("matcher", ["python", "hyperscan"])
def test_ruled_out_by_keeps_another_programs_line_quiet_on_every_path(tmp_path, matcher, capsys):
    """Stand-in: a user entry whose wording another program (gadget-service) also prints;
    the caller's name, or its own words around the line (a look-ahead: `re` only), in the
    same event rule the finding out on the line path, the bulk path and the CLI."""
    if matcher == "hyperscan":
        pytest.importorskip("hyperscan", reason="Hyperscan does not install on this machine")
    mine = tmp_path / "mine"
    make_entry(mine, "widget-exploded", RULED_OUT.format(id="widget-exploded", title="T"), negative=OTHER_CALLER)
    engine = Engine(load_catalog(user_dirs=[mine]), matcher=matcher)
    lines = ["ERROR gadget-service: widget exploded", "failed to reconcile gadgets: widget went bang",
             "failed to reconcile widgets: widget went bang", "ERROR widget exploded", "gadget-service started"]
    for line in lines:
        engine.feed(line)
    engine.flush()
    [finding] = engine.findings()
    assert (finding.failure_id, finding.count) == ("widget-exploded", 2)
    assert "gadget" not in " ".join(finding.evidence)
    engine.reset()
    engine.scan_bytes("\n".join(lines).encode())
    assert [(f.failure_id, f.count) for f in engine.findings()] == [("widget-exploded", 2)]
    code, out, err = run(capsys, "diagnose", "--json", "--catalog", str(mine), log(tmp_path, lines[0] + "\n"))
    assert (code, json.loads(out)["findings"]) == (0, []), err


@pytest.mark.parametrize("matcher", ["python", "hyperscan"])
def test_ruled_out_by_reads_the_next_line_only_as_far_as_the_signature_did(tmp_path, matcher):
    """Stand-in: a user entry with a signature that reads on into the next line (as a table
    header and its row do); the caller in that line rules the finding out, while a caller in
    a next line no signature read into does not."""
    if matcher == "hyperscan":
        pytest.importorskip("hyperscan", reason="Hyperscan does not install on this machine")
    text = ENTRY.format(id="widget-exploded", title="T").replace(
        "  variant: ['widget\\s+went\\s+bang']",
        "  variant: ['widget\\s+went\\s+bang']\n  structural: ['widget\\s+report:[ \\t]*\\n[^\\n]*\\bfailed']")
    make_entry(tmp_path / "mine", "widget-exploded", text + "ruled_out_by: ['gadget-service']\n")
    engine = Engine(load_catalog(user_dirs=[tmp_path / "mine"]), matcher=matcher)
    lines = ["widget report:", "gadget-service failed", "widget report:", "stage 2 failed",
             "ERROR widget exploded", "gadget-service started"]
    for path in ("lines", "bulk"):
        engine.reset()
        if path == "lines":
            engine.feed_many(lines)
        else:
            engine.scan_bytes("\n".join(lines).encode())
        engine.flush()
        [finding] = engine.findings()
        assert (finding.count, finding.recognition) == (2, {"known": 1, "structural": 1}), path


def test_ruled_out_by_is_validated_and_cached(tmp_path):
    """Stand-in: user entries with a broken, an empty-matching and a non-list `ruled_out_by`,
    and a good one loaded twice through the catalog cache."""
    for number, (value, message) in enumerate((("['(unclosed']", "ruled_out_by 1 does not compile in Python re"),
                           ("['ok', 'x*']", "ruled_out_by 2 matches the empty string"),
                           ("{a: b}", "`ruled_out_by` must be a list of non-empty strings"))):
        folder = tmp_path / f"bad{number}"
        make_entry(folder, "widget-exploded", ENTRY.format(id="widget-exploded", title="T") + f"ruled_out_by: {value}\n")
        with pytest.raises(CatalogError, match=f"failure.yaml: {re.escape(message)}"):
            load_catalog(user_dirs=[folder])
    mine = tmp_path / "mine"
    make_entry(mine, "widget-exploded", RULED_OUT.format(id="widget-exploded", title="T"))
    cache = tmp_path / "cache"
    first = load_catalog(cache_dir=cache, user_dirs=[mine])
    assert load_catalog(cache_dir=cache, user_dirs=[mine]) == first
    assert {e.id: e for e in first}["widget-exploded"].ruled_out_by == ("\\bgadget-service\\b", "reconcile\\s+(?!widgets\\b)\\w+:")


def test_catalog_test_wants_a_negative_for_each_ruled_out_by(tmp_path, capsys):
    """Stand-in: a user entry with two `ruled_out_by` patterns and a negative sample in the
    wording of one caller only."""
    mine = tmp_path / "mine"
    make_entry(mine, "widget-exploded", RULED_OUT.format(id="widget-exploded", title="T"), negative=OTHER_CALLER)
    code, out, _ = run(capsys, "catalog", "test", "--json", str(mine))
    assert code == 1
    [problem] = [c["problem"] for c in json.loads(out)["checks"] if not c["ok"]]
    assert problem.startswith("ruled_out_by 2 matches none of the negative samples")
    (mine / "widget-exploded" / "negative" / "two.log").write_text("# source: t\nfailed to reconcile gadgets: widget went bang\n")
    code, out, err = run(capsys, "catalog", "test", str(mine))
    assert code == 0, out + err


# ------------------------------------------------------------------ catalog list / test
def test_catalog_list_says_where_each_entry_came_from(tmp_path, capsys):
    """Stand-in: the fixture catalog plus a user folder with one new and one overriding entry."""
    mine = tmp_path / "mine"
    make_entry(mine, "widget-exploded")
    make_entry(mine, BUILT_IN_ID, ENTRY.format(id=BUILT_IN_ID, title="Ours") + "override: true\n")
    code, out, err = run(capsys, "catalog", "list", "--json", "--catalog", str(mine))
    assert code == 0, err
    document = json.loads(out)
    origins = {row["id"]: (row["origin"], row["overrides"]) for row in document["entries"]}
    assert origins == {BUILT_IN_ID: (str(mine), True), "fixture-werkzeug-url-quote": ("built-in", False),
                       "widget-exploded": (str(mine), False)}
    assert document["entries"][-1]["signatures"] == {"known": 1, "variant": 1, "structural": 0}
    code, out, _ = run(capsys, "catalog", "list", "--catalog", str(mine))
    assert code == 0
    assert "(overrides built-in)" in out and "3 entries (1 built in, 2 from user folders)" in out


def test_catalog_test_passes_good_samples(tmp_path, capsys):
    """Stand-in: a user folder whose entry's samples are right."""
    make_entry(tmp_path / "mine", "widget-exploded")
    code, out, err = run(capsys, "catalog", "test", str(tmp_path / "mine"))
    assert code == 0, out + err
    assert "1 entries, 2 samples" in out and "all passed" in out


def test_catalog_test_names_every_failing_sample(tmp_path, capsys):
    """Stand-in: a positive that does not fire, a negative that does, one that cross-fires a
    built-in entry, and an entry without negatives."""
    mine = tmp_path / "mine"
    make_entry(mine, "widget-exploded", positive="# source: t\nwidget is fine\n",
               negative="# source: t\nwidget exploded\n")
    make_entry(mine, "widget-greedy", ENTRY.format(id="widget-greedy", title="T").replace(
        "widget\\s+exploded", "authorized"), negative="",
        positive="# source: t\nwidget exploded: not authorized to perform: elasticloadbalancing:AddTags\n")
    code, out, _ = run(capsys, "catalog", "test", "--json", str(mine))
    assert code == 1
    report = json.loads(out)
    failed = {(c["id"], Path(c["sample"]).parent.name if c["sample"] else "", c["problem"].split(" (")[0])
              for c in report["checks"] if not c["ok"]}
    assert failed == {
        ("widget-exploded", "positive", "does not fire widget-exploded"),
        ("widget-exploded", "negative", "fires widget-exploded"),
        ("widget-exploded", "", "signature 1"),  # ... matches none of the positive samples
        ("widget-exploded", "", "signature 2"),
        ("widget-greedy", "", "signature 2"),
        ("widget-greedy", "", "no negative sample"),
        ("widget-greedy", "positive", f"also fires {BUILT_IN_ID}; list one in the other's `overlaps` or tighten the signatures"),
    }
    code, out, _ = run(capsys, "catalog", "test", str(mine))
    assert code == 1 and "FAIL  positive" in out and "7 failed" in out
    assert "signature 2 (variant) matches none of the positive samples" in out


def test_catalog_test_takes_one_entry_folder(tmp_path, capsys):
    """Stand-in: a user folder of two entries, one of them broken; only the good one is named."""
    make_entry(tmp_path / "mine", "widget-exploded")
    make_entry(tmp_path / "mine", "widget-broken", ENTRY.format(id="widget-broken", title="T").replace(
        "widget\\s", "gadget\\s"), positive="# source: t\nall quiet\n")
    code, out, err = run(capsys, "catalog", "test", str(tmp_path / "mine" / "widget-exploded"))
    assert code == 0, out + err
    assert "widget-broken" not in out and "1 entries, 2 samples" in out
    assert run(capsys, "catalog", "test", str(tmp_path / "mine"))[0] == 1


def test_catalog_test_usage_errors_exit_2(tmp_path, capsys):
    """Stand-in: a missing folder and an empty one."""
    assert run(capsys, "catalog", "test", str(tmp_path / "nope"))[0] == 2
    (tmp_path / "empty").mkdir()
    code, _, err = run(capsys, "catalog", "test", str(tmp_path / "empty"))
    assert code == 2 and "no catalog entries in" in err


def test_catalog_test_runs_the_built_in_folder_as_itself(capsys):
    """Stand-in: the fixture catalog given as the folder to test (no id clash with itself)."""
    code, out, err = run(capsys, "catalog", "test", str(FIXTURES))
    assert code == 0, out + err
    assert "2 entries" in out


def test_the_tui_start_validates_only_what_the_operator_brought(tmp_path, monkeypatch):
    """A start with no catalog of the operator's does not load the catalog before the
    first frame (the engine loads it later); a config folder, `--catalog` or
    PETSTORE_TUI_CATALOG is still validated up front. Stand-in: load_catalog replaced by
    a recorder that refuses everything."""
    import checks.catalog_loader
    from petstore_tui.commands import tui

    asked = []

    def refuse(**kwargs):
        asked.append(kwargs["user_dirs"])
        raise CatalogError("refused")

    monkeypatch.setattr(checks.catalog_loader, "load_catalog", refuse)
    monkeypatch.delenv("PETSTORE_TUI_CATALOG", raising=False)
    assert tui.catalog_problem(()) == "" and asked == []
    make_entry(tmp_path / "mine", "widget-exploded")
    assert tui.catalog_problem((str(tmp_path / "mine"),)) == "refused"
    with monkeypatch.context() as env:
        env.setenv("PETSTORE_TUI_CATALOG", str(tmp_path / "mine"))
        assert tui.catalog_problem(()) == "refused"
    make_entry(Path(os.environ["XDG_CONFIG_HOME"]) / "petstore-tui" / "catalog", "widget-exploded")
    assert tui.catalog_problem(()) == "refused"
    assert len(asked) == 3


def test_a_bad_entry_in_the_config_folder_stops_a_bare_start(tmp_path, monkeypatch, capsys):
    """`petstore-tui` with nothing on its command line still finds the operator's config
    folder before the screen opens, now that a start without one skips the loader.
    Stand-in: App.run replaced by a recorder (it must not be reached)."""
    from petstore_tui.app import PetstoreApp

    monkeypatch.delenv("PETSTORE_TUI_CATALOG")
    monkeypatch.setattr(PetstoreApp, "run", lambda self: pytest.fail("the app opened"))
    folder = make_entry(Path(os.environ["XDG_CONFIG_HOME"]) / "petstore-tui" / "catalog", "widget-exploded",
                        ENTRY.format(id="widget-exploded", title="T").replace("severity: error", "severity: loud"))
    code, _, err = run(capsys)
    assert code == 2
    assert str(folder / "failure.yaml") in err and "unknown severity 'loud'" in err


# ------------------------------------------------------------------ ack
def test_ack_knows_the_operators_own_entries(tmp_path, capsys):
    """`diagnose` reports a finding of the operator's own entry (the config folder or
    `--catalog DIR`); `ack` must accept its id instead of calling it unknown. Stand-ins: a
    user entry in $XDG_CONFIG_HOME/petstore-tui/catalog and one in tmp_path given with
    --catalog; the temp state folder (conftest) holding acks.json."""
    make_entry(Path(os.environ["XDG_CONFIG_HOME"]) / "petstore-tui" / "catalog", "widget-exploded")
    code, out, err = run(capsys, "ack", "widget-exploded:app.log", "--reason", "noisy in staging")
    assert code == 0, err
    assert "acknowledged widget-exploded:app.log" in out
    make_entry(tmp_path / "mine", "gadget-exploded", title="Gadget exploded")
    code, out, err = run(capsys, "--catalog", str(tmp_path / "mine"), "ack", "gadget-exploded", "--reason", "known")
    assert code == 0, err
    code, _, err = run(capsys, "ack", "no-such-id", "--reason", "x")
    assert code == 2 and "unknown catalog id 'no-such-id'" in err
    assert "petstore-tui catalog list" in err  # where an operator (not a checkout) finds the ids


def test_a_file_given_for_a_catalog_folder_is_named_as_a_file(tmp_path, capsys):
    """Stand-in: a user entry in tmp_path and a log file beside it. `catalog test FILE`
    said "catalog folder not found" of a file that is there; an entry's failure.yaml
    tests that entry, as its folder does."""
    mine = tmp_path / "mine"
    make_entry(mine, "widget-exploded")
    code, out, err = run(capsys, "catalog", "test", str(mine / "widget-exploded" / "failure.yaml"))
    assert code == 0 and "widget-exploded" in out, out + err
    code, _, err = run(capsys, "catalog", "test", log(tmp_path))
    assert code == 2 and "not found" not in err
    assert "is a file, not a catalog folder" in err, err
    code, _, err = run(capsys, "diagnose", "--catalog", log(tmp_path), log(tmp_path))
    assert code == 2 and "is a file, not a catalog folder" in err, err
