"""A failed Terraform step stops the run with the diagnostics engine's finding and its fix (real engine, real terraform)."""

from __future__ import annotations

from petstore_core import settings
from petstore_tui.events import RunFinished, StepFindings, StepFinished, StepStatus
from petstore_tui.runbook.deploy import deploy_runbook
from petstore_tui.runbook.runner import Runner


async def test_duplicate_output_is_diagnosed(terraform_bin, tmp_path):
    """Stand-in: the real terraform on a project whose terraform/ defines an output twice,
    and the real diagnostics engine with the catalog. terraform-init fails; the step's
    findings name terraform-duplicate-output and the summary carries its fix."""
    (tmp_path / "terraform").mkdir()
    (tmp_path / "kubernetes").mkdir()
    (tmp_path / "terraform" / "main.tf").write_text('output "vpc_id" { value = 1 }\n')
    (tmp_path / "terraform" / "outputs.tf").write_text('output "vpc_id" { value = 2 }\n')
    target = settings.Target(project_dir=tmp_path, region="eu-west-1")
    events = [e async for e in Runner(target, deploy_runbook(target)).run(only="terraform-init")]
    finished = next(e for e in events if isinstance(e, StepFinished))
    assert finished.status is StepStatus.FAILED
    assert "terraform-duplicate-output" in [f.failure_id for f in finished.findings]
    assert "Keep each output once" in finished.summary
    assert any(isinstance(e, StepFindings) for e in events)
    assert events[-1] == RunFinished(False, "terraform-init", events[-1].elapsed)
