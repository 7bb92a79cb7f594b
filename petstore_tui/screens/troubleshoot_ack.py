"""The troubleshooting panel's acknowledgement key: what `petstore-tui ack` does, from the panel.

`k` on a finding asks why it is acceptable and records ID:RESOURCE (ID alone when the finding
names no resource) in the same store as the command (checks/acks.py), so later runs (`diagnose`,
the panel) treat it as acknowledged; this run's engine marks it at once. `k` on an acknowledged
finding withdraws the acknowledgement that covers it."""

from __future__ import annotations

from textual import work

from checks.model import Finding
from petstore_core.redact import redact
from petstore_tui.screens.dialogs import PromptDialog
from petstore_tui.screens.troubleshoot_messages import FindingsChanged
from petstore_tui.widgets.findings_table import FindingsTable


def ack_target(finding: Finding) -> str:
    return f"{finding.failure_id}:{finding.resource}" if finding.resource else finding.failure_id


class AckActions:
    """The `k` key of the panel and the worker that writes the acknowledgement."""

    def action_acknowledge(self) -> None:
        finding = self.query_one(FindingsTable).selected()
        if finding is None:
            self.notify("No finding selected.", severity="warning")
            return
        if finding.acknowledged:
            self.write_ack(finding, None)
            return
        where = f"on {finding.resource}" if finding.resource else "on every resource (none was named)"
        prompt = (f"Acknowledge {finding.failure_id} {where}: why is it acceptable? "
                  "(Enter records it as `petstore-tui ack` does; Escape cancels)")

        def chosen(reason: str | None) -> None:
            if reason:
                self.write_ack(finding, reason)
            else:
                self.notify("Not acknowledged: a reason is required.", severity="warning")

        self.app.push_screen(PromptDialog(redact(prompt)), chosen)

    @work(thread=True, group="ack", exit_on_error=False)
    def write_ack(self, finding: Finding, reason: str | None) -> None:
        """Record (with a reason) or withdraw the acknowledgement, then mark this run's findings."""
        # start-up: only acknowledging reads or writes the store
        from checks.acks import AckError, add_ack, parse_target, remove_ack

        target = ack_target(finding)
        try:
            if reason is not None:
                ack = add_ack(target, reason)
                said = (f"Acknowledged {ack.target} (by {ack.by}); later runs treat it as acknowledged "
                        "too. k again withdraws it.")
            else:  # the acknowledgement that covers it: this resource's, else the failure's
                withdrawn = target if remove_ack(target) else None
                if withdrawn is None and finding.resource and remove_ack(finding.failure_id):
                    withdrawn = finding.failure_id
                said = (f"Acknowledgement of {withdrawn} withdrawn." if withdrawn else
                        f"No acknowledgement of {target} is stored any more (withdrawn elsewhere): unmarked here.")
                target = withdrawn or target
        except (AckError, OSError) as exc:
            self.app.call_from_thread(self.app.fail, "Acknowledgement not saved", exc)
            return
        failure_id, resource = parse_target(target)
        if self.engine is not None:
            with self.engine_lock:
                changed = self.engine.acknowledge(failure_id, resource, reason is not None)
        else:  # no engine (it failed to load): the row still says what was recorded
            finding.acknowledged = reason is not None
            changed = []
        self.post_message(FindingsChanged([*changed, finding], "acknowledgement"))
        self.app.call_from_thread(self.notify, redact(said))
