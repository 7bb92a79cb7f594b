"""Time `petstore-tui preflight --json` (all groups) against bench/preflight_baseline.sh, several runs each, and print both medians and the ratio (target <= 0.6, issue 14)."""

# Usage: .venv/bin/python bench/bench_preflight.py [--runs 7] [--sandbox]
# Both run on this machine as it is: tools it lacks fail fast in both. Each run is a fresh
# process, so Python's start-up and imports count against the preflight.

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TOOLS = ("aws", "terraform", "kubectl", "helm", "docker", "jq", "git")


def timed(argv: list[str], env: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                          timeout=300)
    return time.perf_counter() - started, done.returncode


def _credentials_note() -> str:
    try:
        import boto3

        found = boto3.Session().get_credentials() is not None
    except Exception:
        found = False
    if found:
        return "found: both make real STS/EC2 calls (the preflight in parallel)"
    return "none on this machine: the baseline's sts call and the aws group fail fast in both"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sandbox", action="store_true",
                        help="pass --sandbox to the preflight (the baseline's sts call is unchanged)")
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("CHECKPOINT_DISABLE", "1")  # the same for both: terraform must not phone home
    present = [t for t in TOOLS if shutil.which(t)]
    missing = [t for t in TOOLS if t not in present]
    print(f"machine: {os.cpu_count()} cores; tools present: {', '.join(present)}; "
          f"missing (fail fast in both): {', '.join(missing) or 'none'}")
    print("AWS credentials: " + _credentials_note())
    preflight = [sys.executable, "-m", "petstore_tui", "preflight", "--json"] + (["--sandbox"] if args.sandbox else [])
    baseline = ["sh", str(REPO / "bench" / "preflight_baseline.sh")]
    # Bytecode as an install has it (this machine sets PYTHONDONTWRITEBYTECODE).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "petstore_core"), str(REPO / "petstore_tui"),
                    str(REPO / "checks")],
                   check=True, capture_output=True, timeout=300)
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    timed(preflight, env)  # warm the file cache (and the preflight's own caches) for both
    timed(baseline, env)
    ours, theirs = [], []
    for _ in range(args.runs):  # interleaved, so load on the shared machine hits both alike
        seconds, code = timed(preflight, env)
        ours.append(seconds)
        theirs.append(timed(baseline, env)[0])
    ours_median, theirs_median = statistics.median(ours), statistics.median(theirs)
    print(f"preflight --json (all groups, exit {code}): median {ours_median:.2f}s "
          f"over {args.runs} runs [{', '.join(f'{s:.2f}' for s in ours)}]")
    print(f"sequential shell baseline:               median {theirs_median:.2f}s "
          f"over {args.runs} runs [{', '.join(f'{s:.2f}' for s in theirs)}]")
    ratio = ours_median / theirs_median
    print(f"ratio preflight/baseline: {ratio:.2f} (target <= 0.6: {'met' if ratio <= 0.6 else 'NOT met'})")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
