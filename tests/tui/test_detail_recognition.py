"""The finding detail pane says how the finding was recognised (issue 13)."""

from __future__ import annotations

from textual.app import App, ComposeResult

from checks.model import Finding
from petstore_tui.widgets.detail import FindingDetail
from tests.tui import fakes


class DetailApp(App):
    def compose(self) -> ComposeResult:
        yield FindingDetail(id="detail")


async def test_detail_says_how_the_finding_was_recognised():
    """The user selects a finding seen in three events, two by the program's own wording and
    one by a variant, and reads both counts; a live probe's finding shows no such line.
    Stand-in: the fake read-only database finding in a one-widget app."""
    finding = Finding(**{**fakes.READONLY_FAILURE.__dict__, "count": 3,
                               "recognition": {"variant": 1, "known": 2}})
    app = DetailApp()
    async with app.run_test(size=(100, 30)):
        detail = app.query_one(FindingDetail)
        detail.show(finding)
        assert "recognised by known wording (2), a variant wording (1)" in detail.plain
        detail.show(fakes.READONLY_FAILURE)
        assert "recognised by" not in detail.plain


async def test_a_recurring_finding_updates_its_detail_without_laying_out_the_screen():
    """While a finding recurs only its count changes: the detail shows the new count at
    once, and the screen is laid out again only when a line's width changes (it may wrap
    to another height). Stand-in: the fake read-only database finding, counted up by hand."""
    base = fakes.READONLY_FAILURE.__dict__
    app = DetailApp()
    async with app.run_test(size=(100, 30)) as pilot:
        detail = app.query_one(FindingDetail)
        detail.show(Finding(**{**base, "count": 2}))
        await pilot.pause()
        layouts = detail._layout_updates
        detail.show(Finding(**{**base, "count": 3}))
        await pilot.pause()
        assert "seen 3×" in detail.plain and detail._layout_updates == layouts
        assert "seen 3×" in "".join(strip.text for strip in detail.render_lines(detail.region.reset_offset))
        detail.show(Finding(**{**base, "count": 10}))  # one cell wider: laid out again
        assert detail._layout_updates == layouts + 1
