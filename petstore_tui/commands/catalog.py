"""`petstore-tui catalog list|test|warm`: the known failures and where each came from, the
operator's own entries run against their own samples, and the compile paid ahead."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from petstore_core.settings import state_dir
from petstore_tui.commands.catalog_warm import add_warm_parser, warm

JSON_VERSION = 1


def add_catalog_option(parser: argparse.ArgumentParser) -> None:
    """`--catalog DIR` as diagnose, troubleshoot, the TUI and `catalog list` take it.
    SUPPRESS: the top-level parser's value survives a sub-command that is not given one."""
    parser.add_argument("--catalog", action="append", default=argparse.SUPPRESS, metavar="DIR",
                        help="also load catalog entries from DIR (repeatable; besides "
                             "$XDG_CONFIG_HOME/petstore-tui/catalog)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="catalog_action", metavar="ACTION")
    listing = actions.add_parser("list", help="every entry: built in or from a user catalog folder",
                                 description="Every catalog entry a diagnose run would load, and where it came from.")
    listing.add_argument("--json", action="store_true", help="machine-readable output")
    add_catalog_option(listing)
    testing = actions.add_parser("test", help="run entries' own samples and say which fail",
                                 description="Load DIR's entries with the same checks as the built-in "
                                             "ones, then run each entry's positive/*.log (must fire it, "
                                             "and every signature must match one of them) and "
                                             "negative/*.log (must not fire it). Exit 0 all pass, 1 a "
                                             "sample or signature fails, 2 the catalog does not load.")
    testing.add_argument("dirs", nargs="+", metavar="DIR",
                         help="a catalog folder (one sub-folder per entry), or one entry's folder")
    testing.add_argument("--json", action="store_true", help="machine-readable output")
    add_catalog_option(add_warm_parser(actions))


def run(args: argparse.Namespace, target) -> int:
    # start-up: `catalog --help` does not load these
    from checks.catalog_entry import CatalogError

    action = getattr(args, "catalog_action", None)
    if action is None:
        return _fail("give an action: list, test or warm (see --help)")
    try:
        if action == "list":
            return _list(args)
        if action == "warm":
            return warm(args)
        return _test(args)
    except CatalogError as exc:
        return _fail(str(exc))


def _fail(message: str) -> int:
    # start-up: `catalog --help` does not load these
    from petstore_core.redact import redact

    print(f"petstore-tui catalog: {redact(message)}", file=sys.stderr)
    return 2


def _load(extra_dirs) -> tuple:
    # start-up: `catalog --help` does not load these
    from checks.catalog_loader import load_catalog, user_catalog_dirs

    folders = user_catalog_dirs(extra_dirs)
    return load_catalog(cache_dir=state_dir() / "cache", user_dirs=folders), folders


# ------------------------------------------------------------------ list
def _list(args) -> int:
    # start-up: `catalog --help` does not load these
    from checks.model import RECOGNITION_KINDS

    entries, folders = _load(getattr(args, "catalog", None) or ())
    rows = []
    for entry in entries:
        counts = {kind: 0 for kind in RECOGNITION_KINDS}
        for number in range(len(entry.signatures)):
            counts[entry.signature_kind(number)] += 1
        rows.append({"id": entry.id, "title": entry.title, "severity": entry.severity.value,
                     "sources": [s.value for s in entry.sources], "signatures": counts,
                     "origin": entry.origin, "overrides": entry.overrides})
    if args.json:
        print(json.dumps({"version": JSON_VERSION, "user_folders": [str(f) for f in folders],
                          "entries": rows}, indent=2, ensure_ascii=False))
        return 0
    width = max((len(row["id"]) for row in rows), default=2)
    print(f"{'ID':<{width}}  {'SEVERITY':<8}  SIGNATURES  ORIGIN")
    for row in rows:
        counts = row["signatures"]
        shape = "/".join(str(counts[k]) for k in RECOGNITION_KINDS)
        origin = row["origin"] + (" (overrides built-in)" if row["overrides"] else "")
        print(f"{row['id']:<{width}}  {row['severity']:<8}  {shape:<10}  {origin}")
    user = sum(1 for row in rows if row["origin"] != "built-in")
    print(f"\n{len(rows)} entries ({len(rows) - user} built in, {user} from user folders); "
          "signatures counted as known/variant/structural")
    return 0


# ------------------------------------------------------------------ test
def _test(args) -> int:
    # start-up: `catalog --help` does not load these
    from checks.catalog_check import check_entry
    from checks.catalog_entry import CatalogError
    from checks.catalog_loader import base_catalog_dir, not_a_folder  # start-up
    from checks.engine import Engine  # start-up
    from checks.engine.matcher import hyperscan_available  # start-up
    from checks.model import BUILT_IN  # start-up

    # DIR is a catalog folder, or one entry's folder (it holds a failure.yaml): then only
    # that entry of its parent folder is tested
    wanted: dict[Path, set[str] | None] = {}
    for raw in args.dirs:
        folder = Path(raw).expanduser()
        if folder.name == "failure.yaml" and folder.is_file():
            folder = folder.parent  # an entry's own file: that entry
        if not folder.is_dir():
            raise CatalogError(not_a_folder(folder))
        if (folder / "failure.yaml").is_file():
            ids = wanted.setdefault(folder.resolve().parent, set())
            if ids is not None:
                ids.add(folder.resolve().name)
        else:
            wanted[folder.resolve()] = None
    # the built-in folder is tested as itself, never loaded a second time as a user one
    base = base_catalog_dir().resolve()
    entries, _folders = _load([folder for folder in wanted if folder != base])

    def chosen_entry(entry) -> bool:
        folder = base if entry.origin == BUILT_IN else Path(entry.origin).resolve()
        return folder in wanted and (wanted[folder] is None or entry.id in wanted[folder])

    chosen = [(entry, _entry_dir(entry)) for entry in entries if chosen_entry(entry)]
    if not chosen:
        raise CatalogError(f"no catalog entries in {', '.join(args.dirs)}")
    matchers = ["python"] + (["hyperscan"] if hyperscan_available() else [])
    engines = {name: Engine(entries, matcher=name) for name in matchers}
    checks = [check for entry, folder in chosen for check in check_entry(entry, folder, engines)]
    failed = [c for c in checks if not c.ok]
    if args.json:
        print(json.dumps({
            "version": JSON_VERSION, "matchers": matchers,
            "entries": [entry.id for entry, _ in chosen],
            "checks": [{"id": c.entry_id, "sample": c.sample or None, "kind": c.kind,
                        "ok": c.ok, "problem": c.problem or None} for c in checks],
            "failed": len(failed),
        }, indent=2, ensure_ascii=False))
    else:
        for check in checks:
            where = check.sample or check.entry_id
            print(f"{'ok  ' if check.ok else 'FAIL'}  {check.kind:<8}  {where}"
                  + (f"\n      {check.problem}" if check.problem else ""))
        samples = sum(1 for c in checks if c.kind != "entry")
        print(f"\n{len(chosen)} entries, {samples} samples, matchers {', '.join(matchers)}: "
              + (f"{len(failed)} failed" if failed else "all passed"))
    return 1 if failed else 0


def _entry_dir(entry) -> Path:
    # start-up: `catalog --help` does not load these
    from checks.catalog_loader import base_catalog_dir
    from checks.model import BUILT_IN

    return (base_catalog_dir() if entry.origin == BUILT_IN else Path(entry.origin)) / entry.id
