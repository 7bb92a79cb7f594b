"""The header: the app's name, the target (profile, region, cluster or SANDBOX) and its state."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from petstore_core.redact import redact


class TargetHeader(Widget):
    """One line across the top. Marked `-sandbox` so the sandbox is never mistaken for AWS."""

    screen_title: reactive[str] = reactive("")
    target_label: reactive[str] = reactive("")
    sandbox_state: reactive[str] = reactive("")
    status: reactive[str] = reactive("")

    def __init__(self, screen_title: str, target_label: str, *, sandbox: bool,
                 sandbox_state: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(TargetHeader.screen_title, screen_title)
        self.set_reactive(TargetHeader.target_label, target_label)
        self.set_reactive(TargetHeader.sandbox_state, sandbox_state)
        self.set_class(sandbox, "-sandbox")

    def on_mount(self) -> None:
        # the app's sandbox worker reports the emulator's state once it is up (petstore_tui/app.py)
        if "sandbox_state" in type(self.app)._reactives:
            self.watch(self.app, "sandbox_state", self._sandbox_changed, init=False)

    def _sandbox_changed(self, state: str) -> None:
        self.sandbox_state = state

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" petstore-tui ", style="bold")
        text.append("│ ")
        text.append(self.screen_title, style="bold")
        text.append(" │ ")
        text.append(redact(self.target_label), style="bold reverse" if self.has_class("-sandbox") else "bold")
        if self.sandbox_state:
            text.append(f"  sandbox: {redact(self.sandbox_state)}")
        if self.status:
            text.append(f"  │ {redact(self.status)}")
        return text
