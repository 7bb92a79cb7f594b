"""The cleanup screen: the destroy runbook, behind a typed confirmation of the cluster name."""

from __future__ import annotations

from textual.binding import Binding

from petstore_tui.screens.dialogs import TypedConfirmDialog
from petstore_tui.screens.runbook_screen import RunbookScreen, runbook_palette

DETAIL = ("Deletes the Ingress first (so the controller removes the ALB and its security "
          "groups), then the app, the controller, the images, and runs terraform destroy.")


class CleanupScreen(RunbookScreen):
    """Nothing runs until the operator types the cluster name; a wrong name is refused."""

    KIND = "destroy"
    TITLE = "Cleanup"
    # RunbookScreen's keys; Textual merges BINDINGS along the classes and a key bound again
    # keeps its place, so only `r`'s label changes
    BINDINGS = [Binding("r", "run_all", "Destroy all")]
    PALETTE = runbook_palette(
        "Cleanup",
        run_all=("destroy everything", "Asks for the cluster name, then runs every cleanup step"),
        run_one=("run selected step", "Asks for the cluster name, then runs the highlighted step"),
    )

    def start_run(self, *, from_step: str | None = None, only: str | None = None) -> None:
        cluster = self.app.target.cluster_name
        if self.confirmed_text == cluster:
            super().start_run(from_step=from_step, only=only)
            return

        def answered(value: str | None) -> None:
            if value != cluster:
                self.notify("Cleanup cancelled: nothing was deleted.", severity="warning")
                return
            self.confirmed_text = value
            RunbookScreen.start_run(self, from_step=from_step, only=only)

        self.app.push_screen(
            TypedConfirmDialog(f"Destroy everything of {cluster}?", cluster, DETAIL), answered)
