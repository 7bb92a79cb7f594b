"""The preflight checks as a table grouped by tools, aws, config and cluster, filling in live."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

from petstore_tui.widgets.cells import cursor_row_key, update_summary

if TYPE_CHECKING:
    from checks.model import CheckResult

GROUP_ORDER = ("tools", "aws", "config", "cluster")
STATUS_STYLE = {
    "pass": ("✔ pass", "green"),
    "warn": ("▲ warn", "yellow"),
    "fail": ("✘ FAIL", "bold red"),
    "skip": ("– skip", "dim"),
    "error": ("! error", "magenta"),
    "pending": ("… pending", "dim"),
    "running": ("⟳ running", "cyan"),
}


def status_cell(status: str) -> Text:
    label, style = STATUS_STYLE.get(status, (status, ""))
    return Text(label, style=style)


class CheckTable(DataTable):
    """Rows keyed by check id; group header rows keyed `group:<name>`."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.results: dict[str, CheckResult] = {}
        self.titles: dict[str, str] = {}
        self.groups: dict[str, str] = {}

    def on_mount(self) -> None:
        # Text, not str: a str label is parsed as markup, and that imports rich's emoji
        # table (about 2 ms of the first frame) for three plain words
        self.add_column(Text("Check"), key="title", width=34)
        self.add_column(Text("Status"), key="status", width=10)
        self.add_column(Text("Summary"), key="summary")

    def set_checks(self, checks) -> None:
        """Lay out every check as pending, grouped in the usual order."""
        self.clear()
        self.results.clear()
        self.titles = {c.id: c.title for c in checks}
        self.groups = {c.id: c.group for c in checks}
        groups = sorted({c.group for c in checks},
                        key=lambda g: (GROUP_ORDER.index(g) if g in GROUP_ORDER else 99, g))
        for group in groups:
            self.add_row(Text(group.upper(), style="bold"), Text(""), Text(""), key=f"group:{group}")
            for check in checks:
                if check.group == group:
                    self.add_row(Text(f"  {check.title}"), status_cell("pending"), Text(""), key=check.id)

    def mark_running(self, check_id: str) -> None:
        if check_id in self.titles:
            self.update_cell(check_id, "status", status_cell("running"))
            self.update_cell(check_id, "summary", Text(""))

    def update_result(self, result: CheckResult) -> None:
        self.results[result.id] = result
        if result.id not in self.titles:  # a check the list did not announce: append it
            self.titles[result.id] = result.id
            self.groups[result.id] = result.group
            self.add_row(Text(f"  {result.id}"), Text(""), Text(""), key=result.id)
        # start-up: a result comes after the first frame, and the types with it
        from checks.model import Status

        status = result.status.value if isinstance(result.status, Status) else str(result.status)
        self.update_cell(result.id, "status", status_cell(status))
        update_summary(self, result.id, result.summary)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for result in self.results.values():
            counts[result.status.value] = counts.get(result.status.value, 0) + 1
        return counts

    def selected_id(self) -> str | None:
        key = cursor_row_key(self)
        if key is None or key.startswith("group:"):
            return None
        return key
