"""Detail panes: a preflight check's detail and fix, a finding's explanation, evidence and fix."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group
from rich.text import Text
from textual.widgets import Static

from petstore_core.redact import redact
from petstore_tui.stand_in_commands import StandIn, left_out_text, sandbox_commands

if TYPE_CHECKING:
    from checks.model import CheckResult, Finding


class CheckDetail(Static):
    """What the selected check found and what to do about it (`plain`: the text shown)."""

    plain = ""

    def show(self, title: str, result: CheckResult | None) -> None:
        if result is None:
            self.plain = f"{title}\n\nNot run yet."
            self.update(Text.assemble((title, "bold"), "\n\nNot run yet."))
            return
        parts = [Text(title, style="bold"),
                 Text(f"{result.group} · {result.status.value}", style="dim"),
                 Text(""), Text(redact(result.summary))]
        if result.detail:
            parts += [Text(""), Text(redact(result.detail))]
        if result.fix:
            parts += [Text(""), Text("Fix", style="bold underline"), Text(redact(result.fix))]
        if result.failure_id:
            parts += [Text(""), Text(f"Known failure: {result.failure_id}", style="dim")]
        self.plain = "\n".join(part.plain for part in parts)
        self.update(Group(*parts))


def fix_commands(finding: Finding, target=None, stand_in: StandIn | None = None) -> list[str]:
    """The fix's commands as the operator copies them: kubectl ones with their --context
    and --kubeconfig (petstore_core/kube.py for_target); in a sandbox without a cluster,
    fitted to the app under podman (`stand_in`), kubectl left out where nothing fits."""
    return fitted_commands(finding, target, stand_in)[0]


def fitted_commands(finding: Finding, target=None, stand_in: StandIn | None = None) -> tuple[list[str], int]:
    """(fix_commands, how many kubectl commands the sandbox has no equivalent for)."""
    from petstore_core.kube import command_for_target  # start-up: only when a finding is shown

    commands = list(finding.fix.commands if finding.fix else ())
    left = 0
    # the sandbox answers kubectl only when --context names a cluster of the operator's (README)
    if getattr(target, "sandbox", False) and not getattr(target, "context", None):
        commands, left = sandbox_commands(commands, stand_in)
    return [redact(command_for_target(c, target)) for c in commands], left


def simulated_text(finding: Finding) -> str:
    """What a simulated finding rests on, true of both kinds of a drill's lines (drills/base.py)."""
    return ("Simulated: a drill fed every line behind it, and no program printed them in this run: "
            "lines written by petstore-tui (a stand-in for a program the sandbox cannot run, such as "
            "the controller) or a real program's output recorded earlier and replayed (the werkzeug "
            "drill's crash).")


class FindingDetail(Static):
    """The selected finding: why it happens, the evidence (redacted), and the fix."""

    plain = ""
    stand_in: StandIn | None = None  # the sandbox's app under podman, once the panel knows it

    def show(self, finding: Finding | None, target=None) -> None:
        if finding is None:
            self.plain = ""
            self.update(Text("No finding selected. Findings appear here as logs stream.",
                             style="dim"))
            return
        parts = [Text(redact(finding.title), style="bold"),
                 Text(f"{finding.severity.value} · {finding.failure_id} · "
                      f"{redact(finding.resource) or 'resource unknown'} · seen {finding.count}×"
                      f" · {redact(finding.source)}", style="dim")]
        if finding.first_seen:
            first = time.strftime("%H:%M:%S", time.gmtime(finding.first_seen))
            last = time.strftime("%H:%M:%S", time.gmtime(finding.last_seen or finding.first_seen))
            # the last time too: a narrow findings table has no column for it (findings_table.py)
            parts.append(Text(f"first seen {first} UTC · last {last} UTC", style="dim"))
        if finding.recognised_as:
            # start-up: the preflight screen shows this module's CheckDetail first
            from checks.model import recognition_text

            parts.append(Text(f"recognised by {recognition_text(finding)}", style="dim"))
        if finding.simulated:
            parts.append(Text(simulated_text(finding), style="italic yellow"))
        if finding.explanation:
            # catalog text is wrapped at 90 columns: rejoin lines so the pane wraps it
            prose = re.sub(r"(?<!\n)\n(?!\n)", " ", finding.explanation.strip())
            parts += [Text(""), Text(redact(prose))]
        if finding.evidence:
            # start-up: the first screen (preflight) shows no finding
            from petstore_tui.log_lines import message_of

            parts += [Text(""), Text("Evidence", style="bold underline")]
            parts += [Text(redact(message_of(redact(line))), style="italic", no_wrap=True,
                           overflow="ellipsis") for line in finding.evidence[:5]]
        if finding.fix:
            parts += [Text(""), Text("Fix", style="bold underline"),
                      Text(redact(finding.fix.summary))]
            # start-up: only when a finding is shown
            from petstore_core.kube import for_target

            parts += [Text(f"{i}. {redact(for_target(step, target))}")
                      for i, step in enumerate(finding.fix.steps, 1)]
            commands, left = fitted_commands(finding, target, self.stand_in)
            if commands:
                parts += [Text(""), Text("Commands (c copies them)", style="bold")]
                parts += [Text(f"$ {cmd}", style="bold green") for cmd in commands]
            if left:
                parts.append(Text(left_out_text(left), style="dim"))
            if finding.fix.files:
                parts += [Text("Files: " + ", ".join(finding.fix.files), style="dim")]
        plain = "\n".join(part.plain for part in parts)
        # A recurring finding changes only its count and times: lines of the same widths
        # wrap to the same height, so the screen need not be laid out again for it.
        same_shape = _widths(plain) == _widths(self.plain)
        self.plain = plain
        self.update(Group(*parts), layout=not same_shape)


def _widths(text: str) -> list[int]:
    return [cell_len(line) for line in text.split("\n")]
