"""Wall time of a sandbox deploy and destroy (medians of N), with the share spent inside Terraform.

    .venv/bin/python bench/bench_sandbox.py [--runs 3] [--cold-base]

Each run starts from an empty state folder and a fresh emulator (a first deploy: terraform
init included), then destroys everything and stops the emulator. With a container engine
the image, push and app steps run for real and their own times are printed; the
Dockerfile's base is made ready first (`--cold-base` removes the debootstrap stand-in
before, so its build is measured too).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _timed_stream(totals: dict[str, float]):
    """Wrap process.stream so the seconds spent in each tool are summed by its name."""
    from petstore_tui.services import process

    original = process.stream

    async def stream(argv, **kwargs):
        started = time.monotonic()
        try:
            return await original(argv, **kwargs)
        finally:
            name = os.path.basename(str(argv[0]))
            totals[name] = totals.get(name, 0.0) + time.monotonic() - started

    process.stream = stream


STEPS = ("image-build", "image-push", "app-apply", "sandbox-containers")


async def _run(runbook: str, totals: dict[str, float], steps_seen: dict[str, float]) -> tuple[float, float, bool]:
    from petstore_tui import settings
    from petstore_tui.events import RunFinished, StepFinished, StepStatus
    from petstore_tui.runbook import Runner, deploy_runbook, destroy_runbook

    target = settings.Target(sandbox=True)
    steps = (deploy_runbook if runbook == "deploy" else destroy_runbook)(target)

    async def yes(request):
        return True

    before = totals.get("terraform", 0.0)
    started = time.monotonic()
    ok = False
    async for event in Runner(target, steps, yes).run():
        if isinstance(event, StepFinished) and event.step in STEPS and event.status is StepStatus.DONE:
            steps_seen[event.step] = event.elapsed
        if isinstance(event, RunFinished):
            ok = event.ok
    return time.monotonic() - started, totals.get("terraform", 0.0) - before, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cold-base", action="store_true",
                        help="remove the stand-in base image first and measure building it")
    args = parser.parse_args()
    totals: dict[str, float] = {}
    _timed_stream(totals)
    from petstore_tui import settings
    from petstore_tui.services import sandbox

    if settings.provider_mirror() is None:
        print("no Terraform provider mirror found: nothing to measure", file=sys.stderr)
        return 1
    os.environ.pop("AWS_ENDPOINT_URL", None)
    _prepare_base(args.cold_base)
    results: dict[str, list[tuple[float, float]]] = {"deploy": [], "destroy": []}
    step_times: dict[str, list[float]] = {}
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="bench-sandbox-") as home:
            os.environ["PETSTORE_TUI_HOME"] = home
            os.environ["KUBECONFIG"] = os.path.join(home, "kubeconfig")
            sandbox.start()
            try:
                for runbook in ("deploy", "destroy"):
                    seen: dict[str, float] = {}
                    wall, inside, ok = asyncio.run(_run(runbook, totals, seen))
                    if not ok:
                        print(f"run {run + 1}: {runbook} failed (state in {home})", file=sys.stderr)
                        return 1
                    results[runbook].append((wall, inside))
                    steps = ", ".join(f"{k} {v:.1f} s" for k, v in seen.items())
                    print(f"run {run + 1}: {runbook:7} {wall:6.1f} s wall, {inside:6.1f} s in terraform "
                          f"({inside / wall:.0%})" + (f"; {steps}" if steps else ""), flush=True)
                    for step, seconds in seen.items():
                        step_times.setdefault(step, []).append(seconds)
            finally:
                sandbox.stop()
    for runbook, rows in results.items():
        wall = statistics.median(w for w, _ in rows)
        inside = statistics.median(i for _, i in rows)
        share = statistics.median(i / w for w, i in rows)
        print(f"{runbook:7} median of {len(rows)}: {wall:6.1f} s wall, {inside:6.1f} s inside terraform "
              f"({share:.0%} of the wall time)")
    for step, seconds in step_times.items():
        print(f"  {step:18} median {statistics.median(seconds):6.1f} s")
    return 0


def _prepare_base(cold: bool) -> None:
    """The Dockerfile's base ready before the runs (as `sandbox start` makes it), timed."""
    from petstore_tui.services import base_image, docker, node_platform

    try:
        engine = docker.find_engine(sandbox=True)
    except docker.EngineUnavailable as exc:
        print(f"{exc}: the image steps will be skipped")
        return
    platform = node_platform.host_platform()
    for image in base_image.base_images(Path(__file__).resolve().parent.parent / "docker" / "Dockerfile"):
        if cold:
            base_image.remove(engine, image)
        started = time.monotonic()
        outcome = base_image.ensure(engine, image, platform, lambda _line: None)
        print(f"base {outcome.image}: {outcome.how} in {time.monotonic() - started:.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
