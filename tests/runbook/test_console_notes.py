"""A headless run's own notes (a step's "info" lines: what it wrote, why it waits, what to
do next) wrap to the width of the stream they go to, commands and addresses whole; a
tool's own lines stay as the tool printed them."""

from __future__ import annotations

from petstore_core import settings
from petstore_tui.runbook.console import run_headless
from petstore_tui.runbook.deploy import Runbook
from petstore_tui.runbook.model import Step, done
from petstore_tui.runbook.runner import Runner

TARGET = settings.Target(sandbox=True)
URL = "http://127.0.0.1:49153/api/v1/pets?limit=20&offset=0&sort=name-ascending"
NOTE = ("the cluster already has an IngressClass named alb from another install: adopting it into "
        "this deploy and leaving it alone, then run aws eks update-kubeconfig --name petstore-eks "
        f"--region eu-west-1 and read {URL} for the pets")
TOOL = "Terraform used the selected providers to generate the following execution plan. " * 3


async def test_a_steps_notes_wrap_to_their_streams_width_and_tool_lines_stay_whole(monkeypatch):
    """Stand-ins: stdout a terminal of 80 columns; a step that emits one long note and one
    long line as its tool would. Before, the note was printed on one line of 230 columns,
    which the terminal broke mid-word."""
    from tests.support.terminals import TerminalStream, widths

    async def notes(ctx):
        ctx.emit(NOTE, "info")
        ctx.emit(TOOL.strip(), "stdout")
        return done()

    widths(monkeypatch, {1: 80, 2: 80})
    runner = Runner(TARGET, Runbook("deploy", [Step("ingress-class", "IngressClass", notes)]), engine_factory=None)
    out, err = TerminalStream(1), TerminalStream(2)
    assert await run_headless(runner, out=out, err=err) == 0
    lines = out.getvalue().splitlines()
    tool = [line for line in lines if "Terraform used" in line]
    assert tool == ["    " + TOOL.strip()]  # the tool's line: as printed, never rewrapped
    note = [line for line in lines if line not in tool and not line.startswith(("==>", "<==", "deploy "))]
    assert " ".join(" ".join(note).split()) == " ".join(NOTE.split()), note
    assert len(note) > 1 and all(len(line) <= 80 for line in note), note
    assert any("aws eks update-kubeconfig --name petstore-eks --region eu-west-1" in line for line in note), note
    assert any(line.strip() == URL or f" {URL}" in line for line in note), note
    assert note[0].startswith("    the cluster") and all(line.startswith("      ") for line in note[1:]), note


async def test_a_notes_own_indent_is_kept(monkeypatch):
    """Stand-in: the preflight step's "        fix: ..." note (runbook/deploy_aws_steps.py)."""
    from tests.support.terminals import TerminalStream, widths

    fix = "        fix: " + "install Helm 3 from https://helm.sh/docs/intro/install/ and run it again " * 2

    async def notes(ctx):
        ctx.emit(fix, "info")
        return done()

    widths(monkeypatch, {1: 60, 2: 60})
    runner = Runner(TARGET, Runbook("deploy", [Step("preflight", "Preflight", notes)]), engine_factory=None)
    out = TerminalStream(1)
    assert await run_headless(runner, out=out, err=TerminalStream(2)) == 0
    note = [line for line in out.getvalue().splitlines() if not line.startswith(("==>", "<==", "deploy "))]
    assert note[0].startswith("            fix: install") and len(note) > 1, note
    assert all(line.startswith("              ") and len(line) <= 60 for line in note[1:]), note
