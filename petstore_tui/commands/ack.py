"""`petstore-tui ack`: acknowledge a finding for one resource, list or remove acknowledgements."""

from __future__ import annotations

import argparse
import os
import sys
import time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("target", nargs="?", metavar="ID[:RESOURCE]",
                        help="catalog id, optionally with the resource (all resources when omitted)")
    parser.add_argument("--reason", help="why this finding is acceptable (required to add)")
    parser.add_argument("--by", help="who acknowledges it (default: $USER)")
    parser.add_argument("--list", action="store_true", help="list acknowledgements")
    parser.add_argument("--remove", action="store_true", help="remove the acknowledgement of ID[:RESOURCE]")


def run(args: argparse.Namespace, target) -> int:
    # start-up: `ack --help` does not load these
    from checks.acks import AckError, add_ack, load_acks, remove_ack
    from petstore_core.redact import redact

    try:
        if args.list:
            others = [word for word, given in (("ID", args.target), ("--remove", args.remove),
                                               ("--reason", args.reason is not None), ("--by", args.by is not None))
                      if given]
            if others:  # listed and ignored before: `--list --remove ID` removed nothing, exit 0
                print(f"petstore-tui ack: --list takes nothing else (given {', '.join(others)}): "
                      "list with `ack --list`, remove with `ack --remove ID[:RESOURCE]`", file=sys.stderr)
                return 2
            acks = load_acks()
            if not acks:
                print("no acknowledgements")
            for ack in acks:
                when = time.strftime("%Y-%m-%d %H:%M", time.gmtime(ack.at))
                print(redact(f"{ack.target}\tby {ack.by}\t{when} UTC\t{ack.reason}"))
            return 0
        if not args.target:
            print("petstore-tui ack: give ID[:RESOURCE] (or --list)", file=sys.stderr)
            return 2
        target_text = file_target(args.target)
        if args.remove:
            # an acknowledgement stored before file paths were made absolute keeps its spelling
            if remove_ack(target_text) or remove_ack(args.target):
                print(f"removed acknowledgement of {target_text}")
                return 0
            print(f"petstore-tui ack: no acknowledgement of {args.target}", file=sys.stderr)
            return 1
        _check_known(target_text, getattr(args, "catalog", ()))
        ack = add_ack(target_text, args.reason or "", by=args.by)
        print(redact(f"acknowledged {ack.target} (by {ack.by}): {ack.reason}"))
        return 0
    except AckError as exc:
        print(f"petstore-tui ack: {redact(str(exc))}", file=sys.stderr)
        return 2


def file_target(target_text: str) -> str:
    """`ID:RESOURCE` with a RESOURCE that names a file here made absolute: a file's findings
    carry its absolute path (services/log_scan.py, commands/tui.py file_source), so
    `ack ID:incident.log` covers `diagnose incident.log` and `diagnose /abs/incident.log` alike."""
    from checks.acks import parse_target  # start-up: `ack --help` does not load it

    failure_id, resource = parse_target(target_text)
    if resource and os.path.isfile(resource):
        return f"{failure_id}:{os.path.abspath(resource)}"
    return target_text


def _check_known(target_text: str, extra_dirs=()) -> None:
    """Refuse ids the catalog does not know: a typo would silently acknowledge nothing.
    Known means what `diagnose` loads: the built-in entries, the operator's config folder
    and each `--catalog DIR` (checks/catalog_loader.py)."""
    # start-up: `ack --help` does not load these
    from checks.acks import AckError, parse_target
    from checks.catalog_entry import CatalogError
    from checks.catalog_loader import load_catalog, user_catalog_dirs  # start-up

    failure_id, _ = parse_target(target_text)
    try:
        known = {entry.id for entry in load_catalog(user_dirs=user_catalog_dirs(extra_dirs))}
    except CatalogError:
        return  # a broken catalog must not stop an operator silencing noise
    if failure_id not in known:
        raise AckError(f"unknown catalog id {failure_id!r} (see `petstore-tui catalog list`)")
