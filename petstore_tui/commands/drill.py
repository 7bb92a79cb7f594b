"""`petstore-tui drill list|plant|undo`: the troubleshooting panel's drills, headless (sandbox only)."""

from __future__ import annotations

import argparse
import json
import sys

from petstore_core import sandbox_state
from petstore_core.words import counted
from petstore_tui.drills.base import DrillError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("list", "plant", "undo"))
    parser.add_argument("id", nargs="?", help="the drill (see `drill list`)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def run(args: argparse.Namespace, target) -> int:
    # start-up: `drill --help` does not load these
    from petstore_core.redact import redact
    from petstore_tui.drills.registry import all_drills

    def fail(message: str, status: int = 2) -> int:
        print(f"petstore-tui drill: {redact(message)}", file=sys.stderr)
        return status

    if not target.sandbox:
        return fail("drills plant real failures: they run in the sandbox only (add --sandbox)")
    drills = {d.id: d for d in all_drills(target)}
    if args.action == "list":
        if args.id:
            return fail(f"`drill list` takes no drill id (got {args.id!r})")
        rows = [d.describe() for d in drills.values()]
        if args.json:
            print(json.dumps(rows, indent=2))
        else:
            for row in rows:
                mark = "planted" if row["planted"] else "-"
                print(f"{row['id']:<18} {mark:<8} {row['title']}  (catalog: {row['failure_id']})")
        return 0
    if not args.id:
        return fail(f"`drill {args.action}` needs a drill id: {', '.join(drills)}")
    drill = drills.get(args.id)
    if drill is None:
        return fail(f"no drill {args.id!r} (drills: {', '.join(drills)})")
    # start-up: `drill --help` does not load these
    from petstore_core.errors import SandboxNotRunning

    state = sandbox_state.read()
    if args.action == "plant" and (state is None or not sandbox_state.pid_alive(state.pid)):
        return fail(str(SandboxNotRunning()), 1)  # no emulator: nothing real to plant in
    try:
        outcome = drill.run_plant() if args.action == "plant" else drill.undo()
    except (DrillError, SandboxNotRunning) as exc:
        return fail(f"{drill.id}: {exc}", 1)
    except KeyboardInterrupt:
        return fail(f"{drill.id}: interrupted (`petstore-tui drill undo {drill.id}` puts back what was changed)", 130)
    simulated = len(outcome.replay) if outcome.simulated else 0
    if args.json:
        print(json.dumps({"id": drill.id, "action": args.action, "failure_id": drill.failure_id,
                          "message": redact(outcome.message), "simulated_lines": simulated,
                          "probe": outcome.probe}, indent=2))
    else:
        print(redact(f"{drill.id} {'planted' if args.action == 'plant' else 'undone'}: {outcome.message}"))
        if args.action == "plant":
            if simulated:
                print(f"{counted(simulated, 'simulated line')} standing in for a program the sandbox cannot "
                      "run: diagnose marks a finding resting only on such lines")
            print(f"see it: petstore-tui diagnose --live --sandbox   (catalog entry {drill.failure_id})")
    return 0
