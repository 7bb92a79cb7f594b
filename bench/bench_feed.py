"""Benchmark the engine's live path: CPU per line of `Engine.feed_lines` (a stream's lines in
the batches the TUI's pump hands it) beside `Engine.feed` of each line, its yardstick.

    .venv/bin/python bench/bench_feed.py [--lines 100000] [--batch 500] [--runs 5]

Two logs: the TUI latency bench's stream (bench_tui.py: JSON request lines, one read-only
database error in 997) and bench_diagnose.py's mixed log (ten kinds of healthy line with
the catalog's positive samples sprinkled in). --batch 500 is what the pump collects in
its 50 ms between passes at 10,000 lines a second. Each run feeds the whole log both ways
to fresh engines (the best matcher available, compiled regexes from a temporary cache
folder), in turns; figures are CPU microseconds a line (process time), the median of
--runs, with the load average. Both ways must give the same findings, or the script says
so and exits 1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from bench_diagnose import generate  # noqa: E402
from bench_tui import _line as tui_line  # noqa: E402

from checks.catalog_loader import CATALOG_DIR, load_catalog  # noqa: E402
from checks.engine import Engine  # noqa: E402


def _summary(engine: Engine) -> list:
    return sorted((f.failure_id, f.resource, f.count, tuple(f.evidence), tuple(sorted(f.recognition.items())))
                  for f in engine.findings())


def _per_line(engine: Engine, lines: list[str], batch: int) -> None:
    for line in lines:
        engine.feed(line, source="app", resource="pod/bench")
    engine.flush()


def _batched(engine: Engine, lines: list[str], batch: int) -> None:
    for start in range(0, len(lines), batch):
        engine.feed_lines(lines[start:start + batch], source="app", resource="pod/bench")
    engine.flush()


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if args.lines < 1 or args.batch < 1 or args.runs < 1:
        parser.error("--lines, --batch and --runs must be at least 1")
    catalog = load_catalog(CATALOG_DIR)
    with tempfile.TemporaryDirectory() as tmp:
        mixed = Path(tmp) / "mixed.log"
        generate(mixed, args.lines, 0.002, CATALOG_DIR)
        logs = {
            "TUI bench stream": [tui_line(i) for i in range(args.lines)],
            "bench_diagnose mixed log": mixed.read_text(encoding="utf-8").splitlines(),
        }
        cache = Path(tmp) / "cache"
        Engine(catalog, cache_dir=cache)  # fills the cache: no run pays the compile
        print(f"load average at the start: {_load()} on {os.cpu_count()} cores; "
              f"matcher {Engine(catalog, cache_dir=cache).matcher.name}; batches of {args.batch} lines")
        same = True
        for name, lines in logs.items():
            cpu: dict[str, list[float]] = {"feed": [], "feed_lines": []}
            for _ in range(args.runs):
                results = []
                for way, run in (("feed", _per_line), ("feed_lines", _batched)):
                    engine = Engine(catalog, cache_dir=cache)
                    started = time.process_time()
                    run(engine, lines, args.batch)
                    cpu[way].append((time.process_time() - started) / len(lines) * 1e6)
                    results.append(_summary(engine))
                same = same and results[0] == results[1]
            old, new = statistics.median(cpu["feed"]), statistics.median(cpu["feed_lines"])
            print(f"{name}, {len(lines):,} lines, {len(results[0])} findings: "
                  f"feed {old:.2f} us/line (yardstick), feed_lines {new:.2f} us/line, "
                  f"{old / new:.1f}x less CPU; runs feed {' '.join(f'{v:.2f}' for v in cpu['feed'])}, "
                  f"feed_lines {' '.join(f'{v:.2f}' for v in cpu['feed_lines'])}")
    print(f"load average now: {_load()}")
    if not same:
        print("feed_lines found something other than feed: see tests/checks/test_feed_lines.py")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
