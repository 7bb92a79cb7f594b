"""The runbook's steps with their state and elapsed time."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from petstore_tui.widgets.cells import cursor_row_key, update_summary

STATE_STYLE = {
    "checking": ("…", "dim"),  # drawn from the outline; the journal not read yet
    "pending": ("·", "dim"),
    "running": ("⟳", "bold cyan"),
    "done": ("✔", "green"),
    "failed": ("✘", "bold red"),
    "skipped": ("–", "yellow"),
    "stopped": ("■", "magenta"),
}
TITLE_MIN = 34  # a narrow table keeps this and scrolls sideways (left/right)
SUMMARY_ROOM = 30  # what a wide table keeps for the summary beside whole titles
OTHER_WIDTH = 2 + 8 + 6 + 5 * 2 + 2  # icon, state, time, each column's padding, a scrollbar


def format_elapsed(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    minutes, secs = divmod(seconds, 60)
    return f"{minutes}:{secs:02d}"


class StepList(DataTable):
    """Rows keyed by step id: state, title, elapsed, and the one-line summary."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.states: dict[str, str] = {}
        self.order: list[str] = []
        self.titles: list[str] = []
        self._early: tuple[list[tuple[str, str]], str] | None = None  # set before on_mount

    def on_mount(self) -> None:
        self.add_column("", key="icon", width=2)
        self.add_column("Step", key="title", width=TITLE_MIN)
        self.add_column("State", key="state", width=8)
        self.add_column("Time", key="elapsed", width=6)
        self.add_column("Summary", key="summary")
        if self._early is not None:
            steps, state = self._early
            self._early = None
            self.set_steps(steps, state=state)

    def on_resize(self) -> None:
        self._fit_titles()

    def _fit_titles(self) -> None:
        """Titles whole when the table is wide enough to keep SUMMARY_ROOM beside them."""
        longest = max((cell_len(title) for title in self.titles), default=0)
        width = max(TITLE_MIN, min(longest, self.size.width - OTHER_WIDTH - SUMMARY_ROOM))
        column = self.columns.get(ColumnKey("title"))
        if column is not None and column.width != width:
            column.width = width
            self._require_update_dimensions = True
            self.refresh()

    def set_steps(self, steps: list[tuple[str, str]], *, state: str = "pending") -> None:
        """The rows, all in `state` ("checking" while the journal is not read yet)."""
        if not self.columns:  # before on_mount: drawn as soon as the columns exist
            self._early = (list(steps), state)
            return
        self.clear()
        self.order = [step_id for step_id, _ in steps]
        self.states = {step_id: state for step_id in self.order}
        self.titles = [title for _, title in steps]
        icon, style = STATE_STYLE[state]
        for step_id, title in steps:
            self.add_row(Text(icon, style=style), title, Text(state, style=style), "", "",
                         key=step_id)
        self._fit_titles()

    def set_state(self, step_id: str, state: str, *, elapsed: float | None = None,
                  summary: str | None = None) -> None:
        if step_id not in self.states:
            return
        self.states[step_id] = state
        icon, style = STATE_STYLE.get(state, ("?", ""))
        self.update_cell(step_id, "icon", Text(icon, style=style))
        self.update_cell(step_id, "state", Text(state, style=style))
        if elapsed is not None:
            self.update_cell(step_id, "elapsed", format_elapsed(elapsed))
        if summary is not None:
            update_summary(self, step_id, summary)

    def set_elapsed(self, step_id: str, elapsed: float) -> None:
        if step_id in self.states:
            self.update_cell(step_id, "elapsed", format_elapsed(elapsed))

    def selected_id(self) -> str | None:
        return cursor_row_key(self)
