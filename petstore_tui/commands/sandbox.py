"""`petstore-tui sandbox start|status|stop`: the local AWS emulator (and the local app) as background processes."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("start", "status", "stop"))
    parser.add_argument("--json", action="store_true", help="status as JSON")
    parser.add_argument("--no-base", action="store_true",
                        help="start: do not prepare the Dockerfile's base image (the image-build step will)")
    parser.add_argument("--remove-base", action="store_true",
                        help="stop: also remove the stand-in base image the sandbox built")


def run(args: argparse.Namespace, target) -> int:
    # start-up: `sandbox --help` does not load these
    from petstore_tui.services import sandbox
    from petstore_tui.services.sandbox_notice import stop_command

    if args.action == "start":
        try:
            state, started = sandbox.start()
        except sandbox.SandboxError as exc:
            print(f"petstore-tui sandbox: {exc}", file=sys.stderr)
            return 1
        verb = "started" if started else "already running"
        print(f"AWS emulator {verb} at {state.endpoint} (pid {state.pid}); log: {sandbox.log_path()}")
        if started:
            print(_warm_line(state.extra.get("warmed") or {}))
        status = 0 if args.no_base else _prepare_base(target)
        print(f"use --sandbox on any command; `{stop_command()}` ends it")
        return status
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
        if status.app_in_containers:
            print(f"app:       {status.app_url} (podman kube play, "
                  f"{'answering' if status.app_alive else 'not answering'})")
        elif status.app_url:
            print(f"local app: {status.app_url} ({'alive' if status.app_alive else 'not running'})")
        return 0 if status.running else 1
    running, messages = sandbox.stop()
    for message in messages:
        print(message)
    if args.remove_base:
        return _remove_base(target)
    return 0


def _prepare_base(target) -> int:
    """The Dockerfile's base images for the image-build step: present, pulled, or the
    stand-in built once (services/base_image.py). No engine: the step will say so."""
    # start-up: `sandbox --help` does not load these
    from petstore_tui.services import base_image, docker, node_platform

    try:
        engine = docker.find_engine(sandbox=True)
    except docker.EngineUnavailable as exc:
        print(f"base image: not prepared ({exc}); the image steps will be skipped")
        return 0
    platform = node_platform.host_platform()
    try:
        for image in base_image.base_images(target.project / "docker" / "Dockerfile"):
            outcome = base_image.ensure(engine, image, platform, lambda line: print(f"  {line}", flush=True))
            print(f"base image: {outcome.message}")
    except (base_image.BaseImageError, docker.EngineCallError, OSError) as exc:
        print(f"petstore-tui sandbox: base image: {exc}", file=sys.stderr)
        return 1
    return 0


def _remove_base(target) -> int:
    # start-up: `sandbox --help` does not load these
    from petstore_tui.services import base_image, docker

    try:
        engine = docker.find_engine(sandbox=True)
    except docker.EngineUnavailable as exc:
        print(f"petstore-tui sandbox: {exc}", file=sys.stderr)
        return 1
    for image in base_image.base_images(target.project / "docker" / "Dockerfile"):
        removed = base_image.remove(engine, image)
        print(f"stand-in base {image} " + ("removed" if removed else "not ours or not there: left alone"))
    return 0


def _warm_line(warmed: dict) -> str:
    """What `sandbox start` spent loading the emulator's services (their first calls)."""
    services = ", ".join(warmed.get("services") or ()) or "none"
    line = f"emulator's services loaded in {warmed.get('seconds', 0):g}s: {services}"
    if warmed.get("stopped"):
        line += (f" (stopped: {warmed['stopped']}; the first check that calls the rest waits for it "
                 "to load them)")
    return line
