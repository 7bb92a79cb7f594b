"""The findings list: title first (as wide as the table allows), resource shortened in the
middle, count, severity, last seen (on a narrow table the title, count and severity only);
worst first. The detail pane has the full text."""

from __future__ import annotations

import time

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import ColumnKey

from checks.model import Finding, Severity
from petstore_core.redact import redact
from petstore_tui.widgets.cells import cursor_row_key
from petstore_tui.widgets.log_line import shorten_middle

SEVERITY_STYLE = {"critical": "bold white on red", "error": "bold red", "warning": "yellow",
                  "info": "dim"}
SEVERITY_LABEL = {"critical": "crit", "error": "error", "warning": "warn", "info": "info"}
RESOURCE_WIDTH = 18  # at most; less on a narrow table
TITLE_LEAST, RESOURCE_LEAST = 7, 8  # their headers, "Finding" and "Resource", whole
OTHER_WIDTH = 5 + 5 + 8 + 5 * 2 + 2  # count, severity, last, each column's padding, a scrollbar
# Below TITLE_ROOM cells for the title beside every column (10 at 80 columns: titles read
# as fragments), the resource and last-seen columns go and the count narrows; the detail
# pane names the resource, the count and the times
TITLE_ROOM = 24
NARROW_RESOURCE = 12  # the resource leading a title shared by several rows
COUNT_NARROW = 4  # "×" and up to 9999
NARROW_OTHER = COUNT_NARROW + 5 + 3 * 2 + 2  # count, severity, each column's padding, a scrollbar
SIMULATED_MARK, SHORT_MARK = "simulated · ", "~ "  # "~" as the log's "~sim" tag (widgets/log_line.py)
SHORT_BELOW = 2 * len(SIMULATED_MARK)  # a narrower title column takes the short mark


def finding_key(finding: Finding) -> str:
    return f"{finding.failure_id}|{finding.resource}"


def title_text(finding: Finding, width: int | None = None) -> Text:
    """The title, marked when only simulated lines (no program printed them) stand behind it.
    In a column narrower than SHORT_BELOW (`width`: 10 cells at 80 columns) the full mark
    left none of the title, so it is "~ " there; the detail pane says "Simulated:" in full."""
    title = Text(redact(finding.title), no_wrap=True, overflow="ellipsis",
                 style=SEVERITY_STYLE.get(finding.severity.value, ""))
    if finding.simulated:
        short = width is not None and width < SHORT_BELOW
        title = Text.assemble((SHORT_MARK, "bold italic yellow") if short else (SIMULATED_MARK, "italic dim"), title)
    if finding.acknowledged:  # petstore-tui ack or the panel's k: still listed, set apart
        title = Text.assemble(("acknowledged · ", "dim"), title)
    return title


def clock_text(ts: float) -> str:
    """Wall-clock time of day in UTC, so every operator in the channel reads the same."""
    if not ts:
        return ""
    return time.strftime("%H:%M:%S", time.gmtime(ts))


class FindingsTable(DataTable):
    """Rows keyed by (failure id, resource); updated in place as findings change."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row")
        self.findings: dict[str, Finding] = {}  # what each row shows
        self._lagging: set[str] = set()  # rows whose cells still show an earlier state
        # the live probes' last answer, by finding key: a probe's finding shows in the row of
        # the logs' finding of the same failure when there is one (merged_finding), else alone
        self._probes: dict[str, Finding] = {}
        self._own: dict[str, Finding] = {}  # rows' findings from the logs (and drills), unmerged
        self.narrow = False  # the narrow set of columns (TITLE_ROOM)

    def on_mount(self) -> None:
        self._add_columns()

    def _add_columns(self) -> None:
        self.add_column("Finding", key="title", width=30)
        if not self.narrow:
            self.add_column("Resource", key="resource", width=RESOURCE_WIDTH)
        self.add_column("×", key="count", width=COUNT_NARROW if self.narrow else 5)
        self.add_column("Sev", key="severity", width=5)
        if not self.narrow:
            self.add_column("Last", key="last", width=8)

    def _title_cell(self, finding: Finding) -> Text:
        """The title; on a narrow table, where rows of one failure would read the same (pods
        of one Deployment), led by the resource shortened."""
        title = title_text(finding, self._title_width())
        if self.narrow and sum(f.failure_id == finding.failure_id for f in self.findings.values()) > 1:
            return Text.assemble((shorten_middle(redact(finding.resource), NARROW_RESOURCE) + " · ", "dim"), title,
                                 no_wrap=True, overflow="ellipsis")
        return title

    def _cells(self, finding: Finding) -> list:
        sev = finding.severity.value
        cells: list = [self._title_cell(finding)]
        if not self.narrow:
            cells.append(Text(shorten_middle(redact(finding.resource), RESOURCE_WIDTH), no_wrap=True))
        cells += [str(finding.count), Text(SEVERITY_LABEL.get(sev, sev), style=SEVERITY_STYLE.get(sev, ""))]
        if not self.narrow:
            cells.append(clock_text(finding.last_seen))
        return cells

    def _set_narrow(self, narrow: bool) -> None:
        """Rebuild the columns and rows for the other set of columns, the cursor kept."""
        current = self.selected_key()
        self.narrow = narrow
        self.clear(columns=True)
        self._lagging.clear()  # every row is drawn afresh
        self._add_columns()
        for key, finding in self.findings.items():
            self.add_row(*self._cells(finding), key=key)
        self._sort_if(True)
        if current:
            self.select(current)

    def on_resize(self) -> None:
        """The title takes what the other columns leave; the resource a third of that. Only
        these two give way: count, severity and the last-seen time keep their width. Where
        the title would keep less than TITLE_ROOM, the narrow set of columns."""
        width = self.size.width
        narrow = width - OTHER_WIDTH - RESOURCE_LEAST < TITLE_ROOM
        if narrow != self.narrow:
            self._set_narrow(narrow)
        if narrow:
            widths = {"title": max(TITLE_LEAST, width - NARROW_OTHER)}
        else:
            room = max(TITLE_LEAST + RESOURCE_LEAST, width - OTHER_WIDTH)
            resource = min(RESOURCE_WIDTH, max(RESOURCE_LEAST, room // 3))
            widths = {"title": room - resource, "resource": resource}
        changed = False
        title = self.columns.get(ColumnKey("title"))
        marks = title is not None and (title.width < SHORT_BELOW) != (widths["title"] < SHORT_BELOW)
        for key, width in widths.items():
            column = self.columns.get(ColumnKey(key))
            if column is not None and column.width != width:
                column.width = width
                changed = True
        if marks:  # the simulated mark's length follows the column's width (title_text)
            for key, finding in self.findings.items():
                if finding.simulated:
                    self.update_cell(key, "title", self._title_cell(finding))
        if changed:
            self._require_update_dimensions = True
            self.refresh()

    def _title_width(self) -> int | None:
        column = self.columns.get(ColumnKey("title"))
        return column.width if column is not None else None

    def upsert(self, findings: list[Finding], *, later: bool = False) -> None:
        """Add or update findings; re-sorts worst first when a new one arrives. With
        `later`, a known finding's new count and times wait for draw_lagging(): every
        update_cell makes the table render all its rows again (docs/knowledge/log-display.md),
        so while logs stream the panel draws them on its 4 Hz tick, not on every batch.
        `findings` always holds the latest state at once."""
        added = False
        for finding in findings:
            key = finding_key(finding)
            if key in self._probes:  # a probe's finding handed back (an acknowledgement)
                self._probes[key] = finding
            elif finding is not self.findings.get(key) or key not in self._own:
                # (the row's merged copy handed back, by an acknowledgement: its own stays)
                self._own[key] = finding
                for gone in [k for k, f in self._probes.items()
                             if f.failure_id == finding.failure_id and k in self.findings]:
                    self._drop_row(gone)  # a probe's row now shown in this one
            added = self._show(key) or added
        if added or not later:
            self.draw_lagging()
        self._sort_if(added)

    def replace_probes(self, findings: list[Finding]) -> None:
        """The live probes' whole answer: each finding joins the row of the logs' finding of
        its failure, or has a row of its own; one the probes no longer report leaves."""
        before = self._probes
        self._probes = {finding_key(f): f for f in findings}
        failures = {f.failure_id for f in [*before.values(), *findings]}
        added = False
        for key in [k for k in before if k not in self._probes and k in self.findings]:
            self._drop_row(key)
        for key, finding in self._own.items():
            if finding.failure_id in failures:
                self._show(key)
        for key, finding in self._probes.items():
            if not any(own.failure_id == finding.failure_id for own in self._own.values()):
                added = self._show(key) or added
        self.draw_lagging()
        self._sort_if(added)

    def clear_simulated(self, keys: set[str]) -> dict[str, int]:
        """Drop the rows of `keys` resting only on simulated lines (a drill's, undone);
        {key: count} of each, so the report leaves them out too until they recur."""
        gone = {key: f.count for key, f in self._own.items() if key in keys and f.simulated}
        for key in gone:
            del self._own[key]
            self._drop_row(key)
        return gone

    def merged_finding(self, finding: Finding) -> Finding:
        """A finding from the logs with what the live probes say of its failure: one row
        that says where it was seen. (The finding itself when no probe reports it.)"""
        probes = [p for k, p in self._probes.items() if p.failure_id == finding.failure_id
                  and k != finding_key(finding)]
        if not probes:
            return finding
        seen = finding.source + (" (simulated lines)" if finding.simulated else "")
        return finding.replace(
            source=" + ".join([seen, *(p.source for p in probes)]),
            # the probe read the live state: the finding no longer rests on simulated lines only
            simulated=False,
            evidence=[*finding.evidence, *(line for p in probes for line in p.evidence[:2])],
            last_seen=max([finding.last_seen, *(p.last_seen for p in probes)]))

    def _show(self, key: str) -> bool:
        """Add or refresh row `key` from its own or its probe's finding; True when added."""
        own = self._own.get(key)
        finding = self.merged_finding(own) if own is not None else self._probes[key]
        self.findings[key] = finding
        if key in self.rows:
            self._lagging.add(key)
            return False
        self.add_row(*self._cells(finding), key=key)
        if self.narrow:  # the rows of its failure now lead with their resources
            self._lagging.update(k for k, f in self.findings.items()
                                 if f.failure_id == finding.failure_id and k != key)
        return True

    def _drop_row(self, key: str) -> None:
        gone = self.findings.pop(key, None)
        self._lagging.discard(key)
        if key in self.rows:
            self.remove_row(key)
        if gone is not None and self.narrow:  # a title no longer shared loses its resource
            self._lagging.update(k for k, f in self.findings.items() if f.failure_id == gone.failure_id)

    def _sort_if(self, added: bool) -> None:
        if added and self.row_count > 1:
            # worst first, by the model's own ranking
            rank = {SEVERITY_LABEL.get(s.value, s.value): -s.rank for s in Severity}
            current = self.selected_key()
            self.sort("severity", "title",
                      key=lambda cells: (rank.get(cells[0].plain, 9), cells[1].plain))
            if current:
                self.select(current)

    def draw_lagging(self) -> None:
        """The cells of rows updated with `later`, in their findings' latest state."""
        for key in self._lagging:
            finding = self.findings[key]
            self.update_cell(key, "count", str(finding.count))
            if not self.narrow:
                self.update_cell(key, "last", clock_text(finding.last_seen))
            self.update_cell(key, "title", self._title_cell(finding))
        self._lagging.clear()

    def selected_key(self) -> str | None:
        return cursor_row_key(self)

    def selected(self) -> Finding | None:
        key = self.selected_key()
        return self.findings.get(key) if key else None

    def select(self, key: str) -> None:
        try:
            self.move_cursor(row=self.get_row_index(key))
        except Exception:  # row gone
            pass
