"""Benchmark `diagnose` on a generated 1,000,000-line mixed log against `grep -E -i -f` with
the same signatures, in both locales (LC_ALL=C and C.UTF-8), for two signature sets: the
full catalog, and a simpler set of 18 plain phrases taken from it.

    .venv/bin/python bench/bench_diagnose.py [--runs 5]

Every figure is the median of --runs rounds; the rounds interleave the contenders so that
load from other users of the machine falls on all of them alike (each round in another
order). The CLI is the whole
process an operator runs (the `petstore-tui` script beside this Python), with its cache
warm (validated catalog, compiled Hyperscan database and regexes) and the project's
bytecode compiled beforehand, as an installed package has it. Wall and CPU time (user +
sys) are both printed: on a shared machine CPU time is the steadier of the two.

The target (>= 1.5x grep) is read on wall time: what the operator waits on. The CPU
ratio is printed beside it (the machine's total work); where the two differ, say which.
Wall time needs a quiet machine.

    --tree DIR   also runs the CLI of another checkout (`python -m petstore_tui` in DIR,
                 its bytecode compiled there), interleaved with this one: before and after
                 under the same load
    --sets simple   only the simple set (the catalog set's grep takes ~80 s a round)
    --format app-json   every line as one of the Pet Store app's JSON log lines (what
                 `kubectl logs` of its pods gives; round 15), e.g. with --lines 100000
    --format app-access   the app's own lines, made by its JsonFormatter (petstore/logs.py,
                 `ts` records): each healthy line an access line, each failure line an error
                 record of its text (escaped as the app escapes it); round 17
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from checks.catalog_loader import CATALOG_DIR, load_catalog, load_samples, sample_lines  # noqa: E402

HEALTHY = (
    '10.0.{a}.{b} - - [27/Nov/2026:10:{m:02d}:{s:02d} +0000] "GET /api/v1/pets?limit=20&offset={n} HTTP/1.1" 200 {size} "-" "kube-probe/1.32"',
    '10.0.{a}.{b} - - [27/Nov/2026:10:{m:02d}:{s:02d} +0000] "GET /api/v1/health HTTP/1.1" 200 17 "-" "ELB-HealthChecker/2.0"',
    '[2026-11-27 10:{m:02d}:{s:02d} +0000] [{pid}] [INFO] Booting worker with pid: {pid}',
    '{{"level":"info","ts":"2026-11-27T10:{m:02d}:{s:02d}Z","logger":"controllers.ingress","msg":"successfully deployed model","ingressGroup":"petstore/petstore"}}',
    '{{"level":"info","ts":"2026-11-27T10:{m:02d}:{s:02d}Z","logger":"backend-sg-provider","msg":"Auto Create SG","securityGroupID":"sg-0{n:016x}"}}',
    '{{"time":"2026-11-27T10:{m:02d}:{s:02d}Z","level":"INFO","msg":"request","method":"POST","path":"/api/v1/pets","status":201,"duration_ms":{size}}}',
    'I1127 10:{m:02d}:{s:02d}.{n:06d}       1 reflector.go:368] Caches populated for *v1.Service from pkg/mod/k8s.io/client-go',
    '2026-11-27T10:{m:02d}:{s:02d}Z Normal Scheduled pod/petstore-{n:x}: Successfully assigned petstore/petstore-{n:x} to ip-10-0-1-{b}.ec2.internal',
    'aws_security_group_rule.node_ingress[{b}]: Refreshing state... [id=sgrule-{n}]',
    'Step {b}/12 : RUN pip install --no-cache-dir -r requirements.txt',
)


def failure_blocks(catalog_dir: Path) -> list[list[str]]:
    """The catalog's positive samples, each a block of lines to sprinkle in."""
    blocks = []
    for entry_dir in sorted(p for p in catalog_dir.iterdir() if p.is_dir()):
        for path in load_samples(entry_dir)["positive"]:
            lines = [line.decode("utf-8", "replace") for line in sample_lines(path)]
            lines = [line for line in lines if line.strip()]
            if lines:
                blocks.append(lines)
    return blocks


def _app_json(line: str, n: int, rng: random.Random) -> str:
    """`line` as the Pet Store app's logger writes it (petstore/logs.py: one JSON object a
    line, the text under `message`), with the `time` key log shippers use; the healthy
    access-log lines become the app's access lines, the others keep their text."""
    entry = {"time": f"2026-12-07T10:{n // 60 % 60:02d}:{n % 60:02d}+0000", "level": "INFO",
             "logger": "petstore.access", "message": line}
    if line.startswith("10.0."):
        entry.update(message=f"GET /api/pets/{n} 200", request_id=f"{rng.getrandbits(128):032x}", method="GET",
                     path=f"/api/pets/{n}", status=200, duration_ms=1.5)
    else:
        entry.update(level="ERROR", logger="petstore.app")
    return json.dumps(entry, separators=(",", ":"), ensure_ascii=False)


_ACCESS = (("GET", "/api/v1/pets/{n}", 200), ("GET", "/api/v1/pets?limit=20&offset={n}", 200),
           ("POST", "/api/v1/pets", 201), ("GET", "/api/v1/health", 200), ("GET", "/api/v1/pets/{n}", 404),
           ("DELETE", "/api/v1/pets/{n}", 204))


def _app_access(fmt):
    """A function (line, n, rng, healthy) -> the line as the Pet Store app writes it, through the app's
    own JsonFormatter (`fmt`): a healthy line becomes an access line (`petstore.access`, the
    fields middleware.py passes to logs.access_line, which writes the same bytes), any other
    line an error record whose message is the line. The record's time is n seconds into a
    fixed day, so the log is the same on every run."""
    import logging  # start-up: only this format needs the logging module's records

    def line_of(line: str, n: int, rng: random.Random, healthy: bool) -> str:
        if healthy:
            method, path, status = _ACCESS[rng.randrange(len(_ACCESS))]
            path = path.format(n=n % 5000)
            record = logging.LogRecord("petstore.access", logging.INFO, __file__, 0, f"{method} {path} {status}",
                                       None, None)
            record.request_id = f"{rng.getrandbits(128):032x}"
            record.method, record.path, record.status = method, path, status
            record.duration_ms = rng.randrange(300, 90000) / 1000
            record.remote_addr = f"10.0.{rng.randrange(1, 4)}.{rng.randrange(256)}"
        else:
            record = logging.LogRecord("petstore.app", logging.ERROR, __file__, 0, "%s", (line,), None)
        record.created = 1796601600.0 + n  # 2026-12-07T00:00:00Z
        record.msecs = float(n % 1000)
        return fmt.format(record)
    return line_of


def generate(path: Path, lines: int, failure_rate: float, catalog_dir: Path, seed: int = 7,
             fmt: str = "mixed") -> int:
    """The benchmark's log; with fmt "app-json" each line (a healthy one as an access line)
    is one of the app's JSON log lines (docs/knowledge/diagnose-speed.md, round 15), with
    "app-access" one the app's own JsonFormatter writes (round 17)."""
    rng = random.Random(seed)
    shape = None
    if fmt == "app-json":
        shape = lambda line, n, rng, healthy: _app_json(line, n, rng)  # noqa: E731
    elif fmt == "app-access":
        sys.path.insert(0, str(REPO / "petstore-app"))
        # start-up: only this format needs the app's formatter
        from petstore.logs import JsonFormatter

        shape = _app_access(JsonFormatter())
    blocks = failure_blocks(catalog_dir)
    written = 0
    injected = 0
    with open(path, "w", encoding="utf-8") as out:
        buf = []
        healthy = []  # per line of buf: a healthy line (else a failure block's)
        while written < lines:
            if blocks and rng.random() < failure_rate:
                block = rng.choice(blocks)[: lines - written]
                buf.extend(block)
                healthy.extend([False] * len(block))
                written += len(block)
                injected += 1
            else:
                template = HEALTHY[rng.randrange(len(HEALTHY))]
                buf.append(template.format(a=rng.randrange(1, 4), b=rng.randrange(256), m=rng.randrange(60),
                                           s=rng.randrange(60), n=rng.randrange(1 << 20), size=rng.randrange(20, 9000),
                                           pid=rng.randrange(7, 400)))
                healthy.append(True)
                written += 1
            if len(buf) >= 10000:
                if shape is not None:
                    buf = [shape(line, written - len(buf) + i, rng, healthy[i]) for i, line in enumerate(buf)]
                out.write("\n".join(buf) + "\n")
                buf.clear()
                healthy.clear()
        if buf:
            if shape is not None:
                buf = [shape(line, written - len(buf) + i, rng, healthy[i]) for i, line in enumerate(buf)]
            out.write("\n".join(buf) + "\n")
    return injected


def write_log(path: Path, lines: int, failure_rate: float, catalog_dir: Path, fmt: str = "mixed") -> int:
    """generate() into a file beside `path`, then `path` as a copy of it (the written file
    removed): every contender reads the copy. A file written in 10,000-line pieces cost
    its readers (the CLI and grep alike) ~2-7 ms more CPU than a copy of it (kernel 6.18
    page-cache folios; docs/knowledge/diagnose-speed.md, rounds 19 and 20), and how much
    may differ from one bench invocation to the next."""
    written = path.with_name(path.name + ".written")
    try:
        injected = generate(written, lines, failure_rate, catalog_dir, fmt=fmt)
        shutil.copyfile(written, path)
    finally:
        written.unlink(missing_ok=True)
    return injected


def to_ere(signature: str) -> str:
    """A Python/Hyperscan regex as POSIX ERE for GNU grep: \\s \\S \\d \\w outside and inside
    brackets, (?:...) to (...), lazy quantifiers to greedy (same lines match)."""
    out = []
    i, in_class = 0, False
    classes = {"s": "[:space:]", "d": "0-9", "w": "[:alnum:]_"}
    negated = {"S": "[^[:space:]]", "D": "[^0-9]", "W": "[^[:alnum:]_]"}
    while i < len(signature):
        c = signature[i]
        if c == "\\" and i + 1 < len(signature):
            n = signature[i + 1]
            if n in classes:
                out.append(classes[n] if in_class else f"[{classes[n]}]")
            elif n in negated and not in_class:
                out.append(negated[n])
            else:
                out.append(c + n)
            i += 2
            continue
        if in_class:
            if c == "]":
                in_class = False
            out.append(c)
        elif c == "[":
            in_class = True
            out.append(c)
            if signature[i + 1:i + 2] == "^":
                out.append("^")
                i += 1
            if signature[i + 1:i + 2] == "]":
                out.append("]")
                i += 1
        elif signature.startswith("(?:", i):
            out.append("(")
            i += 3
            continue
        elif c in "*+?}" and signature[i + 1:i + 2] == "?":
            out.append(c)
            i += 2
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (user + sys)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _summary(engine) -> list:
    """What a run found, for comparing matchers (times come from the clock: left out)."""
    return sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in engine.findings())


SIMPLE_SIZE = 18
_PLAIN = re.compile(r"[A-Za-z0-9_:'.-]+(?:\\s\+[A-Za-z0-9_:'.-]+)*")  # words joined by \s+


def simple_signatures(catalog) -> list[tuple[str, str]]:
    """The simpler set: (entry id, signature) for the catalog's plain phrases (literal words
    joined by \\s+, nothing else), fewest words first, then shortest; the first 18."""
    plain = [(entry.id, sig) for entry in catalog for sig in entry.signatures if _PLAIN.fullmatch(sig)]
    plain.sort(key=lambda item: (len(item[1].split("\\s+")), len(item[1]), item))
    return plain[:SIMPLE_SIZE]


def write_catalog(source: Path, chosen: list[tuple[str, str]], dest: Path) -> Path:
    """A catalog folder holding only the chosen signatures of their entries (no overlaps:
    the other entries are not there)."""
    import yaml

    by_id: dict[str, list[str]] = {}
    for entry_id, signature in chosen:
        by_id.setdefault(entry_id, []).append(signature)
    for entry_id, signatures in by_id.items():
        data = yaml.safe_load((source / entry_id / "failure.yaml").read_text(encoding="utf-8"))
        data["signatures"] = signatures
        data.pop("overlaps", None)
        (dest / entry_id).mkdir(parents=True)
        (dest / entry_id / "failure.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return dest


def _cli_command(module: bool) -> list[str]:
    """`petstore-tui` as installed beside this Python (what an operator runs), else (or
    with --module) `python -m petstore_tui` run in this checkout."""
    script = Path(sys.executable).with_name("petstore-tui")
    if script.is_file() and not module:
        return [str(script)]
    return [sys.executable, "-m", "petstore_tui"]


def _compile_bytecode(tree: Path = REPO) -> None:
    """Bytecode for the project, as pip writes it at install time (this machine sets
    PYTHONDONTWRITEBYTECODE, so a checkout would otherwise compile its sources every run)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "petstore_core"), str(tree / "petstore_tui"),
                    str(tree / "checks")],
                   check=True, capture_output=True, timeout=300)  # noqa: S603


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


class Timings:
    """Wall and CPU seconds of each contender, one entry a round."""

    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def run(self, name: str, func):
        c0, w0 = _cpu(), time.perf_counter()
        result = func()
        self.wall.setdefault(name, []).append(time.perf_counter() - w0)
        self.cpu.setdefault(name, []).append(_cpu() - c0)
        return result

    def median(self, name: str) -> tuple[float, float]:
        return statistics.median(self.wall[name]), statistics.median(self.cpu[name])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--failure-rate", type=float, default=0.0005, help="chance a line starts a failure block")
    parser.add_argument("--runs", type=int, default=5, help="rounds; every figure is the median of them")
    parser.add_argument("--keep", type=Path, help="write the log here and keep it")
    parser.add_argument("--format", choices=("mixed", "app-json", "app-access"), default="mixed",
                        help="the log's lines: the mixed log, each as one of the Pet Store app's JSON lines (app-json), "
                             "or as the app's own JsonFormatter writes it (app-access)")
    parser.add_argument("--catalog", type=Path, default=Path(os.environ.get("PETSTORE_TUI_CATALOG") or CATALOG_DIR),
                        help="catalog folder (default: $PETSTORE_TUI_CATALOG, else checks/catalog)")
    parser.add_argument("--no-engine", action="store_true", help="leave out the in-process engine scans")
    parser.add_argument("--module", action="store_true",
                        help="run the CLI as `python -m petstore_tui` from this checkout (to compare checkouts)")
    parser.add_argument("--tree", type=Path, help="another checkout whose CLI runs too, interleaved (before/after)")
    parser.add_argument("--sets", choices=("both", "simple", "catalog"), default="both", help="signature sets to run")
    parser.add_argument("--grep-cap", type=float, default=600,
                        help="seconds a grep run may take; one stopped there counts as a lower bound and is not re-run")
    args = parser.parse_args()
    print(f"load average at start: {_load()} ({os.cpu_count()} cores)")

    from checks.engine import Engine
    from checks.engine.matcher import hyperscan_available

    catalog = load_catalog(args.catalog)
    workdir = Path(tempfile.mkdtemp(prefix="bench-diagnose-"))
    log = args.keep or workdir / "mixed.log"
    started = time.perf_counter()
    injected = write_log(log, args.lines, args.failure_rate, args.catalog, fmt=args.format)
    size = log.stat().st_size
    chosen = simple_signatures(catalog)
    sets = {
        "catalog": (args.catalog.resolve(), [s for e in catalog for s in e.signatures]),
        "simple": (write_catalog(args.catalog, chosen, workdir / "simple-catalog"), [s for _, s in chosen]),
    }
    print(f"log: {args.lines:,} lines, {size / 1e6:.1f} MB, {injected} failure blocks injected "
          f"({time.perf_counter() - started:.1f} s to generate)")
    print(f"signature sets: catalog = {len(catalog)} entries, {len(sets['catalog'][1])} signatures; "
          f"simple = the {len(chosen)} plain phrases of the catalog with the fewest words "
          f"(from {len({i for i, _ in chosen})} entries)")
    if args.sets != "both":
        sets = {args.sets: sets[args.sets]}
    log.read_bytes()  # warm the page cache for every contender alike
    _compile_bytecode()
    clis = {"": _cli_command(args.module or args.tree is not None)}  # like for like with --tree
    if args.tree:
        tree = args.tree.resolve()
        _compile_bytecode(tree)
        clis[f" ({tree.name})"] = [sys.executable, "-m", "petstore_tui"]

    timings = Timings()
    contenders: dict[str, object] = {}
    built: dict[str, tuple[Engine, float]] = {}
    if not args.no_engine:
        for kind in (["hyperscan"] if hyperscan_available() else []) + ["python"]:
            t0 = time.perf_counter()
            built[kind] = (Engine(catalog, matcher=kind), time.perf_counter() - t0)

            def engine_scan(kind=kind):
                engine = built[kind][0]
                engine.reset()
                engine.scan_file(log)
                return engine
            contenders[f"engine bulk scan ({kind}), catalog"] = engine_scan
    grep = shutil.which("grep")
    for set_name, (catalog_dir, signatures) in sets.items():
        for label, cli in clis.items():
            # `python -m` finds the package of its working folder first: the other tree's
            cwd = args.tree.resolve() if label else REPO
            # a state folder per tree: the catalog cache's key holds the stamps of the code
            # that built it, so two trees sharing one would rebuild it in every run
            env = dict(os.environ, PETSTORE_TUI_HOME=str(workdir / f"state-{set_name}{'-tree' if label else ''}"),
                       PETSTORE_TUI_CATALOG=str(catalog_dir))

            def cli_run(env=env, cli=cli, cwd=cwd):
                proc = subprocess.run([*cli, "diagnose", "--json", str(log)], env=env, capture_output=True,  # noqa: S603
                                      timeout=600, cwd=cwd)
                if proc.returncode not in (0, 1):
                    raise SystemExit(f"diagnose failed ({proc.returncode}): {proc.stderr.decode()[:500]}")
                return json.loads(proc.stdout)
            cli_run()  # the first run fills the state folder's cache
            contenders[f"diagnose CLI{label}, {set_name}"] = cli_run
        if grep:
            patterns = workdir / f"{set_name}.ere"
            patterns.write_text("\n".join(to_ere(s) for s in signatures) + "\n")
            for locale in ("C", "C.UTF-8"):
                genv = dict(os.environ, LC_ALL=locale)

                def grep_run(genv=genv, patterns=patterns):
                    try:
                        proc = subprocess.run([grep, "-E", "-i", "-c", "-f", str(patterns), str(log)],  # noqa: S603
                                              env=genv, capture_output=True, timeout=args.grep_cap)
                    except subprocess.TimeoutExpired:
                        return None  # stopped at the cap: its time is a lower bound
                    if proc.returncode not in (0, 1):
                        raise SystemExit(f"grep failed: {proc.stderr.decode()[:300]}")
                    return int(proc.stdout or 0)
                contenders[f"grep -E -i, {set_name}, LC_ALL={locale}"] = grep_run

    results = {}
    names = list(contenders)
    for round_number in range(args.runs):
        # each round starts one contender further on: none always runs first (or right
        # after the catalog's long grep runs)
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            if name in results and results[name] is None:
                continue  # a grep stopped at the cap once: its bound stands, no need to wait again
            results[name] = timings.run(name, contenders[name])

    print(f"\nmedians of {args.runs} rounds (wall, then CPU = user + sys):")
    for name in contenders:
        wall, cpu = timings.median(name)
        extra = ""
        if name.startswith("engine"):
            kind = name[name.index("(") + 1:name.index(")")]
            engine, build = built[kind]
            extra = (f"  {len(engine.findings())} findings, {sum(f.count for f in engine.findings())} events;"
                     f" matcher built in {build:.3f} s, not counted")
            if kind == "python" and "hyperscan" in built:
                same = _summary(engine) == _summary(built["hyperscan"][0])
                extra += "; same findings as hyperscan" if same else "; FINDINGS DIFFER FROM HYPERSCAN"
        elif name.startswith("diagnose"):
            doc = results[name]
            extra = (f"  matcher {doc['matcher']}, {len(doc['findings'])} findings, "
                     f"{sum(f['count'] for f in doc['findings'])} events")
        elif results[name] is None:
            extra = f"  stopped at the cap ({args.grep_cap:.0f} s): a lower bound"
        else:
            extra = f"  {results[name]} matching lines"
        print(f"  {name:38} wall {wall:6.3f} s {args.lines / wall / 1e6:5.2f} M lines/s   "
              f"cpu {cpu:6.3f} s{extra}")
    if grep:
        print("\nratio = grep's median time / the CLI's median time (target >= 1.5 in each row, read on wall):")
        for set_name in sets:
            for label in clis:
                cli_wall, cli_cpu = timings.median(f"diagnose CLI{label}, {set_name}")
                for locale in ("C", "C.UTF-8"):
                    grep_wall, grep_cpu = timings.median(f"grep -E -i, {set_name}, LC_ALL={locale}")
                    wall_ratio, cpu_ratio = grep_wall / cli_wall, grep_cpu / cli_cpu
                    verdict = "met" if wall_ratio >= 1.5 else "NOT met"
                    if results[f"grep -E -i, {set_name}, LC_ALL={locale}"] is None:
                        verdict += " (at least: grep stopped at the cap)"
                    print(f"  {set_name + label:24} LC_ALL={locale:8} wall {wall_ratio:5.2f}x ({grep_wall:.3f} s / "
                          f"{cli_wall:.3f} s)   cpu {cpu_ratio:5.2f}x ({grep_cpu:.3f} s / {cli_cpu:.3f} s)   {verdict}")
    print(f"load average at end: {_load()}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
