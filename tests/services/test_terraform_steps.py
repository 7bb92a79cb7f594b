"""Terraform's own 10-second progress (apply_progress) reaches the step's output: a fake `terraform` printing Terraform's real JSON events."""

from __future__ import annotations

import json
import sys

from petstore_core import settings
from petstore_tui.runbook.deploy_aws_steps import terraform_apply

FAKE_TERRAFORM = r"""#!{python}
# fake terraform: `apply` prints Terraform's JSON stream for one slow resource
import json, sys
def say(kind, message, **extra):
    print(json.dumps({{"@level": "info", "@message": message, "type": kind, **extra}}), flush=True)
if "apply" in sys.argv:
    hook = {{"resource": {{"addr": "aws_eks_cluster.this"}}, "action": "create"}}
    say("apply_start", "aws_eks_cluster.this: Creating...", hook=hook)
    for elapsed in (10, 20):
        say("apply_progress", f"aws_eks_cluster.this: Still creating... [{{elapsed}}s elapsed]",
            hook={{**hook, "elapsed_seconds": elapsed}})
    say("apply_complete", "aws_eks_cluster.this: Creation complete after 25s",
        hook={{**hook, "elapsed_seconds": 25}})
    say("change_summary", "Apply complete!", changes={{"add": 1, "change": 0, "remove": 0,
        "operation": "apply"}})
elif "output" in sys.argv:
    print(json.dumps({{"cluster_name": {{"value": "petstore-eks"}}}}))
"""


def _project_with_fake_terraform(tmp_path, monkeypatch, script: str):
    """A project folder, and `script` (a fake `terraform`) alone on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "terraform"
    fake.write_text(script.format(python=sys.executable))
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    project = tmp_path / "project"
    (project / "terraform").mkdir(parents=True)
    return project


async def test_terraform_apply_progress_is_printed(step_ctx, tmp_path, monkeypatch):
    """Stand-in: a fake `terraform` printing Terraform's real JSON events for one resource
    that takes 25 s (apply_start, two apply_progress, apply_complete). Its "Still
    creating... [10s elapsed]" lines reach the output (the old step dropped them, leaving
    an EKS apply silent for 10-15 minutes)."""
    project = _project_with_fake_terraform(tmp_path, monkeypatch, FAKE_TERRAFORM)
    ctx, rec = step_ctx(settings.Target(region="eu-west-1", project_dir=project), {"planned": 1})
    (ctx.workdir / "deploy.tfplan").write_text("plan")
    result = await terraform_apply(ctx)
    assert result.status.value == "done", result.summary
    text = rec.text()
    assert "aws_eks_cluster.this: Still creating... [10s elapsed]" in text
    assert "aws_eks_cluster.this: Still creating... [20s elapsed]" in text
    assert rec.progress[-1][:2] == (1, 1)
    assert json.dumps(result.outputs["terraform"]) == '{"cluster_name": "petstore-eks"}'


# Stand-in for Terraform's plan and apply: `plan -out=FILE` writes FILE and prints Terraform's
# JSON change summary (1 to add, exit 2: changes present); `apply FILE` notes FILE in
# `applied` beside itself and prints an empty apply; `output` prints no outputs.
PLAN_APPLY_TERRAFORM = r"""#!{python}
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
def say(kind, message, **extra):
    print(json.dumps({{"@level": "info", "@message": message, "type": kind, **extra}}), flush=True)
if "plan" in sys.argv:
    out = next(a.split("=", 1)[1] for a in sys.argv if a.startswith("-out="))
    with open(out, "w") as fh:
        fh.write("plan")
    say("change_summary", "Plan: 1 to add, 0 to change, 0 to destroy.",
        changes={{"add": 1, "change": 0, "remove": 0, "operation": "plan"}})
    sys.exit(2)
if "apply" in sys.argv:
    with open(os.path.join(here, "applied"), "a") as fh:
        fh.write(sys.argv[-1] + "\n")
    say("change_summary", "Apply complete!", changes={{"add": 1, "change": 0, "remove": 0, "operation": "apply"}})
    sys.exit(0)
if "output" in sys.argv:
    print("{{}}")
"""


async def test_a_plan_the_operator_did_not_confirm_is_never_applied(step_ctx, tmp_path, monkeypatch):
    """Stand-in: the fake `terraform` above (plan writes its file, apply notes what it
    applied). The operator answers Cancel to "Apply this plan?" ("nothing changes until you
    agree"), then runs the apply step on its own (`o` on it, or deploy --only
    terraform-apply): nothing is applied, and the step says to plan again. A plan that is
    agreed to is applied once."""
    import pytest

    from petstore_tui.runbook.deploy_aws_steps import terraform_plan
    from petstore_tui.runbook.model import StepFailed

    project = _project_with_fake_terraform(tmp_path, monkeypatch, PLAN_APPLY_TERRAFORM)
    bin_dir = tmp_path / "bin"  # where the fake notes that it applied
    ctx, rec = step_ctx(settings.Target(region="eu-west-1", project_dir=project))  # answers no

    refused = await terraform_plan(ctx)
    assert refused.status.value == "stopped", refused.summary
    with pytest.raises(StepFailed, match="not confirmed"):
        await terraform_apply(ctx)
    assert not (bin_dir / "applied").exists(), "a plan the operator refused was applied"

    async def agree(request):
        return True

    ctx._confirm = agree
    agreed = await terraform_plan(ctx)
    assert agreed.status.value == "done", agreed.summary
    ctx.outputs.update(agreed.outputs)
    applied = await terraform_apply(ctx)
    assert applied.status.value == "done", applied.summary
    assert len((bin_dir / "applied").read_text().splitlines()) == 1
