"""The destroy confirmation shows back what the operator typed: typed text is text, never markup.

Live: typing `[/red]x` at the cleanup screen's confirmation ended the app with
"internal error: MarkupError: closing tag '[/red]' does not match any open tag"."""

from __future__ import annotations

import pytest
from textual.widgets import Label

from petstore_tui.app import PetstoreApp
from petstore_tui.screens.dialogs import TypedConfirmDialog
from tests.tui import fakes
from tests.tui.conftest import settle
from tests.tui.test_cleanup import _destroy_runner


@pytest.mark.parametrize("typed", ["[/red]x", "petstore[b]", "[link=x]y"])
async def test_typed_brackets_are_refused_as_text_not_read_as_markup(typed):
    """Stand-in: FakeRunner (destroy)."""
    app = PetstoreApp(fakes.services(runner_factory=_destroy_runner), initial="cleanup")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TypedConfirmDialog)
        await pilot.press(*typed, "enter")
        await pilot.pause()
        assert app.is_running and app.screen is dialog
        shown = str(dialog.query_one("#typed-error", Label).render())
        assert f"{typed} is not petstore-sandbox: nothing was deleted" in shown
        assert app.services.made["destroy"].runs == []
