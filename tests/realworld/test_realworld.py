"""Held-out real-world corpus: does the catalog catch logs as people paste them?

Each case in cases.yaml is a log pasted in a public GitHub thread (with its paste damage:
wrapped lines, `> ` quotes, fences, timestamps, kubectl/compose prefixes, escaped JSON,
box-drawing, CRLF, ...), or a damage variant derived from one (named in `derived`).
The case's first line is `# source: <thread URL>`; it is stripped before feeding.

- a failure case passes when at least one of the catalog ids mapped to its kind fires;
- a `none` case (a near miss from the same threads) passes when nothing fires at error
  level or worse;
- no planted secret may come out unredacted (engine evidence and CLI JSON).

Run: .venv/bin/python -m pytest tests/realworld -q
Detection rate: .venv/bin/python -m pytest tests/realworld -q -rxX  (or run this file
as a script: .venv/bin/python tests/realworld/test_realworld.py prints the rate and misses).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
LOGS = HERE / "logs"

# Our stable failure kinds -> catalog ids that count as a hit for that kind.
KIND_IDS: dict[str, frozenset[str]] = {
    "alb-iam-addtags": frozenset({"alb-controller-addtags-denied"}),
    "alb-iam-other": frozenset({"alb-controller-iam-denied"}),
    "alb-irsa": frozenset({"alb-controller-irsa-web-identity-failed"}),
    "alb-subnets": frozenset({"alb-controller-subnet-discovery-failed"}),
    "alb-webhook": frozenset({"alb-controller-webhook-unreachable"}),
    "alb-imds": frozenset({"alb-controller-imds-unavailable"}),
    "werkzeug-import": frozenset(
        {
            "werkzeug-url-quote-import-error",
            "werkzeug-removed-api-import-error",
            "flask-dependency-import-error",
        }
    ),
    "sqlite-readonly": frozenset({"sqlite-readonly-database"}),
    "sqlite-open": frozenset({"sqlite-unable-to-open-database"}),
    "ecr-pull": frozenset({"ecr-pull-forbidden", "ecr-no-basic-auth"}),
    "ecr-no-auth": frozenset({"ecr-no-basic-auth"}),
    "ecr-not-found": frozenset({"ecr-image-not-found"}),
    "kubectl-unauthorized": frozenset({"kubectl-unauthorized", "eks-access-entry-failed"}),
    "eks-endpoint-unreachable": frozenset({"eks-endpoint-unreachable"}),
    "tf-duplicate-sg-rule": frozenset({"terraform-duplicate-sg-rule"}),
    "tf-duplicate-output": frozenset({"terraform-duplicate-output"}),
    "eks-unsupported-version": frozenset({"terraform-unsupported-eks-version"}),
    "tf-dependency-violation": frozenset({"terraform-vpc-dependency-violation"}),
    "gunicorn-timeout": frozenset({"gunicorn-worker-timeout"}),
    "gunicorn-boot": frozenset({"gunicorn-worker-boot-failed"}),
    "pg-refused": frozenset({"postgres-connection-refused"}),
    "pg-auth": frozenset({"postgres-auth-failed"}),
    "oomkilled": frozenset({"pod-oomkilled"}),
    "crashloop": frozenset({"pod-crashloopbackoff"}),
    "probe-failed": frozenset({"pod-probe-failed"}),
    "nodegroup-failed": frozenset({"eks-nodegroup-create-failed"}),
    "helm-ownership": frozenset({"helm-resource-ownership-conflict"}),
    "helm-chart-missing": frozenset({"helm-chart-repo-missing"}),
    "alb-ingressclass-missing": frozenset({"alb-controller-ingressclass-missing"}),
    "alb-crds-missing": frozenset({"alb-controller-crds-outdated"}),
    "alb-no-credentials": frozenset(
        {
            "alb-controller-serviceaccount-role-missing",
            "alb-controller-irsa-web-identity-failed",
            "aws-credentials-invalid",
        }
    ),
    "aws-credentials-invalid": frozenset({"aws-credentials-invalid"}),
    "tf-undeclared-variable": frozenset({"terraform-undeclared-variable"}),
}

# Cases the catalog misses today (reported; the lead fixes the catalog and removes the
# entry). Strict xfail: a fix makes the test XPASS and fail, so it gets noticed.
KNOWN_MISSES: dict[str, str] = {}

# A handful of cases also go once through the real CLI as a subprocess.
CLI_CASES = (
    "alb-iam-addtags/backtick-inline-json.log",
    "alb-subnets/stern-prefixed-discover.log",
    "werkzeug-import/url-quote-did-you-mean.log",
    "sqlite-readonly/compose-prefixed.log",
    "tf-duplicate-output/indented-0-14.log",
    "pg-refused/loguru-squashed.log",
    "pg-auth/derived-dsn-same-line.log",
    "ecr-no-auth/derived-docker-login-token.log",
    "none/alb-controller-healthy-startup.log",
    "none/gunicorn-healthy-startup.log",
)

ERROR_RANK = 2  # Severity.ERROR.rank


def load_cases() -> list[dict]:
    data = yaml.safe_load((HERE / "cases.yaml").read_text(encoding="utf-8"))
    return data["cases"]


CASES = load_cases()


def case_lines(rel: str) -> list[bytes]:
    """The case's bytes without its `# source:` line, split keeping CR and odd bytes."""
    data = (LOGS / rel).read_bytes()
    first, _, rest = data.partition(b"\n")
    assert first.startswith(b"# source: https://"), rel
    return rest.split(b"\n") if rest else []


def _param(case: dict):
    marks = []
    if case["file"] in KNOWN_MISSES:
        marks.append(
            pytest.mark.xfail(strict=True, reason="catalog misses: " + KNOWN_MISSES[case["file"]])
        )
    return pytest.param(case, id=case["file"], marks=marks)


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from checks.catalog_loader import load_catalog
    from checks.engine import Engine

    return Engine(load_catalog(), cache_dir=tmp_path_factory.mktemp("matcher-cache"))


def run_case(engine, case: dict):
    engine.reset()
    resource = "realworld/" + case["file"]
    for line in case_lines(case["file"]):
        engine.feed(line, resource=resource)
    engine.flush()
    return engine.findings(include_acknowledged=True)


def test_manifest_matches_files():
    listed = {case["file"] for case in CASES}
    on_disk = {str(p.relative_to(LOGS)) for p in LOGS.rglob("*.log")}
    assert listed == on_disk
    for case in CASES:
        assert case["kind"] == "none" or case["kind"] in KIND_IDS, case
        assert case["file"].split("/")[0] == case["kind"], case


def test_kind_map_names_real_catalog_ids():
    from checks.catalog_loader import load_catalog

    ids = {entry.id for entry in load_catalog()}
    for kind, wanted in KIND_IDS.items():
        assert wanted & ids, f"{kind}: none of {sorted(wanted)} is in the catalog"


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case(engine, case):
    findings = run_case(engine, case)
    fired = {f.failure_id for f in findings}
    if case["kind"] == "none":
        loud = sorted(
            f"{f.failure_id} ({f.severity.value})"
            for f in findings
            if f.severity.rank >= ERROR_RANK
        )
        assert not loud, f"near miss fired: {loud}"
    else:
        wanted = KIND_IDS[case["kind"]]
        assert fired & wanted, f"expected one of {sorted(wanted)}, fired {sorted(fired)}"
    # No planted secret leaves the engine unredacted.
    shown = json.dumps(
        [[f.failure_id, f.resource, f.evidence, f.details] for f in findings], default=str
    )
    for secret in case.get("secrets", ()):
        assert secret not in shown, f"secret leaked in evidence: {secret[:6]}..."


@pytest.mark.parametrize("case", [pytest.param(c, id=c["file"]) for c in CASES])
def test_bulk_path_agrees_with_line_path(engine, case):
    """The bulk path (scan_bytes, what `diagnose FILE` uses) finds what feed() finds."""
    by_line = {f.failure_id for f in run_case(engine, case)}
    engine.reset()
    data = b"\n".join(case_lines(case["file"]))
    engine.scan_bytes(data, resource="realworld/" + case["file"])
    engine.flush()
    bulk = {f.failure_id for f in engine.findings(include_acknowledged=True)}
    assert bulk == by_line


@pytest.fixture(scope="module")
def python_engine(tmp_path_factory):
    from checks.catalog_loader import load_catalog
    from checks.engine import Engine

    return Engine(load_catalog(), matcher="python", cache_dir=tmp_path_factory.mktemp("py-cache"))


@pytest.mark.parametrize("case", [pytest.param(c, id=c["file"]) for c in CASES])
def test_python_fallback_agrees(engine, python_engine, case):
    """The plain-Python matcher (used where Hyperscan cannot be installed) finds the same."""
    default = {f.failure_id for f in run_case(engine, case)}
    fallback = {f.failure_id for f in run_case(python_engine, case)}
    assert fallback == default


@pytest.mark.parametrize("rel", CLI_CASES)
def test_cli_json(rel, tmp_path):
    case = next(c for c in CASES if c["file"] == rel)
    path = tmp_path / Path(rel).name
    path.write_bytes(b"\n".join(case_lines(rel)))
    exe = ROOT / ".venv" / "bin" / "petstore-tui"
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "petstore_tui.cli"]
    proc = subprocess.run(
        command + ["diagnose", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    fired = {f["id"] for f in report["findings"]}
    if case["kind"] == "none":
        loud = [f["id"] for f in report["findings"] if f["severity"] in ("error", "critical")]
        assert not loud
        assert proc.returncode == 0
    else:
        assert fired & KIND_IDS[case["kind"]], sorted(fired)
        assert proc.returncode == 1
    for secret in case.get("secrets", ()):
        assert secret not in proc.stdout
        assert secret not in proc.stderr


def detection_report() -> int:
    """Print the detection rate and every miss (for the report; not a test)."""
    import tempfile

    from checks.catalog_loader import load_catalog
    from checks.engine import Engine

    eng = Engine(load_catalog(), cache_dir=Path(tempfile.mkdtemp()))
    pos = neg = pos_hit = neg_ok = 0
    misses = []
    for case in CASES:
        findings = run_case(eng, case)
        fired = {f.failure_id for f in findings}
        if case["kind"] == "none":
            neg += 1
            loud = sorted(f.failure_id for f in findings if f.severity.rank >= ERROR_RANK)
            if loud:
                misses.append((case["file"], "false positive: " + ", ".join(loud)))
            else:
                neg_ok += 1
        else:
            pos += 1
            if fired & KIND_IDS[case["kind"]]:
                pos_hit += 1
            else:
                misses.append(
                    (case["file"], "missed; fired: " + (", ".join(sorted(fired)) or "nothing"))
                )
    print(f"positives detected: {pos_hit}/{pos} ({100 * pos_hit / pos:.1f}%)")
    print(f"negatives quiet:    {neg_ok}/{neg} ({100 * neg_ok / neg:.1f}%)")
    for rel, why in misses:
        print(f"  MISS {rel}: {why}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(detection_report())
