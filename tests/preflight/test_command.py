"""`petstore-tui preflight` end to end in a subprocess: JSON schema, exit codes, --sandbox against moto_server, fake tools on PATH, and no Textual import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from petstore_core import sandbox_state
from tests.preflight.conftest import REPO
from tests.support.fake_tools import REAL_VERSIONS


def run_cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "petstore_tui", "preflight", *args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout)


def test_json_schema_and_exit_zero_on_this_repository():
    """No stand-in: the config group on this checkout."""
    done = run_cli("--json", "--group", "config")
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["schema"] == "petstore-tui/preflight/v1"
    assert data["exit_code"] == 0 and data["counts"]["fail"] == 0
    assert {"label", "sandbox", "region", "cluster", "project_dir"} <= set(data["target"])
    first = data["results"][0]
    assert set(first) == {"id", "group", "status", "summary", "detail", "fix", "failure_id", "duration"}
    assert {r["group"] for r in data["results"]} == {"config"}


def test_failing_tool_gives_exit_one_and_a_table(fake_tools):
    """Fake tools on PATH: terraform too old, everything else missing."""
    fake_tools.add("terraform", REAL_VERSIONS["terraform-old"])
    done = run_cli("--group", "tools", "--only", "tools.terraform", env={"PATH": fake_tools.path_value()})
    assert done.returncode == 1
    assert "TOOLS" in done.stdout and "FAIL" in done.stdout and "older than 1.9.0" in done.stdout
    assert "\x1b[" not in done.stdout  # not a terminal: no colour
    assert "\n1 check in " in done.stdout  # was "1 checks in" (seen with --only in real use)


def test_hanging_tool_is_reported_in_the_output(fake_tools):
    """Fake tools on PATH: git that hangs; --timeout 2 cuts it."""
    fake_tools.add("git", hang=True)
    started = time.monotonic()
    done = run_cli("--json", "--only", "tools.git", "--timeout", "2", env={"PATH": fake_tools.path_value()})
    assert done.returncode == 1
    [result] = json.loads(done.stdout)["results"]
    assert result["status"] == "error" and "timed out after 1s" in result["summary"]
    assert time.monotonic() - started < 100  # the hour-long sleep was cut (not a speed test)


def test_a_hanging_shell_shim_leaves_no_process_and_no_traceback(fake_tools, tmp_path):
    """Stand-in: a `terraform` on PATH that is a shell script running a child that never
    answers, the shape of a version-manager shim (tfenv, asdf). CI must see the check's
    error and nothing else: no "Exception ignored ... Event loop is closed" traceback on
    stderr, and no orphan left holding the job's pipes."""
    child_pid = tmp_path / "child.pid"
    shim = fake_tools.bin / "terraform"
    shim.write_text(f"#!/bin/sh\n/bin/sleep 300 &\necho $! > {child_pid}\nwait\n")
    shim.chmod(0o755)
    done = run_cli("--json", "--only", "tools.terraform", "--timeout", "2", env={"PATH": fake_tools.path_value()})
    assert done.returncode == 1, done.stderr
    [result] = json.loads(done.stdout)["results"]
    assert result["status"] == "error" and "timed out" in result["summary"]
    assert "Traceback" not in done.stderr, done.stderr
    pid = int(child_pid.read_text())
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    alive = _alive(pid)
    if alive:
        os.kill(pid, 9)
    assert not alive, "the shim's child outlived the preflight"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_an_unusable_state_folder_costs_only_the_caches(fake_tools, tmp_path):
    """Stand-in for a CI runner whose HOME is read-only: XDG_STATE_HOME names a regular
    file (the tests run as root, whom permissions do not stop), with fake git and jq on
    PATH. The state folder holds only caches for preflight (the start order, tool
    versions): the checks run, the JSON is printed, the exit code is the checks' own.
    Before, every check ran and then the command died with 'internal error:
    NotADirectoryError' (exit 2, no JSON), and each tool check said 'check failed'."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    fake_tools.add("git")
    fake_tools.add("jq")
    # PETSTORE_TUI_HOME empty: state_dir() falls back to XDG_STATE_HOME
    env = {"PATH": fake_tools.path_value(), "XDG_STATE_HOME": str(blocker), "PETSTORE_TUI_HOME": ""}
    done = run_cli("--json", "--only", "tools.git", "--only", "tools.jq", env=env)
    assert "internal error" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert {r["id"]: r["status"] for r in data["results"]} == {"tools.git": "pass", "tools.jq": "pass"}


def test_a_tool_printing_escape_sequences_cannot_drive_the_terminal(fake_tools):
    """Fake git on PATH whose version command prints terminal controls (set the window
    title, clear the screen) before its text, as a broken or hostile binary might. The
    table quotes the tool's first line: it must show it without the controls, or the
    operator's terminal (or a CI log viewer) obeys them."""
    fake_tools.add("git", "\x1b]0;owned\x07\x1b[2Jgit: not what you think\x08\x08")
    done = run_cli("--only", "tools.git", env={"PATH": fake_tools.path_value()})
    assert "git: not what you think" in done.stdout
    assert not any(ch in done.stdout for ch in "\x1b\x07\x08"), repr(done.stdout)


def test_usage_errors_exit_two():
    """No stand-in."""
    assert run_cli("--only", "no.such.check").returncode == 2
    assert run_cli("--group", "nonsense").returncode == 2
    assert run_cli("--timeout", "0").returncode == 2


def test_sandbox_runs_aws_group_against_the_emulator(moto_server, monkeypatch):
    """moto_server recorded as the running sandbox; real credentials removed from the environment."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    sandbox_state.write(sandbox_state.SandboxState(endpoint=moto_server, pid=os.getpid(), started_at=time.time()))
    done = run_cli("--sandbox", "--json", "--group", "aws", "--group", "cluster")
    data = json.loads(done.stdout)
    statuses = {r["id"]: r["status"] for r in data["results"]}
    assert data["target"]["sandbox"] is True
    assert {statuses[i] for i in ("aws.credentials", "aws.identity", "aws.region", "aws.ec2")} == {"pass"}, data["results"]
    assert set(v for k, v in statuses.items() if k.startswith("cluster.")) <= {"skip", "pass"}
    assert done.returncode == 0


def test_sandbox_not_running_is_named():
    """No stand-in: --sandbox with no sandbox state file."""
    done = run_cli("--sandbox", "--json", "--only", "aws.identity")
    assert done.returncode == 1
    assert "sandbox not running: petstore-tui sandbox start" in done.stdout


def test_preflight_does_not_import_textual():
    """No stand-in: run the command in a fresh interpreter and inspect sys.modules."""
    code = ("import sys; from petstore_tui import cli; rc = cli.main(['preflight', '--group', 'config', '--json']); "
            "print('TEXTUAL' if any(m == 'textual' or m.startswith('textual.') for m in sys.modules) else 'CLEAN')")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().endswith("CLEAN"), done.stdout[-300:] + done.stderr


def test_list_prints_every_check():
    """No stand-in."""
    done = run_cli("--list")
    assert done.returncode == 0
    assert "config.flask-werkzeug" in done.stdout and "cluster.controller-policy" in done.stdout


def test_a_group_whose_checks_could_not_run_is_not_ready(monkeypatch):
    """No stand-in: no AWS credentials at all (the test's own empty AWS config files, no
    keys in the environment, no instance metadata). `--group cluster --json`, as a CI job
    runs it before deploying: the cluster cannot even be looked up, so none of its checks
    ran. That is not "ready": exit 1, each check `error`, saying which prerequisite
    stopped it and what to do."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    done = run_cli("--group", "cluster", "--json", "--region", "eu-west-1")
    data = json.loads(done.stdout)
    assert done.returncode == 1, (done.returncode, data["counts"])
    assert data["exit_code"] == 1
    assert data["counts"]["error"] == len(data["results"]) == 9, data["counts"]
    for result in data["results"]:
        assert result["status"] == "error", result
        assert result["summary"].startswith("could not run (needs aws.credentials): "), result["summary"]
        assert "No AWS credentials found" in result["summary"], result["summary"]
        assert "aws configure" in result["fix"], result
    table = run_cli("--group", "cluster", "--region", "eu-west-1")
    assert table.returncode == 1
    # the table says the prerequisite on every line and its message in full only where it changes
    assert table.stdout.count("could not run (needs aws.credentials)") == 9, table.stdout
    words = " ".join(table.stdout.split())  # the table wraps at the width (80 when piped)
    assert words.count("No AWS credentials found") == 1 and words.count(": as above") == 8, table.stdout


def test_a_cluster_that_does_not_exist_yet_still_skips(moto_server, monkeypatch):
    """moto_server recorded as the running sandbox (shared by the session's tests: the cluster
    is named so that none of them made it): before the first deployment the cluster checks
    do not apply (skip), and that is ready (exit 0)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    sandbox_state.write(sandbox_state.SandboxState(endpoint=moto_server, pid=os.getpid(), started_at=time.time()))
    done = run_cli("--sandbox", "--json", "--group", "cluster", "--cluster", f"not-made-{os.urandom(4).hex()}")
    data = json.loads(done.stdout)
    assert {r["status"] for r in data["results"]} == {"skip"}, data["results"]
    assert all("does not exist" in r["summary"] for r in data["results"]), data["results"]
    assert done.returncode == 0
