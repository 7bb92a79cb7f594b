"""The deploy/destroy commands: usage errors exit 2, a missing sandbox exits 1, no prompt without a terminal."""

from __future__ import annotations

import asyncio
import sys

import pytest

from petstore_tui import cli
from petstore_tui.events import ConfirmationRequested
from petstore_tui.runbook.console import terminal_confirm


def test_usage_errors_exit_2(capsys):
    """Stand-in: none (argument checks happen before any tool runs)."""
    assert cli.main(["deploy", "--only", "nope"]) == 2
    assert "unknown step 'nope'" in capsys.readouterr().err
    assert cli.main(["destroy", "--from", "terraform-destroy", "--only", "leftovers"]) == 2
    assert "not both" in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["--project-dir", "{tmp}/nope", "deploy", "--yes"], "no such folder"),
    (["--project-dir", "{tmp}/file", "preflight"], "not a folder"),
    (["--project-dir", "{tmp}", "preflight", "--group", "config"], "not a checkout of this repository"),
    (["deploy", "--project-dir", "{tmp}", "--yes"], "not a checkout of this repository"),
    (["--kubeconfig", "{tmp}", "diagnose", "--live"], "is a folder"),
])
def test_target_paths_that_cannot_be_used_exit_2(tmp_path, capsys, argv, message):
    """Stand-in: a temp folder with no checkout in it, a plain file, a missing path. Before,
    preflight skipped every config check and deploy stopped at terraform-init with
    FileNotFoundError and "run the same command again to resume"."""
    (tmp_path / "file").write_text("")
    with pytest.raises(SystemExit) as exit_info:
        cli.main([arg.format(tmp=tmp_path) for arg in argv])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["--sandbox", "--profile", "nosuch", "preflight"],
                                  ["diagnose", "--live", "--sandbox", "--profile", "prod"]])
def test_a_profile_with_the_sandbox_is_a_usage_error(capsys, argv):
    """Stand-in: none (checked before anything runs). The sandbox has its own credentials;
    before, --profile was silently ignored there, so an operator could believe a command
    ran against the named account."""
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    err = capsys.readouterr().err
    assert exit_info.value.code == 2 and "the sandbox uses its own" in err and "Traceback" not in err


def test_list_steps(capsys):
    """Stand-in: none."""
    assert cli.main(["--sandbox", "deploy", "--list-steps"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("preflight\t") and out[-1].startswith("local-app\t")


def test_sandbox_target_without_sandbox(capsys):
    """Stand-in: an empty state folder (no emulator recorded)."""
    assert cli.main(["--sandbox", "destroy", "--yes"]) == 1
    assert "sandbox not running: petstore-tui sandbox start" in capsys.readouterr().err


def test_no_terminal_means_no(monkeypatch, capsys):
    """Stand-in: stdin that is not a terminal. Without --yes nothing is agreed to; with
    --yes even the typed confirmation passes."""
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    request = ConfirmationRequested("confirm", "Destroy?", expected_text="petstore-eks")
    assert asyncio.run(terminal_confirm(False)(request)) is False
    assert "pass --yes" in capsys.readouterr().out
    assert asyncio.run(terminal_confirm(True)(request)) is True


def test_ctrl_c_stops_the_running_tool_cleanly(fake_tools, tmp_path):
    """Stand-in: a fake `terraform` on PATH that hangs until interrupted. Ctrl+C (SIGINT to
    the CLI) is passed to the tool once; the step ends stopped, the CLI exits 1 with the
    resume hint and no traceback."""
    import os
    import signal
    import subprocess
    import sys
    import time as clock
    from pathlib import Path

    fake_tools.add("terraform", hang=True)
    project = tmp_path / "project"
    (project / "terraform").mkdir(parents=True)
    (project / "kubernetes").mkdir()
    env = dict(os.environ, PATH=fake_tools.path_value(only=True))
    proc = subprocess.Popen(  # noqa: S603 - argument list
        [sys.executable, "-m", "petstore_tui", "--project-dir", str(project), "--region", "eu-west-1",
         "deploy", "--only", "terraform-init"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        cwd=Path(__file__).resolve().parents[2])
    calls = fake_tools.bin / "terraform.calls"
    deadline = clock.monotonic() + 60
    while not calls.exists() and proc.poll() is None and clock.monotonic() < deadline:
        clock.sleep(0.05)  # waits for the tool to start; not a timing assertion
    assert calls.exists(), proc.communicate(timeout=10)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, (out, err)
    assert "<== terraform-init stopped" in out
    assert "stopping: the running tool got one interrupt" in err
    assert "deploy stopped at terraform-init" in err and "Traceback" not in err
    assert fake_tools.calls("terraform")[0][1:] == ["init", "-input=false", "-no-color", "-json"]


def test_output_json_is_an_alias_of_json(capsys):
    """Stand-in: none (no sandbox recorded; one cheap preflight check). `-o json` and
    `--output json` give the JSON document of every command that has --json, as kubectl
    and aws-cli users type it; another format is a usage error; commands without --json
    do not grow the option."""
    import json

    assert cli.main(["sandbox", "status", "-o", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["running"] is False
    assert cli.main(["preflight", "--only", "tools.git", "--output", "json"]) in (0, 1)
    assert json.loads(capsys.readouterr().out)["schema"] == "petstore-tui/preflight/v1"
    assert cli.main(["diagnose", "-o", "json", "/dev/null"]) == 3  # an empty source: no all-clear
    document = json.loads(capsys.readouterr().out)
    assert document["findings"] == [] and document["empty"] == ["file:/dev/null"]
    with pytest.raises(SystemExit) as exited:
        cli.main(["preflight", "-o", "yaml"])
    assert exited.value.code == 2
    assert "invalid choice: 'yaml'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exited:
        cli.main(["deploy", "-o", "json"])
    assert exited.value.code == 2
    assert "unrecognized arguments: -o" in capsys.readouterr().err


def test_help_is_argparse_own_at_every_width(monkeypatch):
    """Stand-in: none. cli.HelpFormatter only sizes help without importing shutil: the
    text is argparse's, for $COLUMNS narrow and wide and for no terminal at all."""
    import argparse

    ours_class = cli.HelpFormatter

    def helps(formatter) -> list[str]:
        monkeypatch.setattr(cli, "HelpFormatter", formatter)
        parser = cli.build_parser(["diagnose"])
        [subparsers] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        return [parser.format_help(), subparsers.choices["diagnose"].format_help()]

    for columns in ("50", "100", "240", None):
        if columns is None:
            monkeypatch.delenv("COLUMNS", raising=False)
        else:
            monkeypatch.setenv("COLUMNS", columns)
        assert helps(ours_class) == helps(argparse.HelpFormatter)


def test_a_real_apply_advises_tmux_in_the_runbook_and_the_readme():
    """A SIGKILL or a closed terminal during a real apply left terraform.tfstate empty
    (docs/knowledge/orphaned-tool-processes.md): the apply's confirmation and its first line,
    and the README's deployment section, tell the operator to run it inside tmux or screen;
    the sandbox's seconds-long apply does not. No stand-in: text only."""
    from pathlib import Path

    from petstore_core.settings import Target
    from petstore_tui.runbook.deploy_aws_steps import long_apply_advice

    advice = long_apply_advice(Target(profile="p", region="eu-west-1"))
    assert advice and "tmux or screen" in advice and "terraform.tfstate" in advice
    assert long_apply_advice(Target(sandbox=True)) is None
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Running against a real AWS account", 1)[1].split("\n## ", 1)[0]
    assert "`tmux` or `screen`" in section and "terraform.tfstate" in section


def test_the_commands_for_what_destroy_left_name_the_operators_profile_and_region():
    """What destroy left tagged with the cluster is listed as aws commands to paste: with
    the operator's --profile (without it, the CLI's default profile may be another account)
    and region; in the sandbox, the emulator's URL, never the real AWS. Stand-in: a sandbox
    state file written by the test (no emulator runs)."""
    from petstore_core import sandbox_state
    from petstore_core.settings import Target
    from petstore_tui.runbook.destroy import _removal_commands

    left = {"load_balancers": ["arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/k8s-x/1"],
            "target_groups": [], "security_groups": ["sg-0123"]}
    commands = _removal_commands(Target(profile="prod eu", region="eu-west-1"), left)
    assert commands[1] == "aws ec2 delete-security-group --group-id sg-0123 --region eu-west-1 --profile 'prod eu'"
    assert commands[0].startswith("aws elbv2 delete-load-balancer --load-balancer-arn arn:aws:")
    sandbox_state.state_path().parent.mkdir(parents=True, exist_ok=True)
    sandbox_state.write(sandbox_state.SandboxState("http://127.0.0.1:45999", 1, 0.0))  # the test's own state folder
    sandboxed = _removal_commands(Target(sandbox=True), left)
    assert all(c.endswith("--region us-east-1 --endpoint-url http://127.0.0.1:45999") for c in sandboxed), sandboxed


@pytest.mark.parametrize("argv", [["preflight", "--only", "tools.git"], ["diagnose", "/dev/null"],
                                  ["catalog", "list"]])
def test_a_closed_stdout_is_said_not_an_internal_error_or_a_silent_pass(monkeypatch, capsys, argv):
    """Stand-in: sys.stdout None, as Python leaves it when descriptor 1 is closed (a CI
    step run with `>&-`). preflight and diagnose said "internal error: AttributeError:
    'NoneType' object has no attribute 'isatty'"; catalog list printed nothing and exited 0."""
    monkeypatch.setattr(sys, "stdout", None)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "stdout is closed" in err and "internal error" not in err, err
