"""The `petstore-tui fix` contract on a copy of the repository with the Dockerfile defect planted: exit 0 fixed and verified, 1 not fixed, 2 usage; --dry-run changes nothing; without --yes it asks on a terminal (y applies, anything else refuses) and refuses without one; `fix list` names what is fixable now and what can be undone."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pytest

from petstore_tui import cli
from petstore_tui.commands.fix import EXIT_INCOMPLETE
from tests.fixes.test_repository_fixes import snapshot
from tests.support.plants import plant as planted
from tests.support.project_copy import copy_project

DOCKERFILE_CHECK = "config.dockerfile-user"


@pytest.fixture
def broken(tmp_path):
    root = copy_project(tmp_path / "checkout")
    planted("dockerfile_user_before_chown")(root)
    return root


def fix(root, *args: str) -> int:
    return cli.main(["--project-dir", str(root), "fix", *args])


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("answer, code, applied", [("y\n", 0, True), ("yes\n", 0, True), ("n\n", 1, False),
                                                   ("\n", 1, False), ("", 1, False)])
def test_asks_on_a_terminal(broken, monkeypatch, capsys, answer, code, applied):
    before = snapshot(broken)
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    assert fix(broken, DOCKERFILE_CHECK) == code
    out = capsys.readouterr().out
    assert "apply 1 change to this checkout? [y/N]" in out
    assert (snapshot(broken) != before) == applied
    if not applied:
        assert "refused: not confirmed: nothing changed" in out


def test_refuses_without_a_terminal(broken, monkeypatch, capsys):
    before = snapshot(broken)
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # piped input is no confirmation
    assert fix(broken, DOCKERFILE_CHECK) == 1
    assert "refused: no terminal to confirm on: pass --yes to apply (nothing changed)" in capsys.readouterr().out
    assert snapshot(broken) == before


def test_json_dry_run_is_the_plan_and_changes_nothing(broken, capsys):
    before = snapshot(broken)
    assert fix(broken, DOCKERFILE_CHECK, "--dry-run", "-o", "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "planned" and report["ok"] is True
    change = report["plan"]["changes"][0]
    assert change["kind"] == "file-edit" and change["detail"].startswith("--- a/docker/Dockerfile")
    assert snapshot(broken) == before


@pytest.mark.parametrize("args, message", [
    (["no-such-failure"], "no catalog entry, check or fix named 'no-such-failure'"),
    (["undo"], "`fix undo` needs a journal entry"),
    (["undo", "subnet-role-tags-9"], "no fix 'subnet-role-tags-9' in the journal"),
    ([DOCKERFILE_CHECK, "extra"], "unexpected argument 'extra'"),
])
def test_usage_errors_exit_2(broken, capsys, args, message):
    assert fix(broken, *args) == 2
    captured = capsys.readouterr()
    assert message in captured.err and not captured.out


def test_a_known_failure_without_an_automatic_fix_exits_1(broken, capsys):
    assert fix(broken, "config.eks-version", "--yes") == 1
    said = capsys.readouterr().out  # was "failed: ", then "manual: ... follow its fix text"
    assert said.startswith("No one-key fix for config.eks-version: fix it by hand as the check's fix says "
                           f"(petstore-tui --project-dir {broken.resolve()} preflight --only config.eks-version "
                           "prints it)")  # the target's options, as the operator gave them (command_for)
    assert fix(broken, "alb-controller-crds-outdated") == 1  # a catalog entry without one


def test_list_names_the_fixable_check_then_the_undoable_entry(broken, capsys):
    # no region here: the cluster checks could not run, so the list is incomplete (exit 3)
    assert fix(broken, "list", "--json") == EXIT_INCOMPLETE
    rows = json.loads(capsys.readouterr().out)
    given = f"petstore-tui --project-dir {broken.resolve()}"  # the checkout named as the operator named it
    assert {r["check"]: r["command"] for r in rows["fixable"]}[DOCKERFILE_CHECK] == f"{given} fix config.dockerfile-user"
    assert rows["undoable"] == []
    assert fix(broken, DOCKERFILE_CHECK, "--yes") == 0
    capsys.readouterr()
    assert fix(broken, "list", "--json") == EXIT_INCOMPLETE
    rows = json.loads(capsys.readouterr().out)
    assert DOCKERFILE_CHECK not in {r["check"] for r in rows["fixable"]}
    assert [r["command"] for r in rows["undoable"]] == [f"{given} fix undo dockerfile-user-after-chown-1"]


def test_a_file_fix_edited_since_is_listed_with_the_reason_not_as_undoable(broken, capsys):
    """The operator edited the Dockerfile after the fix: `fix undo` refuses (it would throw
    their edit away), so `fix list` must not offer it; it lists the entry and says why."""
    assert fix(broken, DOCKERFILE_CHECK, "--yes") == 0
    dockerfile = broken / "docker" / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "# edited by hand\n")
    capsys.readouterr()
    assert fix(broken, "list", "--json") == EXIT_INCOMPLETE  # no region: the cluster checks did not run
    rows = json.loads(capsys.readouterr().out)
    assert rows["undoable"] == []
    assert [(g["entry"], g["reason"]) for g in rows["gone"]] == [
        ("dockerfile-user-after-chown-1", "docker/Dockerfile changed after the fix")]
    assert fix(broken, "undo", "dockerfile-user-after-chown-1", "--yes") == 1
    assert "docker/Dockerfile changed after the fix: not undone" in capsys.readouterr().out


def test_the_installed_command_exits_2_on_a_usage_error(tmp_path):
    """The console script itself (a subprocess), so argparse's exit status is what a shell sees."""
    done = subprocess.run([sys.executable, "-m", "petstore_tui.cli", "fix"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 2 and "the following arguments are required" in done.stderr


def test_entries_are_numbered_per_fix(broken, capsys):
    """Two fixes on one checkout: each entry is named after its fix and counted per fix, so
    `fix undo dockerfile-user-after-chown-1` means the first of that fix, whatever ran between."""
    planted("duplicate_output_in_main_tf")(broken)
    assert fix(broken, "config.duplicate-outputs", "--yes", "--json") == 0
    assert json.loads(capsys.readouterr().out)["entry"] == "duplicate-terraform-output-1"
    assert fix(broken, DOCKERFILE_CHECK, "--yes", "--json") == 0
    assert json.loads(capsys.readouterr().out)["entry"] == "dockerfile-user-after-chown-1"


def test_one_fix_at_a_time_per_checkout(broken, capsys):
    """A second run while another holds the checkout's lock (as a fix in another terminal
    does) changes nothing and says who holds it."""
    from petstore_core.settings import Target
    from petstore_tui.fixes.journal import REPOSITORY, lock

    before = snapshot(broken)
    held = lock(Target(project_dir=broken), REPOSITORY).acquire()
    try:
        assert fix(broken, DOCKERFILE_CHECK, "--yes") == 1
    finally:
        held.release()
    assert "is in use by petstore-tui fix (pid" in capsys.readouterr().out
    assert snapshot(broken) == before


def test_the_printed_commands_work_as_printed_from_anywhere(broken, tmp_path, monkeypatch, capsys):
    """`undo with: ...` and `fix list`'s commands name the target they were made for:
    printed as `petstore-tui fix undo X`, they found no journal once copied to another
    shell (another folder, or without --sandbox / --profile: found by the operator review).
    Run exactly as printed (plus --yes for the question a terminal would ask), elsewhere."""
    import shlex

    assert fix(broken, DOCKERFILE_CHECK, "--yes") == 0
    said = capsys.readouterr().out
    undo = said.split("undo with: ", 1)[1].splitlines()[0].strip()
    assert fix(broken, "list", "--json") == EXIT_INCOMPLETE  # no region here: the cluster checks could not run
    listed = json.loads(capsys.readouterr().out)["undoable"][0]["command"]
    assert listed == undo
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    words = shlex.split(undo)
    assert words[0] == "petstore-tui"
    assert cli.main([*words[1:], "--yes"]) == 0, capsys.readouterr()
    assert "dockerfile-user-after-chown-1 undone" in capsys.readouterr().out


def test_a_sandbox_or_profile_target_is_named_in_the_commands():
    from petstore_core.settings import Target
    from petstore_tui.fixes.model import command_for

    assert command_for(Target(sandbox=True), "fix", "undo", "x-1") == "petstore-tui --sandbox fix undo x-1"
    assert (command_for(Target(profile="prod", region="eu-west-1", cluster="a b"), "fix", "cluster.subnets")
            == "petstore-tui --profile prod --region eu-west-1 --cluster 'a b' fix cluster.subnets")


def test_a_finished_terraform_destroy_leaves_the_targets_fixes_nothing_to_undo(tmp_path, monkeypatch, capsys):
    """Stand-in: a fake Terraform adapter whose destroy succeeds (the real step's code
    around it: runbook/destroy.py terraform_destroy). After it, the target's AWS and
    Kubernetes fixes are gone with what they changed: `fix list` must not offer to undo
    them (the undo would be refused, but the list said otherwise)."""
    import asyncio
    from types import SimpleNamespace

    from petstore_core.settings import Target
    from petstore_tui.fixes.journal import FixJournal
    from petstore_tui.runbook import destroy
    from petstore_tui.runbook.model import StepContext

    target = Target(region="us-east-1", project_dir=str(tmp_path))
    journal = FixJournal(target)
    journal.update(journal.start(SimpleNamespace(fix="subnet-role-tags", failure_id="x", check="cluster.subnets",
                                                 resource="subnet-1", changes=[], notes=[])), status="verified")
    (tmp_path / ".terraform").mkdir()
    (tmp_path / "terraform").mkdir()  # a checkout, for --project-dir

    async def destroyed(_args):
        return SimpleNamespace(ok=True, completed=41)

    monkeypatch.setattr(destroy.common, "terraform",
                        lambda ctx, on_progress=None: SimpleNamespace(workdir=tmp_path, destroy=destroyed))
    monkeypatch.setattr(destroy.common, "var_args", lambda ctx: [])
    result = asyncio.run(destroy.terraform_destroy(StepContext(target, {}, tmp_path, {})))
    assert "41 resources destroyed" in result.summary

    # no credentials here: the live checks could not run, so the list is incomplete (exit 3)
    assert cli.main(["--region", "us-east-1", "--project-dir", str(tmp_path), "fix", "list", "--json"]) == EXIT_INCOMPLETE
    listed = json.loads(capsys.readouterr().out)
    assert listed["undoable"] == []
    assert [g["entry"] for g in listed["gone"]] == ["subnet-role-tags-1"]
    assert "terraform destroy" in listed["gone"][0]["reason"]


def test_list_names_the_checks_it_could_not_run(broken, monkeypatch, capsys):
    """Found walking `fix list` with no region: every cluster check errored ("could not run
    (needs aws.region)") and the list said "nothing fixable now", exit 0, so a fixable
    subnet or IngressClass problem was hidden behind a silent failure. Now those checks are
    named with why (`not_checked` in JSON), and the exit is 3, not 0: a CI job running
    `fix list --json` tells "nothing to fix" (0) from "could not look" (docs/fixes.md).
    Stand-in: a copy of the repository; no AWS is reached (no region, no credentials)."""
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    assert fix(broken, "list") == EXIT_INCOMPLETE == 3
    out = capsys.readouterr().out
    assert "nothing fixable now" not in out
    assert "not checked on" in out and "cluster.subnets" in out and "no AWS region" in out
    assert DOCKERFILE_CHECK in out  # what could be checked is still listed
    assert fix(broken, "list", "--json") == EXIT_INCOMPLETE
    rows = json.loads(capsys.readouterr().out)
    assert {"cluster.subnets", "cluster.ingressclass"} <= {r["check"] for r in rows["not_checked"]}
    assert all("could not run" in r["summary"] for r in rows["not_checked"])
