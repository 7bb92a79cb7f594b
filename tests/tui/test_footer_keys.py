"""Every key the footer shows acts from the first frame, whatever widget Tab reaches.

Each action is replaced by a recorder on the node that owns the binding: the test checks
that the key reaches its action (what the action does has its own tests). Stand-ins: the
fakes' services (scripted preflight, FakeRunner, lines_source)."""

from __future__ import annotations

import io

import pytest

from petstore_tui.app import PetstoreApp
from tests.tui import fakes
from tests.tui.test_troubleshoot import APP_LINES

SCREENS = ("preflight", "deploy", "troubleshoot", "cleanup")


def _shown_bindings(screen):
    """(key, node, action name) for each binding the footer shows on `screen`."""
    shown = []
    for key, active in screen.active_bindings.items():
        if active.binding.show and active.enabled:
            shown.append((key, active.node, active.binding.action))
    return shown


def _record(node, action: str, calls: list) -> None:
    name = action.split("(", 1)[0]
    setattr(node, f"action_{name}", lambda *args, name=name, node=node: calls.append((node, name)))


@pytest.mark.parametrize(("initial", "size"), [*((name, (120, 40)) for name in SCREENS),
                                               ("troubleshoot", (80, 24))])
async def test_every_footer_key_acts_from_the_first_frame(initial, size):
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(APP_LINES)]), initial=initial,
                      autostart=False)
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        bindings = _shown_bindings(screen)
        assert bindings, f"{initial}: the footer shows no keys"
        calls: list = []
        for _key, node, action in bindings:
            _record(node, action, calls)
        # the first frame's focus, then each widget Tab reaches in turn
        stops = [app.focused]
        for _ in range(8):
            await pilot.press("tab")
            if app.focused in stops:
                break
            stops.append(app.focused)
        for stop in stops:
            if stop is not None:
                stop.focus()
            await pilot.pause()
            for key, node, action in bindings:
                calls.clear()
                await pilot.press(key)
                await pilot.pause()
                assert app.screen is screen, f"{initial}: {key} left the screen"
                name = action.split("(", 1)[0]
                where = type(stop).__name__ if stop is not None else "nothing"
                assert (node, name) in calls, f"{initial}: {key} ({name}) did nothing with {where} focused"


async def test_filter_and_search_take_focus_only_on_their_keys():
    """Tab never enters the filter or search box; `\\` and `/` do, Escape gives focus back
    to the log and the next letter is a command again. Stand-in: lines_source."""
    from petstore_tui.widgets.log_view import LogView

    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(APP_LINES)]), initial="troubleshoot")
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(8):
            await pilot.press("tab")
            assert getattr(app.focused, "id", None) not in ("filter", "search")
        for key, box in (("backslash", "filter"), ("slash", "search")):
            await pilot.press(key)
            assert app.focused.id == box
            await pilot.press("e")
            assert app.screen.query_one(f"#{box}").value == "e"
            await pilot.press("escape")
            assert isinstance(app.focused, LogView)
        follow = app.screen.query_one(LogView).follow
        await pilot.press("f")
        assert app.screen.query_one(LogView).follow is not follow


@pytest.mark.parametrize("close", ["question_mark", "escape"])
@pytest.mark.parametrize("initial", SCREENS)
async def test_question_mark_lists_every_key_the_footer_cannot_fit(initial, close):
    """At 80 columns the footer cuts its keys short (the panel's Raw, Wrap, Fold,
    Sources, the screen keys and Quit fall off): `?` opens the keys panel, which names
    them, and `?` again or Escape closes it, as in k9s and less. On the panel Escape is
    also "back to the log", which kept the keys panel open (found by the operator review);
    with the keys panel closed Escape still does the screen's own thing. Stand-ins: the
    fakes' services."""
    from textual.widgets import HelpPanel

    from petstore_tui.widgets.log_view import LogView

    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(APP_LINES)]), initial=initial,
                      autostart=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query(HelpPanel), f"{initial}: ? opened no keys panel"
        assert "Quit" in _help_text(app)
        await pilot.press(close)
        await pilot.pause()
        assert not app.screen.query(HelpPanel), f"{initial}: {close} did not close the keys panel"
        if close == "escape" and initial == "troubleshoot":
            await pilot.press("backslash")
            assert app.focused.id == "filter"
            await pilot.press("escape")
            assert isinstance(app.focused, LogView)


def _help_text(app) -> str:
    from rich.console import Console
    from textual.widgets import HelpPanel

    table = app.screen.query_one(HelpPanel).query_one("BindingsTable")
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(table.render_bindings_table())
    return console.export_text()


# What each screen's footer must still show at 80 columns: Quit, and the keys the screen is for.
KEYS_AT_80 = {
    "preflight": ("q", "r", "x"),
    "deploy": ("q", "r", "x"),
    "troubleshoot": ("q", "slash", "backslash", "x"),
    "cleanup": ("q", "r", "x"),
}


@pytest.mark.parametrize("initial", SCREENS)
async def test_the_keys_that_matter_fit_an_80_column_footer(initial):
    """At 80x24 Textual's footer cut its row at the right end, and `q Quit` was the first to
    go (found walking the TUI at 80 columns). Now Quit, the screen's main keys, `1-4
    Screens` and `? Keys` are all inside the 80 columns, left of the palette key; the keys
    left out still act (the test above) and `?` lists them. Stand-ins: the fakes' services."""
    from textual.widgets._footer import FooterKey, FooterLabel

    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(APP_LINES)]), initial=initial,
                      autostart=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        footer = app.screen.query_one("Footer")
        keys = {key.key: key for key in footer.query(FooterKey)}
        palette = next(key for key in keys.values() if key.has_class("-command-palette"))
        for key in KEYS_AT_80[initial]:
            assert key in keys, f"{initial}: {key} is not in the footer at 80 columns"
            region = keys[key].region
            assert region.width > 0 and region.right <= palette.region.x, \
                f"{initial}: {key} is cut off ({region}, palette at {palette.region.x})"
        labels = [str(label.render()) for label in footer.query(FooterLabel)]
        assert labels == ["1-4 Screens", "? Keys"]
        assert all(label.region.right <= palette.region.x for label in footer.query(FooterLabel))


async def test_a_wide_footer_shows_every_key_unchanged():
    """At 200 columns nothing is folded: every key with its own name, no `? Keys`."""
    from textual.widgets._footer import FooterLabel

    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(APP_LINES)]), initial="deploy",
                      autostart=False)
    async with app.run_test(size=(200, 40)) as pilot:
        await pilot.pause()
        footer = app.screen.query_one("Footer")
        shown = [key.key for key in footer.query("FooterKey")]
        assert shown[:5] == ["r", "o", "s", "t", "x"] and "1" in shown and "q" in shown
        assert not footer.query(FooterLabel)
