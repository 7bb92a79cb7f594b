"""The troubleshooting panel's log view keys: follow, search, filter, evidence, layout."""

from __future__ import annotations

from textual.widgets import Input, Label

from petstore_core.redact import redact
from petstore_core.words import counted
from petstore_tui.widgets.findings_table import FindingsTable
from petstore_tui.widgets.key_input import KeyInput
from petstore_tui.widgets.log_view import LogView


class LogViewActions:
    """What the keys do to the log view, evidence navigation included."""

    def action_toggle_follow(self) -> None:
        log = self.query_one(LogView)
        log.follow = not log.follow
        self._log_status()

    def action_focus_search(self) -> None:
        self.query_one("#search", KeyInput).activate()

    def action_focus_filter(self) -> None:
        self.query_one("#filter", KeyInput).activate()

    def action_focus_log(self) -> None:
        if self._evidence_return is not None:
            self.action_evidence()  # Escape from the evidence: back to the finding
            return
        self.query_one(LogView).focus()

    def action_evidence(self) -> None:
        """From the selected finding to its evidence lines in the log (highlighted, n and N
        move between them), and back to the finding on g or Escape, following again if it was."""
        log = self.query_one(LogView)
        table = self.query_one(FindingsTable)
        if self._evidence_return is not None:
            follow, self._evidence_return = self._evidence_return, None
            log.clear_marks()
            log.follow = follow
            table.focus()
            self._log_status()
            return
        finding = table.selected()
        if finding is None:
            self.notify("No finding selected.", severity="warning")
            return
        follow = log.follow
        found = log.mark_evidence(finding.evidence)
        if not found:
            self.notify("Its evidence lines are no longer in the log view (filtered out, folded "
                        "or older than the view keeps).", severity="warning")
            return
        self._evidence_return = follow
        log.focus()
        self.query_one("#log-status", Label).update(
            f"{counted(found, 'evidence line')} of {redact(finding.title)} · n/N move · g or Esc: back")

    def action_toggle_raw(self) -> None:
        log = self.query_one(LogView)
        log.set_format(raw=not log.raw_mode)

    def action_toggle_wrap(self) -> None:
        log = self.query_one(LogView)
        log.set_wrap(not log.wrap)

    def action_toggle_fold(self) -> None:
        log = self.query_one(LogView)
        log.set_folded(not log.folded)

    def action_toggle_sources(self) -> None:
        pane = self.query_one("#sources-pane")
        if self.has_class("-wide"):
            pane.display = not pane.display
        else:
            self.toggle_class("-show-sources")

    def on_resize(self) -> None:
        narrow = self.has_class("-narrow")
        self.query_one(LogView).set_format(tag_width=6 if narrow else 10, show_time=not narrow)

    def action_search_next(self) -> None:
        log = self.query_one(LogView)
        if self._evidence_return is not None:
            log.next_mark()
        else:
            log.search(log.search_text)

    def action_search_prev(self) -> None:
        log = self.query_one(LogView)
        if self._evidence_return is not None:
            log.next_mark(backwards=True)
        else:
            log.search(log.search_text, backwards=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        log = self.query_one(LogView)
        if event.input.id == "filter":
            log.set_filter(event.value)
            self._log_status()
            log.focus()
        elif event.input.id == "search":
            log.search(event.value)
            log.focus()

    def on_log_view_search_moved(self, message: LogView.SearchMoved) -> None:
        status = self.query_one("#log-status", Label)
        if message.line < 0:
            status.update("no match")
        else:
            status.update(f"match at line {message.line + 1} of {message.matches} matches · paused")

