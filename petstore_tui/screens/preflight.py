"""The preflight screen: checks filling in live, grouped; the selected check's detail and fix."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable
from textual.worker import get_current_worker

from petstore_tui.contracts import CheckInfo
from petstore_tui.widgets.check_table import CheckTable
from petstore_tui.widgets.detail import CheckDetail
from petstore_tui.widgets.keys_footer import KeysFooter
from petstore_tui.widgets.target_header import TargetHeader
from petstore_tui.workers import drain_async

if TYPE_CHECKING:
    from checks.model import CheckResult
    from petstore_tui.app import PetstoreApp


class PreflightScreen(Screen):
    """Runs every check at once on open; `r` re-runs all, `enter`/`o` the selected one."""

    app: PetstoreApp  # the app's type for type checkers (Textual sets self.app)

    BINDINGS = [
        Binding("r", "rerun_all", "Re-run all"),
        Binding("o", "rerun_one", "Re-run selected"),
        Binding("x", "fix", "Fix"),
    ]
    # the keys the footer keeps first when it is too narrow for all (widgets/keys_footer.py)
    FOOTER_FIRST = ("rerun_all", "fix", "rerun_one")
    PALETTE = [
        ("rerun_all", "Preflight: re-run all checks", "Run every preflight check again"),
        ("rerun_one", "Preflight: re-run selected check", "Run the highlighted check again"),
        ("fix", "Preflight: fix the selected check", "Preview, apply and verify its mechanical fix"),
    ]

    class ChecksListed(Message):
        def __init__(self, checks: list[CheckInfo], error: str = "") -> None:
            super().__init__()
            self.checks = checks
            self.error = error

    class CheckDone(Message):
        """One check finished (never replaced: every result matters)."""

        def __init__(self, result: CheckResult) -> None:
            super().__init__()
            self.result = result

    class RunEnded(Message):
        def __init__(self, error: str = "") -> None:
            super().__init__()
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.running = False
        self.started = False

    def compose(self) -> ComposeResult:
        app = self.app
        yield TargetHeader("Preflight", app.target.label, sandbox=app.target.sandbox,
                           sandbox_state=app.sandbox_state)
        with Horizontal(id="preflight-body"):
            yield CheckTable(id="checks")
            with VerticalScroll(id="check-detail-pane", classes="detail-pane"):
                yield CheckDetail("Select a check to see its detail and fix.", id="check-detail")
        yield KeysFooter()

    def on_mount(self) -> None:
        # After the first frame: importing every check takes the GIL for a while, and the
        # operator should see the screen before that.
        self.call_after_refresh(self.list_checks)
        self.watch(self.app, "sandbox_ready", self._sandbox_ready, init=False)

    @work(thread=True, exclusive=True, group="preflight-list", exit_on_error=False)
    def list_checks(self) -> None:
        try:
            checks = list(self.app.services.preflight_checks())
            self.post_message(self.ChecksListed(checks))
        except Exception as exc:  # e.g. the preflight package is not installed yet
            self.post_message(self.ChecksListed([], f"{type(exc).__name__}: {exc}"))

    def on_preflight_screen_checks_listed(self, message: ChecksListed) -> None:
        table = self.query_one(CheckTable)
        table.set_checks(message.checks)
        if message.error:
            self._header().status = "preflight not available"
            self.app.fail("Preflight not available", message.error)
            return
        if self.app.autostart and self.app.sandbox_ready:
            self.action_rerun_all()

    def _sandbox_ready(self, ready: bool) -> None:
        """The app's sandbox worker is done: checks need the emulator."""
        if ready and self.app.autostart and not self.started and self.query_one(CheckTable).titles:
            self.action_rerun_all()

    def _header(self) -> TargetHeader:
        return self.query_one(TargetHeader)

    def action_rerun_all(self) -> None:
        table = self.query_one(CheckTable)
        for check_id in table.titles:
            table.mark_running(check_id)
        self.run_checks(None)

    def action_rerun_one(self) -> None:
        check_id = self.query_one(CheckTable).selected_id()
        if not check_id:
            self.notify("Select a check first (a group row holds no check).", severity="warning")
            return
        self.query_one(CheckTable).mark_running(check_id)
        self.run_checks([check_id], group=f"preflight-{check_id}")

    def action_fix(self) -> None:
        """x: the fix dialog (petstore_tui/screens/fix_dialog.py); the check re-runs after a fix."""
        # start-up: the fix dialog brings the fixes and boto3; only asking for a fix loads them
        from petstore_tui.screens.fix_dialog import open_fix

        open_fix(self, self.query_one(CheckTable).selected_id(),
                 lambda outcome: outcome is not None and outcome.status in ("fixed", "rolled-back")
                 and self.action_rerun_one())

    def run_checks(self, ids: list[str] | None, group: str = "preflight") -> None:
        self.started = True
        self.running = True
        self._update_status()
        self._run_checks_worker(ids, group)

    def _run_checks_worker(self, ids: list[str] | None, group: str) -> None:
        services = self.app.services

        def body() -> None:
            worker = get_current_worker()
            error = ""
            try:
                drain_async(lambda: services.run_preflight(ids),
                            lambda result: self.post_message(self.CheckDone(result)),
                            lambda: worker.is_cancelled)
            except Exception as exc:  # the run failed as a whole: say so, keep what we have
                error = f"{type(exc).__name__}: {exc}"
            self.post_message(self.RunEnded(error))

        self.run_worker(body, thread=True, exclusive=True, group=group, exit_on_error=False,
                        name=group)

    def on_preflight_screen_check_done(self, message: CheckDone) -> None:
        table = self.query_one(CheckTable)
        table.update_result(message.result)
        if table.selected_id() == message.result.id:
            self._show_selected()
        self._update_status()

    def on_preflight_screen_run_ended(self, message: RunEnded) -> None:
        self.running = False
        if message.error:
            self.app.fail("Preflight stopped", message.error)
        self._update_status()
        counts = self.query_one(CheckTable).counts()
        failed = counts.get("fail", 0) + counts.get("error", 0)
        if not message.error:
            self.notify(f"Preflight finished: {failed} to fix" if failed else "Preflight finished: ready",
                        severity="warning" if failed else "information", timeout=4)

    def _update_status(self) -> None:
        # start-up: first called when checks run, after the first frame
        from checks.model import Status

        table = self.query_one(CheckTable)
        counts = table.counts()
        done = sum(counts.values())
        parts = [f"{done}/{len(table.titles)} checks"]
        for status in (Status.FAIL, Status.ERROR, Status.WARN, Status.PASS, Status.SKIP):
            if counts.get(status.value):
                parts.append(f"{counts[status.value]} {status.value}")
        if self.running:
            parts.append("running…")
        self._header().status = " · ".join(parts)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_selected()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        table = self.query_one(CheckTable)
        detail = self.query_one(CheckDetail)
        check_id = table.selected_id()
        if check_id is None:
            detail.update("Select a check to see its detail and fix.")
            return
        detail.show(table.titles.get(check_id, check_id), table.results.get(check_id))
