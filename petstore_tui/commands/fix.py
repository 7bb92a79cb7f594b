"""`petstore-tui fix ID[:RESOURCE] [--dry-run] [--yes]`, `fix list`, `fix undo ENTRY`: mechanical fixes with a plan first, verified by the check that found the problem (exit 0 fixed and verified, 1 not fixed, 2 usage; `fix list` 0 a complete list, 3 a list with checks it could not run)."""

from __future__ import annotations

import argparse
import json
import sys

# `fix list` when some of its checks could not run (no region, no credentials, a timeout):
# the list is printed, but a CI job must tell "nothing to fix" (0) from "could not look"
# (not 1: that is a fix that did not work; not 2: the command was used right)
EXIT_INCOMPLETE = 3


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", metavar="ID[:RESOURCE] | list | undo",
                        help="a catalog id or preflight check id (RESOURCE narrows it: subnet ids, a policy "
                             "ARN, an output name), `list` for what can be fixed now, `undo` to undo an entry")
    parser.add_argument("entry", nargs="?", metavar="ENTRY", help="with undo: the journal entry (see `fix list`)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and change nothing")
    parser.add_argument("--yes", "-y", action="store_true", help="apply without asking")
    parser.add_argument("--json", action="store_true", help="machine-readable output (docs/fixes.md)")


def _fail(message: str, status: int) -> int:
    # start-up: `fix --help` does not load these
    from petstore_core.redact import redact

    print(f"petstore-tui fix: {redact(message)}", file=sys.stderr)
    return status


def _confirm(args: argparse.Namespace, question: str) -> bool | None:
    """True/False from --yes or the terminal; None when there is no terminal to ask on."""
    if args.yes:
        return True
    if not sys.stdin or not sys.stdin.isatty():
        return None
    try:
        return input(f"{question} [y/N] ").strip().lower() in ("y", "yes")
    except (EOFError, KeyboardInterrupt):
        return False


def _emit(args, outcome, *, text_lines=None) -> int:
    # start-up: `fix --help` does not load these
    from petstore_tui.fixes.render import outcome_lines

    if args.json:
        print(json.dumps(outcome.as_dict(), indent=2))
    else:
        for line in text_lines if text_lines is not None else outcome_lines(outcome):
            print(line)
    return 0 if outcome.ok else 1


def run(args: argparse.Namespace, target) -> int:
    # start-up: `fix --help` does not load these
    from petstore_tui.fixes.model import UnknownFix
    from petstore_tui.fixes.service import FixService

    service = FixService(target)
    try:
        if args.what == "list":
            return _list(args, service)
        if args.what == "undo":
            if not args.entry:
                return _fail("`fix undo` needs a journal entry (see `petstore-tui fix list`)", 2)
            return _undo(args, service)
        if args.entry:
            return _fail(f"unexpected argument {args.entry!r} (give ID[:RESOURCE])", 2)
        return _fix(args, service, target)
    except UnknownFix as exc:
        return _fail(str(exc), 2)


def _fix(args, service, target) -> int:
    # start-up: `fix --help` does not load these
    from petstore_core.errors import SandboxNotRunning
    from petstore_tui.fixes.model import PLANNED, REFUSED, Outcome
    from petstore_tui.fixes.render import plan_lines  # start-up

    try:
        plan, early = service.try_plan(args.what)
    except SandboxNotRunning as exc:
        return _fail(str(exc), 1)
    if early is not None:
        return _emit(args, early)
    if args.dry_run:
        return _emit(args, Outcome(PLANNED, "dry run: nothing changed", plan),
                     text_lines=[*plan_lines(plan), "dry run: nothing changed"])
    if not args.json:
        print("\n".join(plan_lines(plan)), flush=True)
    where = "the sandbox" if target.sandbox else ("this checkout" if plan.kind == "repository"
                                                  else f"the real account and cluster of {target.label}")
    from petstore_core.words import counted  # start-up: `fix --help` does not load it

    answer = _confirm(args, f"apply {counted(len(plan.changes), 'change')} to {where}?")
    if answer is None:
        return _emit(args, Outcome(REFUSED, "no terminal to confirm on: pass --yes to apply (nothing changed)", plan))
    if not answer:
        return _emit(args, Outcome(REFUSED, "not confirmed: nothing changed", plan))
    return _emit(args, service.apply(plan, confirmed=True))


def _undo(args, service) -> int:
    # start-up: `fix --help` does not load these
    from petstore_core.redact import redact
    from petstore_tui.fixes.model import REFUSED, Outcome

    entry = service.entry(args.entry)
    if entry is None:
        return _fail(f"no fix {args.entry!r} in the journal of {service.target.label} (petstore-tui fix list)", 2)
    if not args.json:
        print(redact(f"undo {entry['id']}: {entry['fix']} applied {entry.get('status')} on {entry.get('resource')}"))
        for change in entry.get("changes") or []:
            print(redact(f"  was: [{change['kind']}] {change['summary']}"))
    answer = _confirm(args, f"undo {entry['id']}?")
    if answer is None:
        return _emit(args, Outcome(REFUSED, "no terminal to confirm on: pass --yes to undo (nothing changed)"))
    return _emit(args, service.undo(args.entry, confirmed=bool(answer)))


def _list(args, service) -> int:
    # start-up: `fix --help` does not load these
    import asyncio

    # start-up: `fix --help` does not load these
    from petstore_core.redact import redact
    from petstore_tui.fixes.model import command_for

    rows, not_checked = asyncio.run(service.survey())
    applied = service.applied()
    undoable = [{"entry": e["id"], "fix": e["fix"], "resource": e.get("resource"), "status": e.get("status"),
                 "command": command_for(service.target, "fix", "undo", e["id"])}
                for e, gone in applied if not gone]
    gone = [{"entry": e["id"], "fix": e["fix"], "resource": e.get("resource"), "reason": redact(reason)}
            for e, reason in applied if reason]
    if args.json:
        print(json.dumps({"target": service.target.label, "fixable": rows, "not_checked": not_checked,
                          "undoable": undoable, "gone": gone}, indent=2))
        return EXIT_INCOMPLETE if not_checked else 0
    if rows:
        print(f"fixable now on {service.target.label}:")
    elif not not_checked:
        print(f"nothing fixable now on {service.target.label}")
    for row in rows:
        print(redact(f"  {row['check']:<28} {row['status']:<5} {row['summary']}"))
        print(f"  {'':<28} -> {row['command']}   ({row['fix']}, {row['kind']})")
    if not_checked:
        # a check that could not run may hide a fixable problem: never "nothing fixable"
        print(f"not checked on {service.target.label} (a fixable problem may hide there; "
              "`petstore-tui preflight` says more):")
        for row in not_checked:
            print(redact(f"  {row['check']:<28} {row['summary']}"))
    if undoable:
        print("applied fixes (undo with the command):")
        for row in undoable:
            print(redact(f"  {row['entry']:<30} {row['status']:<9} {row['resource']}   -> {row['command']}"))
    if gone:
        print("applied fixes that cannot be undone (destroyed since, or changed by someone else):")
        for row in gone:
            print(redact(f"  {row['entry']:<30} {row['resource']}: {row['reason']}"))
    return EXIT_INCOMPLETE if not_checked else 0  # what could not be checked is named above
