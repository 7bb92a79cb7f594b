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
        return header_line(self.screen_title, redact(self.target_label), redact(self.sandbox_state),
                           redact(self.status), sandbox=self.has_class("-sandbox"), width=self.size.width)


def _short_state(state: str) -> str:
    """The sandbox's state without its URL ("started at http://...": running)."""
    if state.startswith(("started at ", "running at ")):
        return "running"
    return state.partition(":")[0] if state.startswith("not running") else state


def _short_label(label: str, sandbox: bool) -> str:
    """SANDBOX alone (its region and cluster are the emulator's own), or profile · region
    (the account and region are what an operator must never mistake; the cluster goes)."""
    parts = label.split(" · ")
    return parts[0] if sandbox else " · ".join(parts[:2])


def header_line(title: str, label: str, state: str, status: str, *, sandbox: bool, width: int) -> Text:
    """The header's one line for `width` columns. What gives way first, until it fits: the
    app's name, the sandbox's URL, the target's cluster; the status then loses its tail
    (its counts come worst first). The target and the sandbox's state are never cut (at 80
    columns the header once ended at "sandbox:")."""
    ladder = ((True, label, state), (False, label, state), (False, label, _short_state(state)),
              (False, _short_label(label, sandbox), _short_state(state)))
    for named, shown_label, shown_state in ladder:
        text = _line(title, shown_label, shown_state, status, sandbox=sandbox, named=named)
        if width <= 0 or text.cell_len <= width:
            return text
    text.truncate(width, overflow="ellipsis")  # the status's tail goes, marked "…"
    return text


def _line(title: str, label: str, state: str, status: str, *, sandbox: bool, named: bool) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    if named:
        text.append(" petstore-tui ", style="bold")
        text.append("│ ")
    else:
        text.append(" ")
    text.append(title, style="bold")
    text.append(" │ ")
    text.append(label, style="bold reverse" if sandbox else "bold")
    if state:
        text.append(f"  sandbox: {state}")
    if status:
        text.append(f"  │ {status}")
    return text
