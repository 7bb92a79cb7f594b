"""`petstore-tui troubleshoot`: open the app straight on the troubleshooting panel."""

from __future__ import annotations

import argparse

from petstore_core.settings import Target
from petstore_tui.commands.catalog import add_catalog_option


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", "-f", action="append", default=[], metavar="PATH",
                        help="also follow this log file (repeatable)")

    add_catalog_option(parser)


def run(args: argparse.Namespace, target: Target) -> int:
    # start-up: `troubleshoot --help` does not load these
    from petstore_tui.commands import tui

    return tui.run(args, target, initial="troubleshoot")
