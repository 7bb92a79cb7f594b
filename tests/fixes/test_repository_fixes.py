"""The repository fixes on copies of this repository, each planted with the defect the way its check's tests plant it (tests/preflight/config/, tests/support/plants.py): `fix --dry-run` changes no file, `fix --yes` makes the check that found it pass (the real preflight check re-run by the fix), `fix undo` puts every byte back; and a file changed after the fix is not undone. The Flask/Werkzeug re-lock runs a stand-in pip-compile (a fake executable on PATH that records its argv and cwd and writes a lock), because the real one needs PyPI and minutes."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from pathlib import Path

import pytest

from petstore_tui import cli
from tests.support.plants import plant as planted
from tests.support.project_copy import copy_project


@pytest.fixture
def checkout(tmp_path) -> Path:
    return copy_project(tmp_path / "checkout")


def snapshot(root: Path) -> dict[str, str]:
    """Every file of the copy with its SHA-256: a dry run or an undo must leave it identical."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def fix(checkout: Path, *args: str) -> int:
    return cli.main(["--project-dir", str(checkout), "fix", *args])


def preflight_status(checkout: Path, check: str, capsys) -> str:
    capsys.readouterr()
    cli.main(["--project-dir", str(checkout), "preflight", "--group", "config", "--json"])
    checks = json.loads(capsys.readouterr().out)["results"]
    return next(c["status"] for c in checks if c["id"] == check)


CASES = [
    # plant, fix id given, the check, what the plan shows, the entry made
    ("dockerfile_user_before_chown", "sqlite-readonly-database", "config.dockerfile-user",
     ["[file-edit]", "--- a/docker/Dockerfile", "+USER 10001:10001"], "dockerfile-user-after-chown-1"),
    ("duplicate_output_in_main_tf", "terraform-duplicate-output", "config.duplicate-outputs",
     ["--- a/terraform/main.tf", '-output "cluster_endpoint" {'], "duplicate-terraform-output-1"),
    ("duplicate_output_in_network_tf", "config.duplicate-outputs", "config.duplicate-outputs",
     ["--- a/terraform/network.tf", '-output "vpc_id" {'], "duplicate-terraform-output-1"),
    ("duplicate_sg_rule_9443", "terraform-duplicate-sg-rule", "config.duplicate-sg-rules",
     ["--- a/terraform/eks.tf", '-resource "aws_vpc_security_group_ingress_rule" "lb_controller_webhook" {',
      # --project-dir names a copy outside the current folder: the printed command names it
      "terraform -chdir={checkout}/terraform state rm"], "duplicate-sg-rule-1"),
    ("duplicate_sg_rule_9443_legacy_resource", "config.duplicate-sg-rules", "config.duplicate-sg-rules",
     ['-resource "aws_security_group_rule" "alb_controller_webhook" {'], "duplicate-sg-rule-1"),
]


@pytest.mark.parametrize("plant, what, check, shown, entry", CASES, ids=[c[0] for c in CASES])
def test_plant_dry_run_fix_verify_undo(checkout, capsys, plant, what, check, shown, entry):
    planted(plant)(checkout)
    assert preflight_status(checkout, check, capsys) == "fail"
    broken = snapshot(checkout)

    assert fix(checkout, what, "--dry-run") == 0
    out = capsys.readouterr().out
    for text in shown:
        assert text.replace("{checkout}", str(checkout)) in out, out
    assert "dry run: nothing changed" in out
    assert snapshot(checkout) == broken

    assert fix(checkout, what, "--yes") == 0
    out = capsys.readouterr().out
    assert f"fixed: fixed and verified: {check} passes" in out, out
    assert preflight_status(checkout, check, capsys) == "pass"

    assert fix(checkout, what, "--yes") == 0  # again: nothing left to do
    assert "nothing-to-do" in capsys.readouterr().out

    assert fix(checkout, "undo", entry, "--yes") == 0
    out = capsys.readouterr().out
    assert "restored" in out and f"{check} now fail" in out, out
    assert snapshot(checkout) == broken


def test_undo_refuses_a_file_changed_after_the_fix(checkout, capsys):
    planted("dockerfile_user_before_chown")(checkout)
    assert fix(checkout, "config.dockerfile-user", "--yes") == 0
    dockerfile = checkout / "docker" / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "# edited by hand after the fix\n")
    edited = snapshot(checkout)
    capsys.readouterr()
    assert fix(checkout, "undo", "dockerfile-user-after-chown-1", "--yes") == 1
    assert "docker/Dockerfile changed after the fix: not undone" in capsys.readouterr().out
    assert snapshot(checkout) == edited


def test_a_sg_rule_referred_to_elsewhere_is_refused(checkout, capsys):
    planted("duplicate_sg_rule_9443")(checkout)
    with (checkout / "terraform" / "outputs.tf").open("a") as out:
        out.write('\noutput "webhook_rule" {\n  value = aws_vpc_security_group_ingress_rule.lb_controller_webhook.id\n}\n')
    before = snapshot(checkout)
    assert fix(checkout, "config.duplicate-sg-rules", "--yes") == 1
    assert "is referred to in terraform/outputs.tf: remove it by hand" in capsys.readouterr().out
    assert snapshot(checkout) == before


# ---- Flask and Werkzeug: edit requirements.in, then re-lock ----------------------------------

FAKE_PIP_COMPILE = """#!{python}
import json, os, sys
from pathlib import Path
with open({calls!r}, "a") as calls:
    calls.write(json.dumps({{"argv": sys.argv[1:], "cwd": os.getcwd()}}) + "\\n")
if {mode!r} == "fail":
    Path("requirements.lock").write_text("half-written\\n")
    print("Could not find a version that satisfies the requirement werkzeug", file=sys.stderr)
    sys.exit(1)
pins = [l.strip() for l in Path("requirements.in").read_text().splitlines() if l.strip() and not l.startswith("#")]
if {mode!r} == "ok":  # what Flask 2.2.5 itself requires, as a real resolve adds it
    pins += ["click", "itsdangerous", "jinja2", "markupsafe"]
Path("requirements.lock").write_text("# stand-in lock\\n" + "".join(
    p.split(">")[0].split("<")[0].split("=")[0] + "==" + {{"flask": "2.2.5", "werkzeug": "2.2.3"}}.get(
        p.split(">")[0].split("<")[0].split("=")[0], "1.0") + " \\\\\\n    --hash=sha256:" + "0" * 64 + "\\n"
    for p in pins))
"""


def fake_pip_compile(tmp_path: Path, monkeypatch, mode: str = "ok") -> Path:
    """pip-compile on PATH: records {argv, cwd}; writes a lock pinning Flask 2.2.5,
    Werkzeug 2.2.3 and Flask's own dependencies ("incomplete": without those; "fail":
    half a lock and exit 1, as a resolver error does)."""
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    calls = bin_dir / "pip-compile.calls"
    script = bin_dir / "pip-compile"
    script.write_text(FAKE_PIP_COMPILE.format(python=sys.executable, calls=str(calls), mode=mode))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", os.pathsep.join([str(bin_dir), os.environ["PATH"]]))
    return calls


def test_flask_werkzeug_pins_then_relock(checkout, tmp_path, monkeypatch, capsys):
    calls = fake_pip_compile(tmp_path, monkeypatch)
    planted("flask_225_werkzeug_301_in_and_lock")(checkout)
    assert preflight_status(checkout, "config.flask-werkzeug", capsys) == "fail"
    broken = snapshot(checkout)

    assert fix(checkout, "werkzeug-url-quote-import-error", "--dry-run") == 0
    out = capsys.readouterr().out
    assert "-werkzeug==3.0.1" in out and "+werkzeug>=2.2.2,<3" in out
    assert "[command] re-lock petstore-app/requirements.lock" in out
    assert "pip-compile --upgrade-package flask --upgrade-package werkzeug --generate-hashes --allow-unsafe" in out
    assert snapshot(checkout) == broken and not calls.exists()

    assert fix(checkout, "werkzeug-url-quote-import-error", "--yes") == 0
    out = capsys.readouterr().out
    assert "fixed and verified: config.flask-werkzeug passes" in out, out
    assert "+werkzeug==2.2.3 \\" in out  # the lock's diff, shown after the change
    call = json.loads(calls.read_text())
    # the two pins resolved afresh (a hand-edited lock's hashes are not reused), the rest as locked
    assert call["argv"][:6] == ["--upgrade-package", "flask", "--upgrade-package", "werkzeug", "--generate-hashes",
                                "--allow-unsafe"]
    assert Path(call["cwd"]) == checkout / "petstore-app"
    requirements = (checkout / "petstore-app" / "requirements.in").read_text()
    assert "werkzeug==3.0.1" not in requirements and "\nwerkzeug>=" in requirements

    assert fix(checkout, "undo", "flask-werkzeug-pins-1", "--yes") == 0
    assert snapshot(checkout) == broken


def test_a_failed_relock_puts_both_files_back(checkout, tmp_path, monkeypatch, capsys):
    calls = fake_pip_compile(tmp_path, monkeypatch, "fail")
    planted("flask_225_werkzeug_301_in_and_lock")(checkout)
    broken = snapshot(checkout)
    assert fix(checkout, "config.flask-werkzeug", "--yes", "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "failed", report
    assert "pip-compile failed (exit 1)" in report["message"] and "Could not find a version" in report["message"]
    assert "the change was undone" in report["message"]
    assert calls.exists()
    assert snapshot(checkout) == broken  # requirements.in and the half-written lock both restored


def test_a_lock_the_check_still_fails_is_rolled_back(checkout, tmp_path, monkeypatch, capsys):
    fake_pip_compile(tmp_path, monkeypatch, "incomplete")
    planted("flask_225_werkzeug_301_in_and_lock")(checkout)
    broken = snapshot(checkout)
    assert fix(checkout, "config.flask-werkzeug", "--yes") == 1
    out = capsys.readouterr().out
    assert "rolled-back: not fixed: config.flask-werkzeug still fail after the change" in out, out
    assert "pins Flask 2.2.5 but not jinja2" in out and "the change was undone" in out
    assert snapshot(checkout) == broken


def test_flask_werkzeug_on_a_right_checkout_says_to_rebuild_the_running_image(checkout, capsys):
    """The werkzeug drill runs an image built from another lock while the checkout's is
    right: `fix` (and the panel's `x`) said only "nothing to fix: ... fit", and the operator
    watching the app crash had nowhere to go. It now names the rebuild from the checkout.
    Stand-in: a copy of this repository, unchanged (its lock fits)."""
    capsys.readouterr()
    assert fix(checkout, "werkzeug-url-quote-import-error", "--dry-run") == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "nothing to fix: config.flask-werkzeug:" in out, out
    assert "runs an image built from other files" in out
    assert f"petstore-tui --project-dir {checkout} deploy --from image-build --yes" in out, out
