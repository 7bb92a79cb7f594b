"""`petstore-tui sandbox start|status|stop`: the local AWS emulator (and the local app) as background processes."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("start", "status", "stop"))
    parser.add_argument("--json", action="store_true", help="status as JSON")


def run(args: argparse.Namespace, target) -> int:
    from petstore_tui.services import sandbox

    if args.action == "start":
        try:
            state, started = sandbox.start()
        except sandbox.SandboxError as exc:
            print(f"petstore-tui sandbox: {exc}", file=sys.stderr)
            return 1
        verb = "started" if started else "already running"
        print(f"AWS emulator {verb} at {state.endpoint} (pid {state.pid}); log: {sandbox.log_path()}")
        print("use --sandbox on any command; `petstore-tui sandbox stop` ends it")
        return 0
    if args.action == "status":
        status = sandbox.status(target.with_(sandbox=True))
        if args.json:
            print(json.dumps(status.__dict__, indent=2))
            return 0 if status.running else 1
        if status.endpoint is None:
            print("sandbox: not running (petstore-tui sandbox start)")
            return 1
        print(f"endpoint:  {status.endpoint}")
        print(f"pid:       {status.pid} ({'alive' if status.alive else 'not running'})")
        print(f"answering: {'yes' if status.answering else 'no'}")
        if status.resources is not None:
            total = sum(status.resources.values())
            detail = ", ".join(f"{k} {v}" for k, v in status.resources.items() if v)
            print(f"resources: {total}" + (f" ({detail})" if detail else ""))
        elif status.error:
            print(f"resources: unknown ({status.error})")
        if status.app_url:
            print(f"local app: {status.app_url} ({'alive' if status.app_alive else 'not running'})")
        return 0 if status.running else 1
    running, messages = sandbox.stop()
    for message in messages:
        print(message)
    return 0
