"""The troubleshooting panel reading a big saved log: a file added the way `--file` adds it
is diagnosed whole (engine bulk path), then followed. Prints how many of the planted
read-only SQLite errors the panel counted, the time it took, and the process's peak RSS
beside a yardstick: the same process before the file was added.

    .venv/bin/python bench/bench_panel_file.py [--lines 2000000] [--errors 20]

Target (issue 16): all errors found, peak RSS near 75 MB (what the panel used on this
file when it read only the file's tail).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

READONLY = "sqlite3.OperationalError: attempt to write a readonly database"


def write_log(path: Path, lines: int, errors: int) -> None:
    """JSON app lines (as gunicorn's access log writes them) with `errors` read-only
    errors spread evenly; simulated: written by this script, not by the app."""
    every = lines // errors
    with open(path, "w") as out:
        for n in range(lines):
            if n % every == every // 2:
                out.write(f'{{"ts": "2026-12-05T03:00:00Z", "level": "ERROR", "logger": "petstore", '
                          f'"message": "{READONLY}"}}\n')
            else:
                out.write(f'{{"ts": "2026-12-05T03:00:00Z", "level": "INFO", "logger": "gunicorn.access", '
                          f'"message": "GET /api/v1/pets/{n} 200"}}\n')


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


async def measure(path: Path, errors: int) -> None:
    from checks.engine import load_default_engine
    from petstore_core.settings import Target
    from petstore_tui.app import PetstoreApp
    from petstore_tui.commands.tui import build_services, file_source
    from petstore_tui.widgets.findings_table import FindingsTable

    services = build_services(Target(sandbox=False))
    services.make_engine = load_default_engine
    services.log_sources = lambda: []
    app = PetstoreApp(services, initial="troubleshoot")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        while screen.engine is None:
            await pilot.pause(0.05)
        before = rss_mb()
        started = time.monotonic()
        screen.add_source(file_source(path))
        table = screen.query_one(FindingsTable)
        peak = before
        count = 0
        deadline = started + 600
        while time.monotonic() < deadline:
            await pilot.pause(0.1)
            peak = max(peak, rss_mb())
            count = sum(f.count for f in table.findings.values() if f.failure_id == "sqlite-readonly-database")
            if count >= errors and not screen.query_one("#scan-bar").display:
                break
        elapsed = time.monotonic() - started
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"read-only errors counted {count} of {errors} planted (target: all)")
    print(f"scan to last finding shown: {elapsed:.1f} s")
    print(f"RSS before the file {before:.0f} MB, peak sampled while scanning {peak:.0f} MB, "
          f"process max RSS {max_rss:.0f} MB (target: near 75 MB)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--errors", type=int, default=20)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "app.log"
        write_log(path, args.lines, args.errors)
        print(f"log: {args.lines} lines, {path.stat().st_size / 1e6:.0f} MB, {args.errors} errors planted")
        asyncio.run(measure(path, args.errors))
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
