"""Benchmark the TUI: start-up to first frame against a minimal Textual app, and key-to-render
latency while 10,000 log lines a second stream into the troubleshooting panel.

    .venv/bin/python bench/bench_tui.py [--runs 7] [--seconds 5] [--rate 10000] [--latency-runs 3]
    .venv/bin/python bench/bench_tui.py --only start --tree /tmp/base   # another checkout's code

Targets (issue 14): start-up ratio <= 1.1, key-to-render p95 <= 30 ms while streaming.
Both apps start the same way: a fresh process of this script, Textual's headless driver at
the same terminal size, timed to the first frame Textual composited and handed to the
driver; medians of --runs, interleaved, with the load average before and after.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SIZE = (120, 40)  # the terminal both apps start in (headless: no real terminal to ask)
START_TARGET = 1.1
LATENCY_TARGET_MS = 30.0

# -- start-up: each run is a fresh process that prints the time of its first frame ----------


def _child(kind: str) -> None:
    """Runs in the measured process: the app, headless, reporting and exiting the moment
    its first full screen reaches the display (App._display, after layout and compositing).
    For petstore-tui that is the first frame of the preflight screen, not Textual's blank
    default screen.

    Textual is imported where each app imports it: the bare app's code first, petstore-tui
    inside its CLI (after its argument checks, with what the CLI sets up around it, e.g.
    the paused garbage collector, petstore_tui/heap.py). App is patched the moment
    textual.app has loaded, by a finder that wraps its loader."""
    if kind == "minimal":
        from textual.app import App

        _patch_app(App, kind)
        from textual.widgets import Footer, Header, Static

        class Minimal(App):
            def compose(self):
                yield Header()
                yield Static("hello")
                yield Footer()

        Minimal().run()
        return
    sys.meta_path.insert(0, _PatchOnLoad(kind))
    from petstore_tui.cli import main  # exactly what `petstore-tui` runs: the CLI, real services

    main([])


class _PatchOnLoad:
    """A meta path finder for textual.app only: the module's own spec, its loader wrapped
    so that App is patched right after the module has run."""

    def __init__(self, kind: str) -> None:
        self.kind = kind

    def find_spec(self, name, path, target=None):
        if name != "textual.app":
            return None
        sys.meta_path.remove(self)
        import importlib.util

        spec = importlib.util.find_spec(name)
        exec_module = spec.loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            _patch_app(module.App, self.kind)

        spec.loader.exec_module = exec_and_patch
        return spec


def _patch_app(App, kind: str) -> None:  # noqa: N803 - the class
    original_run = App.run
    original_display = App._display

    def headless_run(self, *args, **kwargs):
        kwargs["headless"] = True
        kwargs["size"] = SIZE
        return original_run(self, *args, **kwargs)

    def display(self, screen, renderable) -> None:
        original_display(self, screen, renderable)
        if renderable is None:
            return
        if kind == "minimal" or type(screen).__name__ == "PreflightScreen":
            print(f"FIRST-FRAME {time.time():.6f}", flush=True)
            os._exit(0)  # workers (preflight checks) must not delay the measurement's end

    App.run = headless_run  # type: ignore[method-assign]
    App._display = display  # type: ignore[method-assign]


def _time_start(kind: str, env: dict, tree: Path) -> tuple[float, float]:
    """(wall seconds to first frame, CPU seconds the process used until then). CPU time is
    what the app itself costs; wall time also holds waiting for a busy machine."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.time()
    done = subprocess.run([sys.executable, __file__, "--child", kind, "--tree", str(tree)],  # noqa: S603
                          capture_output=True, text=True, timeout=60, env=env, cwd=tree)
    for line in done.stdout.splitlines():
        if line.startswith("FIRST-FRAME "):
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            return float(line.split()[1]) - started, cpu
    raise RuntimeError(f"{kind}: no first frame (exit {done.returncode}): {done.stderr[-500:]}")


def bench_startup(runs: int, tree: Path) -> tuple[tuple[float, float], tuple[float, float]]:
    env = dict(os.environ)
    env.setdefault("PETSTORE_TUI_HOME", str(Path("/tmp") / f"petstore-bench-{os.getpid()}"))
    with tempfile.TemporaryDirectory(prefix="petstore-bench-pycache-") as pycache:
        # both apps run from bytecode, as an installed package does (pip compiles it at
        # install, and an editable one on its first import): PYTHONDONTWRITEBYTECODE (set on
        # this machine) made every start compile our modules from source, about 25 ms of
        # CPU, while Textual's came compiled from site-packages. The first run of each
        # writes them; nothing is written into the measured tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = pycache
        # warm the file cache (and the app's own caches in its state folder, as any second
        # start finds them): every run then reads from memory
        for kind in ("minimal", "ours"):
            _time_start(kind, env, tree)
        minimal, ours = [], []
        for _ in range(runs):  # interleaved so machine noise hits both alike
            minimal.append(_time_start("minimal", env, tree))
            ours.append(_time_start("ours", env, tree))
    def medians(samples):
        return (statistics.median(s[0] for s in samples), statistics.median(s[1] for s in samples))

    return medians(minimal), medians(ours)


# -- latency under load --------------------------------------------------------------------


def _line(i: int) -> str:
    if i % 997 == 0:
        return "sqlite3.OperationalError: attempt to write a readonly database"
    return (f'{{"ts":"2026-11-28T05:00:{i % 60:02d}Z","level":"info","msg":"request",'
            f'"method":"GET","path":"/api/v1/pets/{i % 500}","status":200,"duration_ms":{i % 37}}}')


async def bench_latency(seconds: float, rate: int) -> dict:
    from petstore_core.settings import Target
    from petstore_tui.app import PetstoreApp
    from petstore_tui.contracts import AppServices, LogSource
    from petstore_tui.widgets.log_view import LogView

    sent = {"lines": 0}

    def follow(stop: threading.Event):
        """Paces itself to `rate` lines a second in slices of 10 ms, like a busy pod."""
        start = time.perf_counter()
        i = 0
        while not stop.is_set():
            due = int((time.perf_counter() - start) * rate)
            while i < due:
                yield _line(i)
                i += 1
            sent["lines"] = i
            time.sleep(0.01)

    def engine():
        try:
            from checks.engine import load_default_engine

            return load_default_engine()
        except ImportError:
            return None

    services = AppServices(
        target=Target(sandbox=True), preflight_checks=lambda: [],
        run_preflight=lambda ids: _empty(), make_engine=engine,
        log_sources=lambda: [LogSource("app", "App pods", "app", follow, resource="pod/bench")])
    app = PetstoreApp(services, initial="troubleshoot", autostart=False)
    latencies: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        log = screen.query_one(LogView)
        for _ in range(200):  # bounded wait for the stream to be flowing
            await pilot.pause(0.05)
            if rate == 0 or log.total_lines > rate // 10:
                break
        # CPU seconds per second of the window: the UI thread's (the event loop runs here)
        # and the whole process's. Unlike latency, a busy machine barely moves them.
        ui_started, cpu_started, started = time.thread_time(), time.process_time(), time.perf_counter()
        deadline = started + seconds
        while time.perf_counter() < deadline:
            loop = asyncio.get_running_loop()
            rendered = loop.create_future()
            before = log.follow
            pressed = time.perf_counter()
            app.simulate_key("f")  # the troubleshoot screen's "toggle follow" binding
            while log.follow == before and time.perf_counter() - pressed < 5:
                await asyncio.sleep(0.0005)  # yields to the app: the key is handled there
            app.call_after_refresh(_resolve, rendered)
            try:
                latencies.append(await asyncio.wait_for(rendered, 5) - pressed)
            except TimeoutError:
                latencies.append(5.0)
            await asyncio.sleep(0.1)
        window = time.perf_counter() - started
        ui_cpu = (time.thread_time() - ui_started) / window
        process_cpu = (time.process_time() - cpu_started) / window
        for stop in screen.stops.values():  # the stream ends: every line sent must reach the view
            stop.set()
        for _ in range(200):
            await pilot.pause(0.05)
            if log.total_lines >= sent["lines"] and not screen.inbox:
                break
        shown = log.total_lines
        streamed = sent["lines"]
        findings = screen.query_one("FindingsTable").row_count
    latencies.sort()
    if not latencies:
        raise RuntimeError("no key press was measured")
    return {
        "presses": len(latencies),
        "p50_ms": 1000 * statistics.median(latencies),
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "max_ms": 1000 * latencies[-1],
        "lines_streamed": streamed,
        "lines_shown": shown,
        "findings": findings,
        "ui_cpu": ui_cpu,
        "process_cpu": process_cpu,
    }


def _resolve(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(time.perf_counter())


async def _empty():
    return
    yield  # pragma: no cover - an async generator with nothing in it


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--child", choices=("ours", "minimal"))
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rate", type=int, default=10_000)
    parser.add_argument("--only", choices=("start", "latency"), help="measure only this figure")
    parser.add_argument("--latency-runs", type=int, default=3, help="latency windows of each kind")
    parser.add_argument("--tree", type=Path, default=REPO,
                        help="the checkout whose code is measured (default: this one)")
    args = parser.parse_args()
    tree = args.tree.resolve()
    sys.path.insert(0, str(tree))
    if args.child:
        _child(args.child)
        return 0
    print(f"code measured: {tree}; load average at the start: {_load()}")
    if args.only != "latency":
        (min_wall, min_cpu), (our_wall, our_cpu) = bench_startup(args.runs, tree)
        print(f"start-up to first frame (median of {args.runs}, {SIZE[0]}x{SIZE[1]}), wall: minimal "
              f"Textual app {min_wall * 1000:.0f} ms, petstore-tui {our_wall * 1000:.0f} ms, ratio "
              f"{our_wall / min_wall:.2f} (target <= {START_TARGET})")
        print(f"start-up to first frame, CPU time: minimal {min_cpu * 1000:.0f} ms, petstore-tui "
              f"{our_cpu * 1000:.0f} ms, ratio {our_cpu / min_cpu:.2f}")
        print(f"  load average now: {_load()}")
    if args.only != "start":
        _bench_latencies(args)
    return 0


def _load() -> str:
    return f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


def _bench_latencies(args: argparse.Namespace) -> None:
    """--latency-runs windows with nothing streaming (the machine's noise floor) and as
    many streaming, taken in turns; each window's p50/p95/max, then the medians."""
    idle, streaming = [], []
    for _ in range(args.latency_runs):
        idle.append(asyncio.run(bench_latency(args.seconds, 0)))
        streaming.append(asyncio.run(bench_latency(args.seconds, args.rate)))
    for name, results in (("nothing streaming (noise floor)", idle),
                          (f"while streaming {args.rate} lines/s", streaming)):
        print(f"key-to-render latency {name}, {len(results)} windows of {args.seconds:g} s:")
        for r in results:
            print(f"  {r['presses']} presses: p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
                  f"max {r['max_ms']:.1f} ms; CPU s/s UI thread {r['ui_cpu']:.2f}, process {r['process_cpu']:.2f}"
                  + (f"; lines streamed {r['lines_streamed']}, reached the view {r['lines_shown']}, "
                     f"findings {r['findings']}" if r["lines_streamed"] else ""))
        median = {key: statistics.median(r[key] for r in results)
                  for key in ("p50_ms", "p95_ms", "ui_cpu", "process_cpu")}
        print(f"  median: p50 {median['p50_ms']:.1f} ms, p95 {median['p95_ms']:.1f} ms"
              + (f" (target <= {LATENCY_TARGET_MS:g} ms)" if results is streaming else "")
              + f"; CPU s/s UI thread {median['ui_cpu']:.2f}, process {median['process_cpu']:.2f}")
    print(f"  load average now: {_load()}")

if __name__ == "__main__":
    raise SystemExit(main())
