"""Every planted defect and harmless edit of tests/preflight/config/ (registered beside its
check's tests, tests/support/plants.py), run end to end on its own copy of this repository
through the real command

    .venv/bin/petstore-tui preflight --group config --project-dir <copy> --json

as a subprocess, asserting that (1) the output is the JSON of docs/preflight-json.md, (2) the
exit status is 1 for a defect and 0 for a harmless edit, (3) the plant's check FAILED with
the plant's failure_id (and the file:line or value it must name), and for a harmless edit
that nothing failed. The unmodified copy is the control: exit 0, nothing fails. Stand-ins:
none (the real kubectl kustomize and, where python-hcl2 refuses a file, the real
`terraform fmt`).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import pytest

from tests.support.plants import Plant, all_defects, all_harmless, params
from tests.support.project_copy import REPO, copy_project

CLI = REPO / ".venv" / "bin" / "petstore-tui"
TIMEOUT = 120
STATUSES = ("pass", "warn", "fail", "skip", "error")
CATALOG = {
    p.name for p in (REPO / "checks" / "catalog").iterdir() if (p / "failure.yaml").is_file()
}


def run_preflight(project: Path, cwd: Path, env: dict[str, str]) -> tuple[int, dict, str]:
    proc = subprocess.run(
        [str(CLI), "preflight", "--group", "config", "--project-dir", str(project), "--json"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, **env},
    )
    try:
        doc = json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(
            f"stdout is not JSON ({exc}); rc={proc.returncode}\n"
            f"stdout: {proc.stdout[:2000]}\nstderr: {proc.stderr[-2000:]}"
        ) from None
    return proc.returncode, doc, proc.stderr


def assert_schema(doc: dict, rc: int, project: Path) -> None:
    """docs/preflight-json.md, field by field."""
    assert isinstance(doc, dict)
    assert doc.get("schema") == "petstore-tui/preflight/v1"
    for key in ("target", "exit_code", "duration", "counts", "results"):
        assert key in doc, f"missing {key}"
    target = doc["target"]
    assert isinstance(target, dict)
    for key, kind in (
        ("label", str),
        ("sandbox", bool),
        ("region", (str, type(None))),
        ("cluster", (str, type(None))),
        ("project_dir", str),
    ):
        assert key in target and isinstance(target[key], kind), f"target.{key}: {target.get(key)!r}"
    assert Path(target["project_dir"]).resolve() == project.resolve()
    assert doc["exit_code"] == rc
    assert isinstance(doc["duration"], (int, float)) and not isinstance(doc["duration"], bool)
    assert math.isfinite(doc["duration"]) and doc["duration"] >= 0
    counts = doc["counts"]
    assert set(counts) == set(STATUSES), counts
    results = doc["results"]
    assert isinstance(results, list) and results
    tally = {s: 0 for s in STATUSES}
    ids = []
    for res in results:
        assert set(res) >= {
            "id",
            "group",
            "status",
            "summary",
            "detail",
            "fix",
            "failure_id",
            "duration",
        }, res
        assert res["group"] == "config", res  # --group config runs only that group
        assert res["id"].startswith(res["group"] + "."), res["id"]
        assert res["status"] in STATUSES, res
        for key in ("summary", "detail", "fix"):
            assert isinstance(res[key], str), (key, res)
        assert "\n" not in res["summary"].strip(), f"summary is one line: {res['summary']!r}"
        assert res["summary"].strip(), f"{res['id']}: empty summary"
        assert res["failure_id"] is None or isinstance(res["failure_id"], str)
        if res["failure_id"] is not None:
            assert res["failure_id"] in CATALOG, (
                f"{res['id']}: failure_id {res['failure_id']!r} is not a catalog entry (checks/catalog/<id>)"
            )
        assert isinstance(res["duration"], (int, float)) and res["duration"] >= 0
        if res["status"] == "fail":
            assert res["fix"].strip(), f"{res['id']} fails without a fix"
        tally[res["status"]] += 1
        ids.append(res["id"])
    assert len(ids) == len(set(ids)), f"duplicate ids: {ids}"
    assert tally == counts, (tally, counts)
    failed = counts["fail"] + counts["error"]
    assert rc == (1 if failed else 0), f"rc={rc} with counts {counts}"


def _describe(doc: dict) -> str:
    return "\n".join(
        f"  {r['status']:5} {r['id']:28} [{r['failure_id']}] {r['summary']}" for r in doc["results"]
    )


@pytest.fixture(scope="module")
def control_doc(tmp_path_factory):
    base = tmp_path_factory.mktemp("control")
    project = copy_project(base / "checkout")
    rc, doc, stderr = run_preflight(project, base, {})
    return project, rc, doc, stderr


def test_control_copy_passes(control_doc):
    project, rc, doc, stderr = control_doc
    assert_schema(doc, rc, project)
    bad = [r for r in doc["results"] if r["status"] in ("fail", "error")]
    assert not bad, "the unmodified copy is flagged:\n" + _describe(doc)
    assert rc == 0, stderr


def test_control_runs_every_config_check(control_doc):
    """Every registered config check reports on the unmodified copy (none skipped)."""
    _, _, doc, _ = control_doc
    listing = subprocess.run(
        [str(CLI), "preflight", "--list"], capture_output=True, text=True, timeout=TIMEOUT
    ).stdout
    listed = [line.split()[1] for line in listing.splitlines() if line.split()[:1] == ["config"]]
    got = [r["id"] for r in doc["results"]]
    assert got == listed, (got, listed)
    skipped = [r["id"] for r in doc["results"] if r["status"] == "skip"]
    assert not skipped, f"skipped on a full checkout: {skipped}"


@pytest.mark.parametrize("plant", params(all_defects()))
def test_planted_defect_is_caught(plant: Plant, tmp_path):
    project = copy_project(tmp_path / "checkout")
    plant.edit(project)
    rc, doc, stderr = run_preflight(project, tmp_path, plant.env)
    assert_schema(doc, rc, project)
    mine = [r for r in doc["results"] if r["id"] == plant.check.id]
    assert len(mine) == 1, f"{plant.check.id} did not report\n" + _describe(doc)
    result = mine[0]
    assert result["status"] == "fail" and result["failure_id"] == plant.failure_id, (
        f"{plant.name}: {plant.check.id} should fail with {plant.failure_id}\n" + _describe(doc)
    )
    said = result["summary"] + "\n" + result["detail"]
    assert plant.says in said, f"{plant.name}: {plant.says!r} not in\n{said}"
    assert rc == 1


@pytest.mark.parametrize("plant", params([p for p in all_harmless() if p.whole_preflight]))
def test_harmless_edit_fails_nothing(plant: Plant, tmp_path):
    project = copy_project(tmp_path / "checkout")
    plant.edit(project)
    rc, doc, stderr = run_preflight(project, tmp_path, plant.env)
    assert_schema(doc, rc, project)
    bad = [r for r in doc["results"] if r["status"] in ("fail", "error")]
    assert not bad, f"{plant.name} is harmless, yet:\n" + _describe(doc)
    assert rc == 0
