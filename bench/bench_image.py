"""Image build time through petstore-tui's engine adapter, cold (no layer cache) and cached, beside the same
build run by the engine's own CLI (the yardstick: what the adapter adds).

    .venv/bin/python bench/bench_image.py [--runs 3]

Needs Podman or Docker and the Dockerfile's base in the engine's store (`petstore-tui
sandbox start` makes it ready). Builds docker/Dockerfile with the repository as context,
for this machine's platform, with host networking as the sandbox does; every image it
tags is removed at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("PETSTORE_TUI_HOME", tempfile.mkdtemp(prefix="bench-image-"))
    from petstore_core import process
    from petstore_tui.services import docker, node_platform

    try:
        engine = docker.find_engine(sandbox=True)
    except docker.EngineUnavailable as exc:
        print(f"{exc}: nothing to measure", file=sys.stderr)
        return 1
    platform = node_platform.host_platform()
    tags: list[str] = []
    stages: list[str] = []
    figures: dict[str, list[float]] = {}

    def adapter(cache: bool) -> float:
        tag = f"localhost/petstore-bench:{uuid.uuid4().hex[:8]}"
        tags.append(tag)
        lines: list[str] = []
        started = time.monotonic()
        stages.extend(asyncio.run(docker.build(engine, REPO, [tag], lines.append, platform=platform,
                                               network="host", cache=cache)))
        return time.monotonic() - started

    def cli(cache: bool) -> float:
        tag = f"localhost/petstore-bench:{uuid.uuid4().hex[:8]}"
        tags.append(tag)
        argv = [engine.caller.path, "build", "--platform", platform, "--network", "host",
                "-f", str(REPO / "docker" / "Dockerfile"), "-t", tag, str(REPO)]
        started = time.monotonic()
        done = process.run(argv + ([] if cache else ["--no-cache"]), timeout=1800,
                           env={**os.environ, **engine.env, "BUILDAH_FORMAT": "docker"})
        if not done.ok:
            raise SystemExit(f"{engine.name} build failed: {done.stderr[-500:]}")
        return time.monotonic() - started

    try:
        for run in range(args.runs):
            for name, build, cache in (("adapter cold", adapter, False), ("cli cold", cli, False),
                                       ("adapter cached", adapter, True), ("cli cached", cli, True)):
                seconds = build(cache)
                figures.setdefault(name, []).append(seconds)
                print(f"run {run + 1}: {name:15} {seconds:6.1f} s", flush=True)
    finally:
        docker.remove_images(engine, tags)
        docker.remove_stages(engine, stages)
    print(f"{engine.name}, {platform}, median of {args.runs}:")
    for kind in ("cold", "cached"):
        ours, theirs = statistics.median(figures[f"adapter {kind}"]), statistics.median(figures[f"cli {kind}"])
        print(f"  {kind:6}: {ours:6.1f} s through petstore-tui, {theirs:6.1f} s `{engine.name} build` "
              f"(ratio {ours / theirs:.2f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
