"""Sandbox deploy and destroy, step by step (medians of N runs): the Terraform steps
together against their target, the container engine's image steps on their own.

    .venv/bin/python bench/bench_sandbox.py [--runs 5] [--cold-base]

Each run starts from an empty state folder and a fresh emulator (a first deploy: terraform
init included), then destroys everything and stops the emulator. A step's time is the
runner's own (StepFinished.elapsed). Steps are grouped by their source in the runbook:
"terraform" steps (init, plan, apply, destroy) are what the target of issue 14 counts
(<= 60 s for a deploy's and a destroy's together); "image-build" steps (the container
engine) are reported separately; the rest (preflight, kubeconfig, local app...) last.
The Dockerfile's base is made ready first, timed (`--cold-base` removes the debootstrap
stand-in before, so its build is measured too); app-apply (podman kube play) counts as
"other".
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TARGET_SECONDS = 60.0  # issue 14: the Terraform steps of a deploy plus a destroy
GROUPS = (("terraform", "Terraform steps"), ("image-build", "container engine steps"), ("other", "other steps"))


def _timed_stream(totals: dict[str, float]):
    """Wrap process.stream so the seconds spent in each tool are summed by its name."""
    from petstore_core import process

    original = process.stream

    async def stream(argv, **kwargs):
        started = time.monotonic()
        try:
            return await original(argv, **kwargs)
        finally:
            name = os.path.basename(str(argv[0]))
            totals[name] = totals.get(name, 0.0) + time.monotonic() - started

    process.stream = stream


async def _run(runbook: str) -> tuple[float, list[tuple[str, str, str, float]], bool]:
    """(wall seconds, [(step id, group, status, seconds)], ok) of one runbook; a failed
    step's summary is printed."""
    from petstore_core import settings
    from petstore_tui.events import RunFinished, StepFinished
    from petstore_tui.runbook.deploy import deploy_runbook
    from petstore_tui.runbook.destroy import destroy_runbook
    from petstore_tui.runbook.runner import Runner

    target = settings.Target(sandbox=True)
    steps = (deploy_runbook if runbook == "deploy" else destroy_runbook)(target)
    source = {step.id: step.source for step in steps}

    async def yes(request):
        return True

    started = time.monotonic()
    ok = False
    finished: list[tuple[str, str, str, float]] = []
    async for event in Runner(target, steps, yes).run():
        if isinstance(event, StepFinished):
            group = source.get(event.step) if source.get(event.step) in ("terraform", "image-build") else "other"
            finished.append((event.step, group, event.status.value, event.elapsed))
            if event.status.value == "failed":
                print(f"  {runbook} step {event.step} failed: {event.summary}", file=sys.stderr, flush=True)
        if isinstance(event, RunFinished):
            ok = event.ok
    return time.monotonic() - started, finished, ok


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--cold-base", action="store_true",
                        help="remove the stand-in base image first and measure building it")
    args = parser.parse_args()
    totals: dict[str, float] = {}
    _timed_stream(totals)
    from petstore_core import settings
    from petstore_tui.services import sandbox

    if settings.provider_mirror() is None:
        print("no Terraform provider mirror found: nothing to measure", file=sys.stderr)
        return 1
    os.environ.pop("AWS_ENDPOINT_URL", None)
    _prepare_base(args.cold_base)
    print(f"load average at start: {_load()} ({os.cpu_count()} cores)", flush=True)
    walls: dict[str, list[float]] = {"deploy": [], "destroy": []}
    steps: dict[tuple[str, str, str], list[float]] = {}  # (runbook, step, group) -> seconds
    group_totals: dict[str, list[float]] = {group: [] for group, _ in GROUPS}
    inside: list[float] = []
    failed: list[int] = []
    for run in range(args.runs):
        home = tempfile.mkdtemp(prefix="bench-sandbox-")  # kept when a run fails, to look into
        os.environ["PETSTORE_TUI_HOME"] = home
        os.environ["KUBECONFIG"] = os.path.join(home, "kubeconfig")
        sandbox.start()
        per_group = dict.fromkeys(group_totals, 0.0)
        before = totals.get("terraform", 0.0)
        measured: list[tuple[str, float, list]] = []
        try:
            for runbook in ("deploy", "destroy"):
                wall, finished, ok = asyncio.run(_run(runbook))
                if not ok:
                    break
                measured.append((runbook, wall, finished))
                shown = ", ".join(f"{step} {seconds:.1f}" for step, _, _, seconds in finished if seconds >= 0.05)
                print(f"run {run + 1}: {runbook:7} {wall:6.1f} s wall ({shown})", flush=True)
        finally:
            sandbox.stop()
        if len(measured) < 2:  # counted apart, not in the medians; the state folder stays
            failed.append(run + 1)
            print(f"run {run + 1}: {'deploy' if not measured else 'destroy'} failed (state in {home})",
                  file=sys.stderr, flush=True)
            continue
        shutil.rmtree(home, ignore_errors=True)
        for runbook, wall, finished in measured:
            walls[runbook].append(wall)
            for step, group, _status, seconds in finished:
                steps.setdefault((runbook, step, group), []).append(seconds)
                per_group[group] += seconds
        for group, seconds in per_group.items():
            group_totals[group].append(seconds)
        inside.append(totals.get("terraform", 0.0) - before)
        print(f"run {run + 1}: Terraform steps together {per_group['terraform']:.1f} s "
              f"({inside[-1]:.1f} s inside terraform processes)", flush=True)
    if not group_totals["terraform"]:
        print(f"every run failed: {failed}", file=sys.stderr)
        return 1
    count = len(group_totals["terraform"])
    print(f"\nmedians of the {count} runs that finished"
          + (f" (run(s) {', '.join(map(str, failed))} failed, left out)" if failed else "") + ", seconds:")
    for runbook in ("deploy", "destroy"):
        print(f"  {runbook} wall: {statistics.median(walls[runbook]):6.1f}")
    for group, title in GROUPS:
        rows = [(key, statistics.median(values)) for key, values in steps.items() if key[2] == group]
        if not rows:
            print(f"  {title}: none ran")
            continue
        print(f"  {title}:")
        for (runbook, step, _), median in rows:
            print(f"    {runbook:7} {step:22} {median:6.1f}")
    terraform = statistics.median(group_totals["terraform"])
    verdict = "met" if terraform <= TARGET_SECONDS else "NOT met"
    print(f"Terraform steps of deploy + destroy: median {terraform:.1f} s "
          f"[{', '.join(f'{s:.1f}' for s in group_totals['terraform'])}] "
          f"against the target <= {TARGET_SECONDS:.0f} s: {verdict}")
    print(f"  of which inside terraform processes: median {statistics.median(inside):.1f} s")
    engine = statistics.median(group_totals["image-build"])
    print(f"container engine steps (reported separately): median {engine:.1f} s")
    print(f"load average at end: {_load()}")
    return 1 if failed else 0


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
