"""`petstore-tui deploy`: run the deploy runbook headless, resuming at the first step not done."""

from __future__ import annotations

import argparse
import sys

from petstore_core import sandbox_state


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", "-y", action="store_true", help="agree to the plan without asking")
    parser.add_argument("--from", dest="from_step", metavar="STEP", help="start at STEP (ignore the journal)")
    parser.add_argument("--only", metavar="STEP", help="run STEP alone")
    parser.add_argument("--overlay", choices=("dev", "prod"), default="dev",
                        help="kubernetes/overlays/<name> to apply (default: dev)")
    parser.add_argument("--list-steps", action="store_true", help="print the step ids and exit")


def run_runbook(args: argparse.Namespace, target, runbook: str) -> int:
    """Shared by deploy and destroy: checks, then the Runner printed headless."""
    # start-up: `deploy --help` does not load these
    import asyncio

    # start-up: `deploy --help` does not load these
    from petstore_tui.runbook.console import run_headless, terminal_confirm
    from petstore_tui.runbook.deploy import deploy_runbook
    from petstore_tui.runbook.destroy import destroy_runbook  # start-up
    from petstore_tui.runbook.lock import RunLocked  # start-up
    from petstore_tui.runbook.runner import RunbookError, Runner  # start-up

    steps = (deploy_runbook if runbook == "deploy" else destroy_runbook)(target)
    if getattr(args, "list_steps", False):
        for step in steps:
            print(f"{step.id}\t{step.title}")
        return 0
    if getattr(args, "from_step", None) and getattr(args, "only", None):
        print(f"petstore-tui {runbook}: give --from or --only, not both", file=sys.stderr)
        return 2
    known = {s.id for s in steps}
    for value in (getattr(args, "from_step", None), getattr(args, "only", None)):
        if value and value not in known:
            print(f"petstore-tui {runbook}: unknown step {value!r} (steps: {', '.join(s.id for s in steps)})",
                  file=sys.stderr)
            return 2
    if target.sandbox:
        state = sandbox_state.read()
        if state is None or not sandbox_state.pid_alive(state.pid):
            print("sandbox not running: petstore-tui sandbox start", file=sys.stderr)
            return 1
    options = {"overlay": getattr(args, "overlay", None) or "dev"}
    runner = Runner(target, steps, terminal_confirm(bool(getattr(args, "yes", False))), options=options)
    print(f"{runbook} · {target.label}", flush=True)
    try:
        return asyncio.run(run_headless(runner, from_step=getattr(args, "from_step", None),
                                        only=getattr(args, "only", None)))
    except RunbookError as exc:
        print(f"petstore-tui {runbook}: {exc}", file=sys.stderr)
        return 2
    except RunLocked as exc:
        print(f"petstore-tui {runbook}: {exc}", file=sys.stderr)
        return 1


def run(args: argparse.Namespace, target) -> int:
    return run_runbook(args, target, "deploy")
