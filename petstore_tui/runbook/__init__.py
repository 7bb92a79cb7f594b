"""Deploy and cleanup runbooks: ordered, resumable steps run by a Runner that yields petstore_tui.events (no Textual)."""

from petstore_tui.runbook.deploy import Runbook, deploy_runbook
from petstore_tui.runbook.destroy import destroy_runbook
from petstore_tui.runbook.model import Step, StepContext, StepResult
from petstore_tui.runbook.runner import RunbookError, Runner

__all__ = ["Runbook", "RunbookError", "Runner", "Step", "StepContext", "StepResult",
           "deploy_runbook", "destroy_runbook"]
