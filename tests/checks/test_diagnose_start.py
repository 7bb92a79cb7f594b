"""What `diagnose` of a file spares its start (issue 14, round 14 of
docs/knowledge/diagnose-speed.md): the parsers of the commands not asked for, the
catalog's opcodes read as lists of ints, and the signatures' repr three times over. Each
saving keeps the answer: the same help, errors and patterns, the same cache names."""

from __future__ import annotations

import argparse
import marshal
import os
import re
from pathlib import Path

import pytest

from checks.catalog_loader import load_catalog
from checks.engine import compiled as compiled_cache
from checks.engine import hs_backend
from checks.engine import matcher as matcher_module
from checks.engine.core import catalog_signatures
from petstore_tui import cli


def _commands(parser: argparse.ArgumentParser) -> list[str]:
    [subparsers] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return list(subparsers.choices)


def _whole(argv: list[str]) -> argparse.ArgumentParser:
    """The parser of every command with argv's command given its arguments (an option
    first: the command is not argv's first token)."""
    parser = cli.build_parser(["--sandbox", *argv])
    assert _commands(parser) == list(cli.COMMANDS)
    return parser


def test_a_command_given_first_builds_only_its_own_parser():
    """Stand-in: none. `petstore-tui diagnose --json FILE` built all eleven parsers, each
    with its target options and gettext look-ups (~3 ms of every headless start)."""
    assert _commands(cli.build_parser(["diagnose", "--json", "x.log"])) == ["diagnose"]
    assert _commands(cli.build_parser(["catalog", "list"])) == ["catalog"]
    # not first: another token could be the command (an option's value), so all of them
    assert _commands(cli.build_parser(["--profile", "diagnose", "drill"])) == list(cli.COMMANDS)
    assert _commands(cli.build_parser(["--help", "diagnose"])) == list(cli.COMMANDS)


@pytest.mark.parametrize("argv", [
    ["diagnose", "--bogus"],
    ["diagnose", "x.log", "extra", "--what"],
    ["diagnose", "--min-severity", "nope", "x.log"],
    ["diagnose", "-o", "yaml", "x.log"],
    ["catalog", "bogus"],
    ["fix", "--bogus"],
])
def test_the_partial_parser_answers_errors_as_the_whole_one(argv, capsys):
    """Stand-in: none. An error names every command in its usage line, as before."""
    answers = []
    for parser in (cli.build_parser(argv), _whole(argv)):
        with pytest.raises(SystemExit) as exited:
            parser.parse_args(argv)
        answers.append((exited.value.code, capsys.readouterr()))
    assert answers[0] == answers[1]
    assert answers[0][0] == 2


def test_the_partial_parser_gives_the_whole_help_and_the_commands_own(monkeypatch):
    """Stand-in: none; $COLUMNS fixed so both are formatted alike."""
    monkeypatch.setenv("COLUMNS", "100")
    argv = ["diagnose", "--json", "x.log"]
    partial, whole = cli.build_parser(argv), _whole(argv)
    assert partial.format_help() == whole.format_help()
    assert partial.format_usage() == whole.format_usage()
    assert "preflight" in partial.format_help()

    def diagnose_help(parser):
        [subparsers] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return subparsers.choices["diagnose"].format_help()

    assert diagnose_help(partial) == diagnose_help(whole)
    assert partial.parse_args(argv) == whole.parse_args(argv)


def _items() -> list[tuple[bytes | str, int]]:
    catalog = load_catalog()
    items = [(s.encode(), re.IGNORECASE | re.MULTILINE) for e in catalog for s in e.signatures]
    return items + [(e.resource_pattern, re.IGNORECASE) for e in catalog if e.resource_pattern]


def test_stored_patterns_keep_their_opcodes_packed(tmp_path, monkeypatch):
    """Stand-in: a temp cache folder, the built-in catalog's patterns. The opcodes are one
    string a pattern (marshal read the catalog's ~246,000 ints one by one: ~6 ms a start);
    rebuilt, every pattern is re.compile's; a half-written or old-layout file is compiled
    afresh."""
    items = _items()
    expected = [re.compile(pattern, flags) for pattern, flags in items]
    assert compiled_cache.compile_all(items, tmp_path) == expected
    [stored] = tmp_path.glob("regex-*.marshal")
    _build, _items_stored, parts = marshal.loads(stored.read_bytes())
    assert all(type(part[1]) is bytes for part in parts)
    calls = []
    real_compile = re.compile
    monkeypatch.setattr(compiled_cache.re, "compile", lambda *a: calls.append(a) or real_compile(*a))
    again = compiled_cache.compile_all(items, tmp_path)
    assert calls == [] and again == expected
    assert [p.groupindex for p in again] == [p.groupindex for p in expected]
    data = stored.read_bytes()
    stored.write_bytes(data[:len(data) // 2])  # half a file
    assert compiled_cache.compile_all(items, tmp_path) == expected and len(calls) == len(items)
    calls.clear()
    # the earlier layout (opcodes as lists) under this layout's name: not taken for it
    build, stored_items, packed = marshal.loads(stored.read_bytes())
    stored.write_bytes(marshal.dumps((build, stored_items, [compiled_cache._unpack(p) for p in packed])))
    assert compiled_cache.compile_all(items, tmp_path) == expected and len(calls) == len(items)


@pytest.mark.skipif(not hs_backend.available(), reason="needs Hyperscan (system library or wheel)")
def test_database_names_are_those_of_every_earlier_run():
    """Stand-in: none. The name's key is written once a catalog now; every name stays the
    one earlier runs stored their databases under (a new name costs the catalog's compile,
    ~35 s)."""
    from checks.engine.compiled import blake2b

    backend = hs_backend.load()

    def earlier(signatures, role):
        machine = os.uname().machine if hasattr(os, "uname") else os.name
        flags = backend.HS_FLAG_CASELESS | backend.HS_FLAG_MULTILINE
        key = (backend.version, machine, flags, tuple(signatures), matcher_module.DAMAGE_TRIGGERS,
               matcher_module.WRAP_MARKS, matcher_module.PHRASE_LAYOUT, role)
        return Path("/cache") / f"hyperscan-{blake2b(repr(key).encode()).hexdigest()[:32]}.db"

    signatures = catalog_signatures(load_catalog())
    for chosen in (signatures, signatures[:1], [], ["it's \"quoted\"", "caf\u00e9\\s+ol\u00e9"]):
        for role in ("block", "short", "phrases"):
            assert matcher_module.database_cache_file(backend, chosen, "/cache", role) == earlier(chosen, role)
