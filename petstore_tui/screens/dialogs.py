"""Modal dialogs: yes/no confirmation, typed confirmation, a text prompt, and the drill menu."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from petstore_core.redact import redact

# the dialogs' layout, read when the first one opens (petstore_tui/app.tcss says why)
DIALOG_CSS = Path(__file__).with_name("dialogs.tcss")

Result = TypeVar("Result")


class CancellableDialog(ModalScreen[Result]):
    """A dialog (dialogs.tcss styles `.dialog`) that Escape closes with no answer (None)."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self) -> None:
        super().__init__(classes="dialog")

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmDialog(ModalScreen[bool]):
    """Asks before an apply or a destructive step; Escape means no."""

    CSS_PATH = DIALOG_CSS

    BINDINGS = [Binding("escape", "answer(False)", "Cancel"), Binding("y", "answer(True)", "Yes")]

    def __init__(self, prompt: str, detail: str = "", *, yes: str = "Yes, go ahead") -> None:
        super().__init__(classes="dialog")
        self.prompt = prompt
        self.detail = detail
        self.yes = yes

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(redact(self.prompt), id="dialog-title")
            if self.detail:
                yield Static(redact(self.detail), id="dialog-detail")
            with Horizontal(id="dialog-buttons"):
                yield Button(self.yes, variant="warning", id="yes")
                yield Button("Cancel", id="no")
            # Cancel has the focus, so Enter cancels: say which key agrees
            yield Label("y agrees, Enter presses the focused button, Escape cancels", id="dialog-keys")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()  # the safe answer is the default

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class TypedConfirmDialog(CancellableDialog[str | None]):
    """Destructive work waits for the operator to type `expected` (the cluster name).

    A wrong name is refused in place: the dialog stays, says so, and nothing runs."""

    CSS_PATH = DIALOG_CSS

    def __init__(self, prompt: str, expected: str, detail: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.expected = expected
        self.detail = detail
        self.refusals = 0

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(redact(self.prompt), id="dialog-title")
            if self.detail:
                yield Static(redact(self.detail), id="dialog-detail")
            yield Label(f"Type the cluster name [b]{self.expected}[/b] to confirm:")
            yield Input(placeholder=self.expected, id="typed")
            yield Label("", id="typed-error")
            with Horizontal(id="dialog-buttons"):
                yield Button("Destroy", variant="error", id="yes")
                yield Button("Cancel", id="no")

    def on_mount(self) -> None:
        self.query_one("#typed", Input).focus()

    def _submit(self) -> None:
        typed = self.query_one("#typed", Input).value.strip()
        if typed == self.expected:
            self.dismiss(typed)
            return
        self.refusals += 1
        self.query_one("#typed-error", Label).update(
            f"[b]{escape(redact(typed)) or '(nothing)'}[/b] is not {self.expected}: nothing was deleted.")
        self.query_one("#typed", Input).value = ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "yes":
            self._submit()
        else:
            self.dismiss(None)


class PromptDialog(CancellableDialog[str | None]):
    """One line of text (a file to follow, where to write the report)."""

    CSS_PATH = DIALOG_CSS

    def __init__(self, prompt: str, value: str = "") -> None:
        super().__init__()
        self.prompt = prompt
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            yield Label(self.prompt, id="dialog-title")
            yield Input(value=self.value, id="prompt-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)


class DrillDialog(CancellableDialog[tuple[str, str] | None]):
    """The drill menu: plant one of the headline failures in the sandbox, or undo it."""

    CSS_PATH = DIALOG_CSS

    BINDINGS = [Binding("escape", "cancel", "Close"), Binding("u", "undo", "Undo selected"),
                Binding("enter", "plant", "Plant selected", show=False)]

    def __init__(self, drills: list[Any], planted: set[str]) -> None:
        super().__init__()
        self.drills = drills
        self.planted = planted

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog-box"):
            # how to leave said as the other dialogs say it ("Escape cancels")
            yield Label("Drills (sandbox only): Enter plants, u undoes, Escape cancels", id="dialog-title")
            options = []
            for drill in self.drills:
                mark = "● planted  " if drill.id in self.planted else "○          "
                options.append(Option(f"{mark}{drill.title}\n   {drill.description}", id=drill.id))
            yield OptionList(*options, id="drill-list")

    def _selected(self) -> str | None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return None
        return option_list.get_option_at_index(option_list.highlighted).id

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss((event.option.id or "", "plant"))

    def action_plant(self) -> None:
        drill_id = self._selected()
        if drill_id:
            self.dismiss((drill_id, "plant"))

    def action_undo(self) -> None:
        drill_id = self._selected()
        if drill_id:
            self.dismiss((drill_id, "undo"))
