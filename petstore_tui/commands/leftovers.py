"""`petstore-tui leftovers`: stop the tools a killed petstore-tui left running (Terraform,
kubectl, podman...), found by the records petstore_core/tool_records.py keeps; never by name.
The commands that run tools do the same at their start (cli.py: reap_at_start)."""

from __future__ import annotations

import argparse
import json
import sys

from petstore_core import tool_records


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--list", action="store_true", help="show what would be stopped, stop nothing")
    parser.add_argument("--grace", type=float, default=tool_records.SIGINT_GRACE, metavar="SECONDS",
                        help=f"after the one SIGINT, wait this long before SIGTERM (default: "
                             f"{tool_records.SIGINT_GRACE:g}; Terraform cancels what it has in flight, "
                             "writes its state and releases its lock in that time)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def run(args: argparse.Namespace, target) -> int:
    if args.grace < 0:
        print("petstore-tui leftovers: --grace must be 0 or more seconds", file=sys.stderr)
        return 2
    result = tool_records.reap(grace=args.grace, dry_run=args.list)
    if args.json:
        print(json.dumps({
            "stopped": [vars(item) for item in result.stopped] if not args.list else [],
            "would_stop": [vars(item) for item in result.stopped] if args.list else [],
            "not_stopped": [vars(item) for item in result.not_stopped],
            "left_alone": [{"pid": rec.pid, "program": rec.program, "reason": why}
                           for rec, why in result.strangers],
            "already_ended": len(result.gone),
            "records_of_live_runs": result.live_owner,
            "last_output": result.outputs,
        }, indent=2))
    else:
        for line in report_lines(result, listing=args.list):
            print(line)
        if not (result.stopped or result.not_stopped or result.strangers):
            print("nothing left running by a killed petstore-tui")
    return 1 if result.not_stopped else 0


def report_lines(result: tool_records.Reaped, *, listing: bool = False) -> list[str]:
    if listing:
        lines = [f"would stop pid {item.pid} ({item.name}), left running by a killed petstore-tui "
                 f"(its {item.program} call)" for item in result.stopped]
        return lines + [line for line in result.lines() if not line.startswith("stopped")]
    lines = result.lines()
    if result.terraform_stopped or any(rec.program == "terraform" for rec in result.gone):
        lines += tool_records.terraform_lock_notes()
    return lines
