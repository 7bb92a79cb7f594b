"""`petstore-tui preflight`: run the preflight checks and print a grouped table or JSON (docs/preflight-json.md); exit 0 when nothing fails, 1 when something fails or could not run, 2 on usage errors."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import time
from typing import Any

from petstore_core.settings import Target
from petstore_core.words import counted

JSON_SCHEMA = "petstore-tui/preflight/v1"
GROUPS = ("tools", "aws", "config", "cluster")
_COLOURS = {"pass": "32", "warn": "33", "fail": "31", "skip": "2", "error": "35"}
_MARKS = {"pass": "ok", "warn": "warn", "fail": "FAIL", "skip": "skip", "error": "ERROR"}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print JSON (schema: docs/preflight-json.md)")
    parser.add_argument("--group", action="append", choices=GROUPS, metavar="GROUP",
                        help=f"run only this group ({', '.join(GROUPS)}); repeatable")
    parser.add_argument("--only", action="append", metavar="ID", help="run only this check id; repeatable")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="per-check timeout (default: each check's own, 8-10 s)")
    parser.add_argument("--list", action="store_true", help="list the checks and exit")


def run(args: argparse.Namespace, target: Target) -> int:
    # start-up: `preflight --help` does not load these
    from checks.preflight.registry import ALL_CHECKS

    known = {c.id for c in ALL_CHECKS}
    unknown = [i for i in args.only or [] if i not in known]
    if unknown:
        print(f"petstore-tui preflight: unknown check {'id' if len(unknown) == 1 else 'ids'}: {', '.join(unknown)} "
              "(see petstore-tui preflight --list)", file=sys.stderr)
        return 2
    if args.timeout is not None and args.timeout <= 0:
        print("petstore-tui preflight: --timeout must be positive", file=sys.stderr)
        return 2
    if args.list:
        for check in ALL_CHECKS:
            print(f"{check.group:8} {check.id:28} {check.title}")
        return 0
    started = time.monotonic()
    results = asyncio.run(_collect(target, args))
    elapsed = time.monotonic() - started
    order = {c.id: n for n, c in enumerate(ALL_CHECKS)}
    results.sort(key=lambda r: (GROUPS.index(r.group) if r.group in GROUPS else 9, order.get(r.id, 999)))
    code = exit_code(results)
    if args.json:
        print(json.dumps(to_json(results, target, code, elapsed), indent=2))
    else:
        print_table(results, target, elapsed, colour=_use_colour())
    return code


async def _collect(target: Target, args: argparse.Namespace) -> list:
    # start-up: `preflight --help` does not load these
    from checks.preflight.context import CheckContext
    from checks.preflight.runner import run_preflight

    ctx = CheckContext.for_target(target, timeout_override=args.timeout)
    return [result async for result in run_preflight(ctx, groups=args.group, only=args.only)]


def exit_code(results: list) -> int:
    """1 when a check failed or could not run (error), else 0."""
    return 1 if any(r.status.value in ("fail", "error") for r in results) else 0


def to_json(results: list, target: Target, code: int, elapsed: float) -> dict[str, Any]:
    counts = {s: 0 for s in ("pass", "warn", "fail", "skip", "error")}
    for r in results:
        counts[r.status.value] += 1
    return {
        "schema": JSON_SCHEMA,
        "target": {"label": target.label, "sandbox": target.sandbox, "region": target.region_or_none,
                   "cluster": target.cluster_name, "project_dir": str(target.project)},
        "exit_code": code,
        "duration": round(elapsed, 3),
        "counts": counts,
        "results": [{"id": r.id, "group": r.group, "status": r.status.value, "summary": r.summary,
                     "detail": r.detail, "fix": r.fix, "failure_id": r.failure_id,
                     "duration": r.duration} for r in results],
    }


# Terminal controls in text a tool printed (its version line is quoted): escape
# sequences whole (CSI, OSC), then any other C0/C1 control but tab and newline.
_CONTROLS = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?"
                       r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    """`text` without anything that would drive the terminal (title, clear, cursor)."""
    return _CONTROLS.sub("", text)


def _use_colour() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def print_table(results: list, target: Target, elapsed: float, colour: bool) -> None:
    """The grouped text report on stdout, each check's summary, detail and fix wrapped at
    the width of stdout (petstore_core/paragraph.py: $COLUMNS first, 80 when piped),
    continued under the summary's column."""
    # start-up: `preflight --json` does not load it
    from petstore_core.paragraph import terminal_width, wrap

    def paint(text: str, status: str) -> str:
        return f"\x1b[{_COLOURS[status]}m{text}\x1b[0m" if colour else text

    width = terminal_width(sys.stdout)
    print(f"preflight · {target.label} · {target.project}")
    current = None
    id_width, column = 0, ""
    said: set = set()  # (status, summary) already printed in full in this section
    fixes: set = set()  # (status, summary, fix) printed in this section
    for r in results:
        if r.group != current:
            current = r.group
            said, fixes = set(), set()
            # each section its own id column: the longest config id would leave a cluster
            # summary 37 columns at 80
            id_width = max(len(s.id) for s in results if s.group == current)
            column = " " * (2 + 5 + 1 + id_width + 2)  # "  FAIL  <id>  ": the summary's column
            print(f"\n{current.upper()}")
        mark = paint(f"{_MARKS[r.status.value]:5}", r.status.value)
        # the mark is painted after wrapping: escape codes take no columns
        plain = f"  {_MARKS[r.status.value]:5} {r.id:{id_width}}  "
        summary = _printable(r.summary)
        cause = (r.status, r.summary)
        stopped = r.summary.startswith("could not run (needs ")
        repeat = stopped and cause in said
        whole: tuple[str, ...] = ()
        if stopped:
            # cluster checks stopped by one missing prerequisite: its message said once in
            # the section, in full, wherever other lines came between; the prerequisite
            # whole on its line, grep-able in the text report
            head, _, message = summary.partition(": ")
            summary = head + ": " + ("as above" if repeat else message)
            whole = (head + ":", "as above") if repeat else (head + ":",)
        said.add(cause)
        lines = wrap(summary, width, first=plain, hang=column, whole=whole)
        print(lines[0].replace(plain, f"  {mark} {r.id:{id_width}}  ", 1))
        for line in lines[1:]:
            print(line)
        if r.status.value in ("fail", "error", "warn"):
            for line in [ln for ln in _printable(r.detail).splitlines() if ln.strip()][:6]:
                for part in wrap(line, width, first=column + "    ", hang=column + "    "):
                    print(part)
            if r.fix and not (repeat and (r.status, r.summary, r.fix) in fixes):  # its fix said with it
                for part in wrap(f"fix: {_printable(r.fix)}", width, first=column + "    ", hang=column + "         "):
                    print(part)
            fixes.add((r.status, r.summary, r.fix))
    counts: dict[str, int] = {}
    for r in results:
        counts[r.status.value] = counts.get(r.status.value, 0) + 1
    summary = ", ".join(paint(f"{n} {s}", s) for s, n in counts.items())
    print(f"\n{counted(len(results), 'check')} in {elapsed:.1f}s: {summary}")
