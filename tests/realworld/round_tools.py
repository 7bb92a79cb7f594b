"""The lead's tools for a sealed round (REPORT.md "Split"), so no session writes them again.

    open ROUND                 move ROUND's sealed cases to the tune split, marked `opened: ROUND`
                               (edit add_cases.py first: OPENED, SEALED_ROUND, ROUND_SALTS, HEADERS)
    xfails OUTPUT REASON [--write]
                               the `MISS` lines of a `test_realworld.py --tune-misses` run that
                               KNOWN_MISSES lacks, as its entries ("REASON: fired nothing", or
                               "REASON: FALSE POSITIVE: ids at error level"); --write adds them
    compare OUTPUT             the run's MISS list against KNOWN_MISSES: both ways, names only
    duplicates                 sealed cases sharing a thread or a body, and sealed sources also
                               held in the tune split: names only, never a body
    remove SPLIT FILE          drop a case (its file and its manifest row)
    relabel SPLIT FILE KIND WHY
                               move a case to KIND, its note ending with WHY
    union SPLIT                during a merge conflict on SPLIT's manifest: both sides' cases, by file
    by-collector PREFIX        sealed figures per collector (PREFIXa, PREFIXb, ...) and for titles
                               and prose: counts only, never a case name

Run from the repository root: .venv/bin/python tests/realworld/round_tools.py COMMAND ...
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import add_cases as ac  # noqa: E402  (this folder is no package)

TEST_FILE = HERE / "test_realworld.py"
# KNOWN_MISSES ends where the next block of test_realworld.py begins
XFAIL_END = "\n}\n\n# A handful of tune cases"


def open_round(round_: str) -> str:
    sealed, tune = ac.load_manifest("sealed"), ac.load_manifest("tune")
    moving = [c for c in sealed if round_ in (c.get("sealed_first"), c.get("draw"))]
    held = {c["file"] for c in tune}
    for case in moving:
        source, target = ac.SPLIT_DIRS["sealed"] / case["file"], ac.SPLIT_DIRS["tune"] / case["file"]
        if case["file"] in held or target.exists() or not source.is_file():
            raise SystemExit(f"round_tools: {case['file']}: already in the tune split, or its file is missing")
    for case in moving:
        target = ac.SPLIT_DIRS["tune"] / case["file"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(ac.SPLIT_DIRS["sealed"] / case["file"]), str(target))
        tune.append({**case, "opened": round_})
    ac.write_manifest("tune", tune)
    ac.write_manifest("sealed", [c for c in sealed if c not in moving])
    for folder in sorted(ac.SPLIT_DIRS["sealed"].glob("*/"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return f"opened {round_}: {len(moving)} cases moved; the tune split holds {len(tune)}"


def run_misses(output: Path) -> dict[str, str]:
    """The MISS lines of a --tune-misses run: case file -> what fired."""
    misses, listing = {}, False
    for line in output.read_text(encoding="utf-8").splitlines():
        if line.startswith("tune split, every miss"):
            listing = True
        elif listing and not line.strip():
            break
        elif listing and line.startswith("  MISS "):
            name, what = line.removeprefix("  MISS ").split(": ", 1)
            misses[name] = what
    return misses


def xfail_keys(source: str) -> set[str]:
    start = source.index("KNOWN_MISSES: dict[str, str] = {")
    return set(re.findall(r'^\s*"([^"]+\.log)":', source[start:source.index(XFAIL_END)], re.M))


def xfails(output: Path, reason: str, write: bool) -> str:
    source = TEST_FILE.read_text(encoding="utf-8")
    known = xfail_keys(source)
    entries = []
    for name, what in run_misses(output).items():
        if name in known:
            continue
        why = ("fired " + what.removeprefix("missed; fired: ") if what.startswith("missed; ")
               else "FALSE POSITIVE: " + what.removeprefix("fired ") + " at error level")
        text = f"{reason}: {why}".replace("\\", "\\\\").replace('"', '\\"')
        entries.append(f'    "{name}": "{text}",')
    if write and entries:
        TEST_FILE.write_text(source.replace(XFAIL_END, "\n" + "\n".join(entries) + XFAIL_END, 1), encoding="utf-8")
    return "\n".join([*entries, f"{len(entries)} new" + (" (written)" if write and entries else "")])


def compare(output: Path) -> str:
    known, missed = xfail_keys(TEST_FILE.read_text(encoding="utf-8")), set(run_misses(output))
    return "\n".join([f"KNOWN_MISSES {len(known)}, run {len(missed)}",
                      *(f"  xfail no longer missed: {n}" for n in sorted(known - missed)),
                      *(f"  missed, no xfail: {n}" for n in sorted(missed - known))])


def duplicates() -> str:
    sealed = ac.load_manifest("sealed")
    tune_sources = {c["source"].rstrip("/") for c in ac.load_manifest("tune")}
    by_thread, by_body, lines = collections.defaultdict(list), collections.defaultdict(list), []
    for case in sealed:
        body = (ac.SPLIT_DIRS["sealed"] / case["file"]).read_bytes().split(b"\n", 1)[-1].strip()
        by_thread[case["source"].split("#")[0].rstrip("/")].append(case["file"])
        by_body[hashlib.sha256(body).hexdigest()].append(case["file"])
        if case["source"].rstrip("/") in tune_sources:
            lines.append(f"held in the tune split: {case['file']}")
    pairs = {tuple(files) for files in [*by_thread.values(), *by_body.values()] if len(files) > 1}
    lines += [f"one thread or body twice: {', '.join(files)}" for files in sorted(pairs)]
    return "\n".join([*lines, f"{len(sealed)} sealed cases"])


def edit(split: str, rel: str, kind: str | None = None, why: str = "") -> str:
    cases = ac.load_manifest(split)
    found = [c for c in cases if c["file"] == rel]
    if not found:
        raise SystemExit(f"round_tools: no {split} case {rel}")
    case, path = found[0], ac.SPLIT_DIRS[split] / rel
    if kind is None:
        cases.remove(case)
        path.unlink()
    else:
        case["file"] = f"{kind}/{rel.split('/', 1)[1]}"
        case["kind"] = kind
        case["note"] = f"{case.get('note', '')} {why}".strip()
        (ac.SPLIT_DIRS[split] / kind).mkdir(exist_ok=True)
        path.rename(ac.SPLIT_DIRS[split] / case["file"])
    ac.write_manifest(split, cases)
    if not any(path.parent.iterdir()):
        path.parent.rmdir()
    return f"{split}: {len(cases)} cases"


def union(split: str) -> str:
    import yaml

    manifest = ac.MANIFESTS[split].relative_to(HERE.parents[1]).as_posix()
    cases: dict[str, dict] = {}
    for stage in ("2", "3"):  # ours, then theirs: a case both sides hold keeps ours
        shown = subprocess.run(["git", "show", f":{stage}:{manifest}"], cwd=HERE.parents[1],
                               capture_output=True, text=True, timeout=60)
        if shown.returncode:
            raise SystemExit(f"round_tools: {manifest} is not in conflict (git show :{stage}: failed)")
        for case in (yaml.safe_load(shown.stdout) or {}).get("cases") or []:
            cases.setdefault(case["file"], case)
    ac.write_manifest(split, list(cases.values()))
    return f"{manifest}: {len(cases)} cases"


def by_collector(prefix: str) -> str:
    os.environ["PETSTORE_REALWORLD_SPLITS"] = "sealed"
    sys.path.insert(0, str(HERE.parents[1]))
    import test_realworld as rw

    os.environ.setdefault("PETSTORE_TUI_HOME", str(rw.WORK / "state"))
    os.environ["XDG_CONFIG_HOME"] = str(rw.WORK / "config")  # no user catalog, as main() measures
    counts = collections.defaultdict(lambda: [0, 0, 0, 0])  # positives caught, positives, quiet, near misses
    for case in rw.SEALED:
        name = case["file"].split("/", 1)[1].removesuffix(".log")
        passed = rw.passes(case, rw.by_lines("default", "sealed", case["file"]))
        groups = [name[:len(prefix) + 1]] if name.startswith(prefix) else ["other"]
        if name.endswith(("-title", "-prose")):
            groups.append("titles and prose")
        for group in groups:
            tally = counts[group]
            tally[2 if case["kind"] == "none" else 0] += passed
            tally[3 if case["kind"] == "none" else 1] += 1
    return "\n".join(f"{group}: positives {a}/{b}, near misses quiet {c}/{d}"
                     for group, (a, b, c, d) in sorted(counts.items()))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("open").add_argument("round")
    xfail = commands.add_parser("xfails")
    xfail.add_argument("output", type=Path)
    xfail.add_argument("reason")
    xfail.add_argument("--write", action="store_true")
    commands.add_parser("compare").add_argument("output", type=Path)
    commands.add_parser("duplicates")
    remove = commands.add_parser("remove")
    remove.add_argument("split", choices=ac.SPLIT_DIRS)
    remove.add_argument("file")
    relabel = commands.add_parser("relabel")
    relabel.add_argument("split", choices=ac.SPLIT_DIRS)
    relabel.add_argument("file")
    relabel.add_argument("kind")
    relabel.add_argument("why")
    commands.add_parser("union").add_argument("split", choices=ac.SPLIT_DIRS)
    commands.add_parser("by-collector").add_argument("prefix")
    args = parser.parse_args(argv)
    for path in [getattr(args, "output", None)]:
        if path is not None and not path.is_file():
            parser.error(f"{path}: no such file (the output of test_realworld.py --tune-misses)")
    print({
        "open": lambda: open_round(args.round),
        "xfails": lambda: xfails(args.output, args.reason, args.write),
        "compare": lambda: compare(args.output),
        "duplicates": duplicates,
        "remove": lambda: edit(args.split, args.file),
        "relabel": lambda: edit(args.split, args.file, args.kind, args.why),
        "union": lambda: union(args.split),
        "by-collector": lambda: by_collector(args.prefix),
    }[args.command]())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
