"""Stopping a running `terraform apply` (against moto) leaves the state written and unlocked."""

from __future__ import annotations

import json
import os
import time

import pytest

from petstore_core import sandbox_state, settings
from petstore_tui.events import StepFinished, StepOutput, StepProgress, StepStatus
from petstore_tui.runbook.deploy import deploy_runbook
from petstore_tui.runbook.runner import Runner
from petstore_tui.services import terraform as tf

pytestmark = pytest.mark.slow
TARGET = settings.Target(sandbox=True)


async def test_stop_during_apply_leaves_no_lock(aws, terraform_cli_config):
    """Stand-in: moto_server (the `aws` fixture, recorded as the sandbox), real terraform.
    After three resources are created the runner is stopped: terraform gets one SIGINT,
    finishes writing its state and exits; the step is STOPPED, no lock is left, and a plan
    with -lock-timeout=0s runs at once (no force-unlock needed)."""
    sandbox_state.write(sandbox_state.SandboxState(endpoint=aws, pid=os.getpid(), started_at=time.time()))

    async def yes(request):
        return True

    runner = Runner(TARGET, deploy_runbook(TARGET), yes, engine_factory=None)
    events = []
    async for event in runner.run(from_step="terraform-init"):
        events.append(event)
        if isinstance(event, StepProgress) and event.step == "terraform-apply" and event.done >= 3:
            runner.stop()  # called on every later progress event too: must stay one SIGINT
    finished = {e.step: e for e in events if isinstance(e, StepFinished)}
    assert finished["terraform-plan"].status is StepStatus.DONE
    assert finished["terraform-apply"].status is StepStatus.STOPPED
    assert "image-build" not in finished
    assert events[-1].ok is False and events[-1].stopped_at == "terraform-apply"
    lines = [e.line for e in events if isinstance(e, StepOutput) and e.step == "terraform-apply"]
    assert any("Interrupt received" in line or "Gracefully shutting down" in line for line in lines), lines[-5:]

    workdir = settings.state_dir() / "work" / TARGET.key / "terraform"
    assert not (workdir / ".terraform.tfstate.lock.info").exists()
    state = json.loads((workdir / "terraform.tfstate").read_text())
    assert 3 <= len(state["resources"]) < 43  # written part-way, not lost

    plan = await tf.Terraform(workdir).plan(workdir / "after.tfplan", _var_args(), lock_timeout="0s")
    assert plan.ok, plan.error_text()
    assert plan.summary is not None and plan.summary.add > 0  # the rest is still to create


def _var_args() -> list[str]:
    """The variables the runbook passes in the sandbox."""
    from petstore_core.terraform_vars import sandbox_var_args

    return sandbox_var_args({"cluster_name": TARGET.cluster_name, "region": TARGET.region_name})
