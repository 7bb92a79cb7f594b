"""Benchmark `diagnose` on a generated 1,000,000-line mixed log against `grep -E -i`."""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
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


def generate(path: Path, lines: int, failure_rate: float, catalog_dir: Path, seed: int = 7) -> int:
    rng = random.Random(seed)
    blocks = failure_blocks(catalog_dir)
    written = 0
    injected = 0
    with open(path, "w", encoding="utf-8") as out:
        buf = []
        while written < lines:
            if blocks and rng.random() < failure_rate:
                block = rng.choice(blocks)[: lines - written]
                buf.extend(block)
                written += len(block)
                injected += 1
            else:
                template = HEALTHY[rng.randrange(len(HEALTHY))]
                buf.append(template.format(a=rng.randrange(1, 4), b=rng.randrange(256), m=rng.randrange(60),
                                           s=rng.randrange(60), n=rng.randrange(1 << 20), size=rng.randrange(20, 9000),
                                           pid=rng.randrange(7, 400)))
                written += 1
            if len(buf) >= 10000:
                out.write("\n".join(buf) + "\n")
                buf.clear()
        if buf:
            out.write("\n".join(buf) + "\n")
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
    """CPU seconds of this process and its finished children (user + system)."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _summary(engine) -> list:
    """What a run found, for comparing matchers (times come from the clock: left out)."""
    return sorted((f.failure_id, f.resource, f.count, tuple(f.evidence)) for f in engine.findings())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--failure-rate", type=float, default=0.0005, help="chance a line starts a failure block")
    parser.add_argument("--runs", type=int, default=3, help="best of N for each timing")
    parser.add_argument("--keep", type=Path, help="write the log here and keep it")
    parser.add_argument("--catalog", type=Path, default=Path(os.environ.get("PETSTORE_TUI_CATALOG") or CATALOG_DIR),
                        help="catalog folder (default: $PETSTORE_TUI_CATALOG, else checks/catalog)")
    args = parser.parse_args()
    os.environ["PETSTORE_TUI_CATALOG"] = str(args.catalog.resolve())  # the CLI run reads the same one

    from checks.engine import Engine
    from checks.engine.matcher import hyperscan_available

    catalog = load_catalog(args.catalog)
    signatures = [s for e in catalog for s in e.signatures]
    workdir = Path(tempfile.mkdtemp(prefix="bench-diagnose-"))
    log = args.keep or workdir / "mixed.log"
    started = time.perf_counter()
    injected = generate(log, args.lines, args.failure_rate, args.catalog)
    size = log.stat().st_size
    print(f"log: {args.lines:,} lines, {size / 1e6:.1f} MB, {injected} failure blocks injected "
          f"({time.perf_counter() - started:.1f} s to generate); catalog: {len(catalog)} entries, "
          f"{len(signatures)} signatures")
    log.read_bytes()  # warm the page cache for every contender alike

    built: dict[str, tuple[Engine, float]] = {}
    kinds = (["hyperscan"] if hyperscan_available() else []) + ["python"]
    for kind in kinds:
        started = time.perf_counter()
        built[kind] = (Engine(catalog, matcher=kind), time.perf_counter() - started)

    def engine_scan(kind: str):
        def go():
            engine = built[kind][0]
            engine.reset()
            engine.scan_file(log)
            return engine
        return go

    cli = [sys.executable, "-m", "petstore_tui", "diagnose", "--json", str(log)]
    env = dict(os.environ, PETSTORE_TUI_HOME=str(workdir / "state"))

    def cli_run():
        proc = subprocess.run(cli, env=env, capture_output=True, timeout=600, cwd=REPO)  # noqa: S603
        if proc.returncode not in (0, 1):
            raise SystemExit(f"diagnose failed ({proc.returncode}): {proc.stderr.decode()[:500]}")
        return json.loads(proc.stdout)

    contenders = {f"engine bulk scan ({kind})": engine_scan(kind) for kind in kinds}
    contenders["diagnose CLI end-to-end"] = cli_run
    cli_run()  # the first run fills the state folder's cache: validated catalog, compiled Hyperscan database
    grep = shutil.which("grep")
    if grep:
        patterns = workdir / "patterns.ere"
        patterns.write_text("\n".join(to_ere(s) for s in signatures) + "\n")
        genv = dict(os.environ, LC_ALL="C")  # grep's fastest setting: byte-wise, no UTF-8 decoding

        def grep_run():
            proc = subprocess.run([grep, "-E", "-i", "-c", "-f", str(patterns), str(log)],  # noqa: S603
                                  env=genv, capture_output=True, timeout=600)
            if proc.returncode not in (0, 1):
                raise SystemExit(f"grep failed: {proc.stderr.decode()[:300]}")
            return int(proc.stdout or 0)
        contenders["grep -E -i"] = grep_run

    # Rounds interleave the contenders so that load from other users of the machine
    # falls on all of them alike; best wall and best CPU time (user+sys, children too).
    wall = {name: float("inf") for name in contenders}
    cpu = {name: float("inf") for name in contenders}
    results = {}
    for _ in range(args.runs):
        for name, func in contenders.items():
            c0, w0 = _cpu(), time.perf_counter()
            results[name] = func()
            wall[name] = min(wall[name], time.perf_counter() - w0)
            cpu[name] = min(cpu[name], _cpu() - c0)
    for name in contenders:
        extra = ""
        if name.startswith("engine"):
            kind = name[name.index("(") + 1:-1]
            engine, build = built[kind]
            extra = (f"  ({len(engine.findings())} findings, {sum(f.count for f in engine.findings())} events;"
                     f" building the matcher took {build:.3f} s more, not counted)")
            if kind == "python":
                literal_filter = getattr(engine.matcher, "_filter", None)
                passes = f", {len(literal_filter.passes)} literal passes a block" if literal_filter else ""
                same = "" if "hyperscan" not in built else (
                    "; same findings as hyperscan" if _summary(engine) == _summary(built["hyperscan"][0])
                    else "; FINDINGS DIFFER FROM HYPERSCAN")
                extra = extra[:-1] + f"; fallback without Hyperscan{passes}{same})"
        elif name.startswith("diagnose"):
            extra = f"  (matcher {results[name]['matcher']}, cached catalog and database; process start, catalog, scan, JSON)"
        else:
            extra = f"  ({results[name]} matching lines; signatures translated to ERE, LC_ALL=C)"
        print(f"{name:30} wall {wall[name]:6.3f} s {args.lines / wall[name] / 1e6:6.2f} M lines/s   "
              f"cpu {cpu[name]:6.3f} s {args.lines / cpu[name] / 1e6:6.2f} M lines/s{extra}")
    if "grep -E -i" in wall:
        for name in wall:
            if name != "grep -E -i":
                print(f"ratio {name} / grep -E -i: wall {wall['grep -E -i'] / wall[name]:5.2f}   "
                      f"cpu {cpu['grep -E -i'] / cpu[name]:5.2f}")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
