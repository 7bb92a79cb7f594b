"""What stopping a running step does, in the operator's words: the TUI's quit question says it
before the operator chooses. The stop itself is always Runner.stop (one SIGINT to the tool
through petstore_core/process.py, its grace, then SIGTERM, then SIGKILL)."""

from __future__ import annotations

from petstore_tui.runbook.model import duration
from petstore_tui.services import terraform

RESUMES = {"deploy": "`r` on Deploy or `petstore-tui deploy` resumes from it",
           "destroy": "`r` on Cleanup or `petstore-tui destroy` resumes from it"}


def what_stopping_does(step_id: str | None, runbook: str = "deploy") -> str:
    """One paragraph: how the running step's tool is stopped, and what the journal keeps."""
    step = step_id or ""
    if step.startswith("terraform-"):
        how = (f"Terraform gets one SIGINT and up to {duration(terraform.INTERRUPT_GRACE)} to finish "
               "the AWS calls in flight and write its state (then SIGTERM, then SIGKILL): a Terraform "
               "killed mid-run can leave terraform.tfstate out of step with what AWS holds.")
    elif step.startswith("controller-helm") or step == "controller-uninstall":
        how = "Helm gets one SIGINT and time to mark the release failed, then SIGTERM, then SIGKILL."
    elif step.startswith("image-"):
        how = ("The container engine gets SIGINT, then SIGTERM; what a stopped build leaves is "
               "swept by the step or by the next destroy.")
    else:
        how = "Its call is interrupted: a tool gets one SIGINT, then SIGTERM, then SIGKILL."
    where = RESUMES.get(runbook, RESUMES["deploy"])
    return f"{how} The step is journalled as stopped; {where}. petstore-tui quits once it has stopped."
