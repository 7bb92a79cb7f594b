"""Benchmark `petstore_core.redact`: ordinary log lines, the catalog's sample lines and the secret
corpus, beside the engine's own per-line cost (what every line already pays)."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.bench_diagnose import HEALTHY  # noqa: E402
from checks.catalog_loader import CATALOG_DIR, load_catalog, load_samples, sample_lines  # noqa: E402

CORPUS = REPO / "tests" / "secrets" / "corpus.yaml"


def ordinary_lines(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [HEALTHY[rng.randrange(len(HEALTHY))].format(
        a=rng.randrange(1, 4), b=rng.randrange(256), m=rng.randrange(60), s=rng.randrange(60),
        n=rng.randrange(1 << 20), size=rng.randrange(20, 9000), pid=rng.randrange(7, 400))
        for _ in range(count)]


def catalog_lines() -> list[str]:
    lines = []
    for entry_dir in sorted(p for p in CATALOG_DIR.iterdir() if p.is_dir()):
        for paths in load_samples(entry_dir).values():
            for path in paths:
                lines += [raw.decode("utf-8", "replace") for raw in sample_lines(path) if raw.strip()]
    return lines


def corpus_lines() -> list[str]:
    import yaml

    return [line for entry in yaml.safe_load(CORPUS.read_text()) for line in entry["text"].splitlines()]


def long_lines() -> list[str]:
    """Lines as long as the engine keeps (64 KiB), of the shapes the rules scan: words with
    secret keys, a base64 blob, dotted names with a URL, many `key: value` pairs."""
    import base64

    blob = base64.b64encode(random.Random(3).randbytes(48 * 1024)).decode()
    return [f"password: {blob}", "a." * 32000 + " https://x@y", "x-y " * 16000 + " login -p",
            ("token: " + "A" * 30 + " ") * 1800, blob[:65000] + "-"]


def best(runs: int, func) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=100_000, help="ordinary lines")
    parser.add_argument("--runs", type=int, default=5, help="best of N")
    parser.add_argument("--budget", type=float, default=5.0, metavar="SECONDS",
                        help="a contender slower than this for one pass of a set is timed once")
    parser.add_argument("--baseline", type=Path, metavar="FILE",
                        help="another redact.py to time beside this one (e.g. from `git show REV:petstore_core/redact.py`)")
    args = parser.parse_args()

    from checks.engine import Engine
    from petstore_core.redact import redact

    contenders = {"redact": redact}
    if args.baseline:
        import importlib.util

        spec = importlib.util.spec_from_file_location("baseline_redact", args.baseline)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        contenders["baseline"] = module.redact

    sets = {"ordinary (bench_diagnose's healthy lines)": ordinary_lines(args.lines),
            "catalog samples (positive and negative)": catalog_lines(),
            "secret corpus (tests/secrets)": corpus_lines(),
            "64 KiB lines (the engine's longest)": long_lines()}
    engine = Engine(load_catalog())
    ordinary = sets["ordinary (bench_diagnose's healthy lines)"]

    def feed():
        engine.reset()
        for line in ordinary:
            engine.feed(line, source="app", resource="bench")

    feed_seconds = best(args.runs, feed)
    feed_us = feed_seconds / len(ordinary) * 1e6
    print(f"yardstick: Engine.feed on the ordinary lines: {feed_us:6.2f} us/line "
          f"({len(ordinary) / feed_seconds / 1e3:,.0f} k lines/s, matcher {engine.matcher.name})")
    for name, lines in sets.items():
        # repeat short sets so each timing covers some 50,000 lines' worth of text; the
        # contenders take turns round by round, so load from elsewhere falls on each alike;
        # one that needs more than --budget seconds for a pass is timed once
        chars = max(1, sum(map(len, lines)) // len(lines))
        reps = max(1, 50_000 // len(lines) // max(1, chars // 200))
        times = {label: float("inf") for label in contenders}
        slow: set[str] = set()
        for _ in range(args.runs):
            for label, func in contenders.items():
                if label in slow:
                    continue
                seconds = best(1, lambda f=func, lines=lines, reps=reps: [f(line) for _ in range(reps) for line in lines])
                times[label] = min(times[label], seconds)
                if seconds > args.budget:
                    slow.add(label)
        for label, seconds in times.items():
            per_line = seconds / (len(lines) * reps) * 1e6
            note = "  (timed once: over the budget)" if label in slow else ""
            print(f"{label:9} {name:42} {len(lines):7,} lines: {per_line:10.2f} us/line "
                  f"({per_line / feed_us * 100:8.1f}% of a feed){note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
