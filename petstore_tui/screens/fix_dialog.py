"""The `x` key: a modal that shows a fix's plan (AWS calls with their parameters, Kubernetes objects as a diff, unified diffs of files), applies it only on `y` or the Apply button, then shows the check that verifies it passing, or that the change was undone and why. FixService does the work in a thread worker; this module only shows it."""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Label, Static

from petstore_core.redact import redact
from petstore_core.words import counted
from petstore_tui.fixes.model import Outcome, Plan, UnknownFix
from petstore_tui.fixes.render import outcome_lines, plan_lines
from petstore_tui.fixes.service import FixService
from petstore_tui.screens.dialogs import DIALOG_CSS


def open_fix(screen: Screen, spec: str | None, on_done: Callable[[Outcome | None], None] | None = None,
             *, service=None, stand_in=None) -> None:
    """What a screen's `x` does: the fix dialog for a catalog id or check id, or a note
    when nothing is selected. `stand_in`: the sandbox's app under podman (the panel's)."""
    if not spec:
        screen.notify("Select a finding or a failed check to fix.", severity="warning")
        return
    if service is None:
        service = FixService(screen.app.target, stand_in=stand_in)
    screen.app.push_screen(FixDialog(spec, service=service), on_done)


class FixDialog(ModalScreen[Outcome | None]):
    """Planning -> the plan (Apply, Cancel) -> applying -> the outcome (Close). Escape
    closes at any point before applying; nothing changes unless Apply is chosen."""

    BINDINGS = [Binding("escape", "close", "Close"), Binding("y", "apply", "Apply")]
    CSS_PATH = DIALOG_CSS

    DEFAULT_CSS = """
    FixDialog #dialog-box { width: 110; max-height: 95%; }
    FixDialog #fix-body { height: auto; max-height: 30; }
    FixDialog #fix-status { margin-top: 1; height: auto; }
    """

    def __init__(self, spec: str, *, service=None) -> None:
        super().__init__(classes="dialog")
        self.spec = spec
        self._service = service
        self.plan: Plan | None = None
        self.outcome: Outcome | None = None
        self.state = "planning"  # planning | planned | applying | done

    @property
    def service(self):
        if self._service is None:
            self._service = FixService(self.app.target)
        return self._service

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(redact(f"Fix {self.spec}"), id="dialog-title")
            with VerticalScroll(id="fix-body"):
                yield Static("Planning from live state…", id="fix-plan", markup=False)
            yield Static("", id="fix-status", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button("Apply (y)", variant="warning", id="apply", disabled=True)
                yield Button("Cancel", id="close")

    def on_mount(self) -> None:
        self.query_one("#close", Button).focus()  # the safe answer is the default
        self._plan()

    @work(thread=True, exclusive=True, group="fix-plan", exit_on_error=False)
    def _plan(self) -> None:
        try:
            plan, early = self.service.try_plan(self.spec)
        except UnknownFix as exc:
            plan, early = None, Outcome("failed", str(exc))
        except Exception as exc:  # e.g. the sandbox is not running: said in one line
            plan, early = None, Outcome("failed", redact(f"{type(exc).__name__}: {exc}"))
        self.app.call_from_thread(self._planned, plan, early)

    def _planned(self, plan: Plan | None, early: Outcome | None) -> None:
        if plan is None:  # no plan to show: the answer alone, not under "Planning…"
            self.query_one("#fix-body").display = False
            self._finish(early, outcome_lines(early) if early else [])
            return
        self.plan, self.state = plan, "planned"
        self.query_one("#fix-plan", Static).update("\n".join(plan_lines(plan)))
        where = ("the sandbox" if self.app.target.sandbox else
                 "this checkout" if plan.kind == "repository" else f"the REAL account and cluster of {plan.target}")
        self.query_one("#fix-status", Static).update(
            f"Apply {counted(len(plan.changes), 'change')} to {where}? y applies, Escape cancels: nothing changes until then.")
        self.query_one("#apply", Button).disabled = False

    def action_apply(self) -> None:
        if self.state != "planned" or self.plan is None:
            return
        self.state = "applying"
        self.query_one("#apply", Button).disabled = True
        self.query_one("#close", Button).disabled = True
        self.query_one("#fix-status", Static).update("Applying, then re-running the check that found it…")
        self._apply(self.plan)

    @work(thread=True, exclusive=True, group="fix-apply", exit_on_error=False)
    def _apply(self, plan: Plan) -> None:
        try:
            outcome = self.service.apply(plan, confirmed=True)
        except Exception as exc:  # FixService turns fix errors into outcomes; anything else is said here
            outcome = Outcome("failed", redact(f"{type(exc).__name__}: {exc}"), plan)
        self.app.call_from_thread(self._applied, outcome)

    def _applied(self, outcome: Outcome) -> None:
        self._finish(outcome, outcome_lines(outcome))

    def _finish(self, outcome: Outcome | None, lines: list[str]) -> None:
        self.outcome, self.state = outcome, "done"
        self.query_one("#fix-status", Static).update("\n".join(lines))
        self.query_one("#apply", Button).display = False
        close = self.query_one("#close", Button)
        close.disabled, close.label = False, "Close"
        close.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.action_apply()
        else:
            self.action_close()

    def action_close(self) -> None:
        if self.state == "applying":  # a change under way finishes and is journaled first
            self.notify("The fix is being applied: wait for its verification.", severity="warning")
            return
        self.dismiss(self.outcome)
