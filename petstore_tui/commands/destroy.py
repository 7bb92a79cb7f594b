"""`petstore-tui destroy`: the cleanup runbook (typed cluster-name confirmation unless --yes)."""

from __future__ import annotations

import argparse

from petstore_tui.commands.deploy import run_runbook


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", "-y", action="store_true",
                        help="do not ask for the cluster name (CI)")
    parser.add_argument("--from", dest="from_step", metavar="STEP", help="start at STEP (ignore the journal)")
    parser.add_argument("--only", metavar="STEP", help="run STEP alone (after the confirmation)")
    parser.add_argument("--list-steps", action="store_true", help="print the step ids and exit")


def run(args: argparse.Namespace, target) -> int:
    return run_runbook(args, target, "destroy")
