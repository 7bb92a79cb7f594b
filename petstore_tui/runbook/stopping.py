"""What stopping a running step does, in the operator's words: the TUI's quit question says it
before the operator chooses. The stop itself is always Runner.stop (one SIGINT to the tool
through petstore_core/process.py, its grace, then SIGTERM, then SIGKILL). During that grace
a second quit (headless: a second Ctrl+C) may stop it at once (Runner.stop_now: SIGKILL);
what that risks, and what to run next, is said here too: in the TUI before the operator
chooses and again as it ends, headless when it happens."""

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


def terraform_chdir(runner: object) -> str:
    """The folder `runner`'s Terraform runs in, as `-chdir=` wants it (common.terraform_dir)."""
    target = getattr(runner, "target", None)
    if target is None:
        return "terraform"
    if getattr(target, "sandbox", False):
        return str(runner.workdir / "terraform")  # type: ignore[attr-defined]
    return str(target.project / "terraform")


# the journal's summary of a step stopped at once during its grace (Runner.stop_now)
KILLED = "killed by the operator during its clean stop: check its tool's state before the next run"


def what_stopping_now_does(step_id: str | None, chdir: str = "terraform") -> str:
    """One paragraph: what killing the step's tool during its clean stop can leave, and the
    commands that find and repair it (`chdir`: the folder Terraform runs in)."""
    step = step_id or ""
    # each command ends its clause: on a terminal it goes on a line of its own (paragraph.py)
    unlock = (f"a plan, which reads only and names the lock's ID in a lock error: `terraform -chdir={chdir} plan`. "
              f"Then, once no other Terraform runs: `terraform -chdir={chdir} force-unlock ID`.")
    if step == "terraform-destroy":
        return ("Terraform is still finishing its AWS calls and writing its state. Stopping now kills "
                "it (SIGKILL): the state may stay locked, and resources it already deleted in AWS may "
                "still be listed in terraform.tfstate (the next plan's refresh drops them). Next, "
                f"before any other run, {unlock} Then resume the cleanup, which destroys what is left.")
    if step in ("terraform-init", "terraform-plan"):
        return ("Terraform is still exiting cleanly; it changes nothing in AWS at this step. Stopping "
                "now kills it (SIGKILL): its state may stay locked. Next, if the resumed run says the "
                f"state is locked, {unlock} Then resume the run.")
    if step.startswith("terraform-"):
        return ("Terraform is still finishing its AWS calls and writing its state. Stopping now kills "
                "it (SIGKILL): the state may stay locked, and resources this run created in AWS may be "
                f"missing from terraform.tfstate. Next, before any other run, {unlock} Resources the "
                "plan would create that AWS already has: import each (or delete them in AWS), never "
                f"apply twice: `terraform -chdir={chdir} import ADDRESS ID`. Then resume the run.")
    if step.startswith("controller-helm") or step == "controller-uninstall":
        return ("Helm is still marking the release. Stopping now kills it (SIGKILL): the release may be "
                "left pending. Next, before running again, find its last deployed revision: "
                "`helm history aws-load-balancer-controller -n kube-system`, and roll back to it: "
                "`helm rollback aws-load-balancer-controller REVISION -n kube-system`.")
    return ("Its tool is still exiting cleanly. Stopping now kills it (SIGKILL) and whatever it "
            "started, half done; the step runs again from its start on resume.")
