"""Benchmark the Pet Store API under gunicorn against a minimal WSGI app with the same settings."""

# Run: .venv/bin/python bench/bench_app.py [--rounds 2] [--seconds 2] [--python-client] [--endpoint id]
#
# All servers run under petstore-app/gunicorn.conf.py (3 workers; its worker class,
# threads and keep-alive, which GUNICORN_* variables in this script's environment
# override) on a loopback port. The load comes from another process: `wrk` when it is
# installed, else a multi-process Python keep-alive client (slower, so absolute figures
# drop; the ratio still compares like with like). Prints requests/s per endpoint (median
# and best of the rounds), the ratio to the minimal app (median of the per-round ratios:
# each round runs the servers back to back, so a ratio compares runs under the same
# machine load), and the count of non-2xx answers; then requests per server CPU-second
# (exact scheduler time), paired by round the same way: median, [min-max] and each round,
# with the load average before and after. Loopback only; bounded to a few seconds per
# endpoint.

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import runpy
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "petstore-app")]

PET_BODY = json.dumps({"name": "Bench", "species": "dog", "tag": "load"})
ENDPOINTS = {"id": ("GET", "/api/v1/pets/1"), "list": ("GET", "/api/v1/pets?limit=20"), "post": ("POST", "/api/v1/pets")}
_FIXED = b'{"id": 1, "name": "Rex", "species": "dog", "status": "available"}'


def minimal_app(environ, start_response):
    """The yardstick: reads the body, returns a fixed JSON document, nothing else."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        environ["wsgi.input"].read(length)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(_FIXED)))])
    return [_FIXED]


def _flask_floor():
    """Flask itself returning the same fixed JSON: how far the framework alone gets."""
    from flask import Flask, Response

    app = Flask("flask_floor")

    @app.route("/", defaults={"path": ""}, methods=["GET", "POST"])
    @app.route("/<path:path>", methods=["GET", "POST"])
    def fixed(path):
        return Response(_FIXED, mimetype="application/json")

    return app


def __getattr__(name):
    # gunicorn imports `bench_app:flask_floor`; build it only then, never for the script.
    if name == "flask_floor":
        return _flask_floor()
    raise AttributeError(name)


# ---------------------------------------------------------------- load generators

def run_wrk(url: str, seconds: int, connections: int, method: str, workdir: Path) -> tuple[float, int, int]:
    """(requests/s, total requests, non-2xx) from wrk."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if method == "POST":
        script = workdir / "post.lua"
        script.write_text(
            'wrk.method = "POST"\n'
            f"wrk.body = {json.dumps(PET_BODY)}\n"
            'wrk.headers["Content-Type"] = "application/json"\n'
        )
        cmd += ["-s", str(script)]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 30, check=False).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = int(bad.group(1)) if bad else 0
    if errors:
        non_2xx += sum(int(x) for x in errors.groups())
    return rps, total, non_2xx


def _client_worker(args) -> tuple[int, int]:
    host, port, path, method, deadline = args
    ok = bad = 0
    body = PET_BODY.encode() if method == "POST" else None
    headers = {"Content-Type": "application/json"} if body else {}
    conn = None
    while time.monotonic() < deadline:
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=10)
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if 200 <= resp.status < 300:
                ok += 1
            else:
                bad += 1
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None  # gunicorn's sync workers close after each response
        except OSError:
            bad += 1
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()
    return ok, bad


def run_python(url: str, seconds: int, connections: int, method: str, _workdir: Path) -> tuple[float, int, int]:
    m = re.match(r"http://([^:/]+):(\d+)(/.*)", url)
    host, port, path = m.group(1), int(m.group(2)), m.group(3)
    procs = min(connections, max(2, os.cpu_count() or 2))
    start = time.monotonic()
    deadline = start + seconds
    with multiprocessing.get_context("spawn").Pool(procs) as pool:
        results = pool.map(_client_worker, [(host, port, path, method, deadline)] * procs)
    elapsed = max(time.monotonic() - start, 1e-6)
    ok = sum(r[0] for r in results)
    bad = sum(r[1] for r in results)
    return (ok + bad) / elapsed, ok + bad, bad


# ---------------------------------------------------------------- servers

def _tasks(pid: int) -> list[int]:
    """A gunicorn master and its current workers."""
    try:
        return [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    except OSError:
        return [pid]


def _cpu_seconds(pid: int) -> tuple[float, tuple[int, ...]]:
    """(CPU seconds, the processes counted) of a gunicorn master and its current workers.

    Requests per CPU-second of the server does not depend on how much of the machine other
    processes take, nor on how keep-alive connections happen to spread over the workers, so
    it is the steadier comparison on a shared machine. The time is the scheduler's own, in
    nanoseconds, summed over every thread (/proc/PID/task/TID/schedstat, first field):
    /proc/PID/stat's utime + stime come in clock ticks (10 ms), which on a 2-second run of
    about one CPU-second is an error of a few percent per server, as large as the
    differences this bench is asked to show. A thread that ends takes its time with it,
    so the caller compares the processes counted before and after (a worker restarted by
    max_requests) and falls back to the ticks of /proc/PID/stat, reaped workers included."""
    pids = _tasks(pid)
    total = 0
    for one in pids:
        try:
            threads = os.listdir(f"/proc/{one}/task")
        except OSError:
            continue
        for tid in threads:
            try:
                total += int(Path(f"/proc/{one}/task/{tid}/schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                continue
    return total / 1e9, tuple(pids)


def _cpu_ticks_seconds(pid: int) -> float:
    """CPU time of a master and its workers in clock ticks, workers reaped since included."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for one in _tasks(pid):
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
        if one == pid:  # workers that exited (max_requests) and were reaped: cutime, cstime
            total += int(fields[13]) + int(fields[14])
    return total / tick


def measure(server, load, url: str, seconds: int, connections: int, method: str, workdir: Path):
    """(requests/s, total, non-2xx, requests per server CPU-second) of one run."""
    pid = server.proc.pid
    ticks = _cpu_ticks_seconds(pid)
    cpu, before = _cpu_seconds(pid)
    rps, total, bad = load(url, seconds, connections, method, workdir)
    cpu_after, after = _cpu_seconds(pid)
    cpu = cpu_after - cpu if after == before else _cpu_ticks_seconds(pid) - ticks
    return rps, total, bad, total / cpu if cpu > 0 else float("nan")


def spread(values: list[float]) -> str:
    """median [min-max] of a list of ratios."""
    return f"{statistics.median(values):.2f} [{min(values):.2f}-{max(values):.2f}]"


def _loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def seed_database(data_dir: Path, count: int = 200) -> None:
    from petstore import create_app

    app = create_app({"DATA_DIR": str(data_dir), "LOG_LEVEL": "WARNING"})
    client = app.test_client()
    for i in range(count):
        client.post("/api/v1/pets", json={"name": f"seed-{i}", "species": "cat"})
    app.extensions["petstore"].engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=2, help="load per run (1-30)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="alternating app/minimal/flask runs per endpoint; medians are reported (1-21)")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--endpoint", action="append", choices=sorted(ENDPOINTS),
                        help="only these endpoints (repeatable; default all three)")
    parser.add_argument("--python-client", action="store_true", help="use the Python client even if wrk exists")
    args = parser.parse_args()
    seconds = min(max(args.seconds, 1), 30)
    rounds = min(max(args.rounds, 1), 21)

    from tests.app.gunicorn_proc import GunicornProcess

    wrk = None if args.python_client else shutil.which("wrk")
    if wrk:
        load, loader = run_wrk, f"wrk ({wrk}), 2 threads, {args.connections} connections"
    else:
        load = run_python
        why = ("--python-client given" if args.python_client else
               "wrk is NOT installed: `apt-get install -y wrk` gives higher, more faithful figures")
        loader = f"multi-process Python keep-alive client ({why})"
    conf = runpy.run_path(str(REPO / "petstore-app" / "gunicorn.conf.py"))
    print(f"load generator: {loader}; {rounds} alternating rounds of {seconds}s per endpoint and app; "
          f"gunicorn 3 workers, worker_class={conf['worker_class']} threads={conf.get('threads', 1)} "
          f"keepalive={conf['keepalive']}s, on loopback; load average {_loadavg()}")

    work = Path(tempfile.mkdtemp(prefix="petstore-bench-"))
    try:
        seed_database(work / "data")
        env = {"DATA_DIR": str(work / "data"), "LOG_LEVEL": "INFO", "ENVIRONMENT": "bench",
               **{k: v for k, v in os.environ.items() if k.startswith("GUNICORN_") and k != "GUNICORN_BIND"}}
        endpoints = [ENDPOINTS[name] for name in (args.endpoint or ENDPOINTS)]
        results = {}
        loads: dict[tuple[str, str], list[str]] = {}
        bench_dir = REPO / "bench"
        with GunicornProcess(work / "app.log", env, workers=3) as app, \
                GunicornProcess(work / "minimal.log", env, app="bench_app:minimal_app", workers=3,
                                chdir=bench_dir) as minimal, \
                GunicornProcess(work / "floor.log", env, app="bench_app:flask_floor", workers=3,
                                chdir=bench_dir) as floor:
            app.wait_ready()
            minimal.wait_ready("/")
            floor.wait_ready("/")
            # One worker answering is not all three booted (on a loaded machine the others may
            # still be importing the app): a discarded warm-up run per server first.
            for server, path in ((app, "/api/v1/pets/1"), (minimal, "/"), (floor, "/")):
                load(server.base + path, 1, args.connections, "GET", work)
            servers = [("app", app), ("minimal", minimal), ("floor", floor)]
            for method, path in endpoints:
                runs: dict[str, list] = {"app": [], "minimal": [], "floor": []}
                loads[(method, path)] = [_loadavg().split()[0]]
                for round_ in range(rounds):
                    # The order turns each round, so a load that rises or falls through a
                    # round does not always fall on the same server.
                    for name, server in servers[round_ % 3:] + servers[:round_ % 3]:
                        runs[name].append(measure(server, load, server.base + path, seconds, args.connections,
                                                  method, work))
                loads[(method, path)].append(_loadavg().split()[0])
                results[(method, path)] = runs
        print(f"{'endpoint':26} {'app req/s':>9} {'(best)':>7} {'minimal':>8} {'ratio':>6} {'flask-only':>10} "
              f"{'ratio':>6} {'app non-2xx':>11}")
        worst_read = None
        for (method, path), runs in results.items():
            app_rps = [r[0] for r in runs["app"]]
            base_rps = [r[0] for r in runs["minimal"]]
            floor_rps = [r[0] for r in runs["floor"]]
            # Ratios per round (servers run back to back, under about the same machine load).
            ratio = statistics.median(a / b for a, b in zip(app_rps, base_rps, strict=True) if b)
            floor_ratio = statistics.median(f / b for f, b in zip(floor_rps, base_rps, strict=True) if b)
            # Non-2xx summed over every run, so none can hide.
            bad = sum(r[2] for r in runs["app"])
            base_bad = sum(r[2] for r in runs["minimal"])
            if method == "GET":
                worst_read = ratio if worst_read is None else min(worst_read, ratio)
            print(f"{method + ' ' + path:26} {statistics.median(app_rps):9.0f} {max(app_rps):7.0f} "
                  f"{statistics.median(base_rps):8.0f} {ratio:6.2f} {statistics.median(floor_rps):10.0f} "
                  f"{floor_ratio:6.2f} {bad:11d}"
                  + (f"  (minimal non-2xx {base_bad})" if base_bad else ""))
            rounds_text = " ".join(f"{a / b:.2f}" for a, b in zip(app_rps, base_rps, strict=True) if b)
            print(f"{'':26} per-round app/minimal: {rounds_text}")
            per_cpu = {name: statistics.median(r[3] for r in runs[name]) for name in ("app", "minimal", "floor")}
            # Per CPU-second, paired by round like the requests/s ratio above.
            cpu_ratio = [a[3] / b[3] for a, b in zip(runs["app"], runs["minimal"], strict=True)]
            floor_cpu_ratio = [f[3] / b[3] for f, b in zip(runs["floor"], runs["minimal"], strict=True)]
            print(f"{'':26} requests per server CPU-second: app {per_cpu['app']:.0f}, minimal "
                  f"{per_cpu['minimal']:.0f}, flask-only {per_cpu['floor']:.0f}")
            print(f"{'':26} per CPU-second app/minimal, median [min-max] of the rounds: {spread(cpu_ratio)}; "
                  f"flask-only/minimal {spread(floor_cpu_ratio)}; load {' -> '.join(loads[(method, path)])}")
            print(f"{'':26} per-round: {' '.join(f'{r:.2f}' for r in cpu_ratio)}")
        print(f"reads: worst app/minimal ratio {worst_read:.2f} (target >= 0.50); medians of {rounds} rounds; "
              "the flask-only column is Flask returning the same fixed JSON, the framework's own ceiling here; "
              f"load average now {_loadavg()}")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
