"""A following log shows its newest lines at every size, whatever changes its height.

Seen at 80x24 (fix-22's walk, confirmed by fix-23): the panel said "following" while its
log stayed on old lines. Textual's Log scrolls to the end on a write only when it was at
the end just before; a view made shorter (the filter box opened, the findings pane growing
under it, the terminal resized) was left short of its new end, and every write after that
left it there. Stand-ins: lines_source over lines written for the test (longer than 80
columns, more than fit), the real panel and LogView."""

from __future__ import annotations

from petstore_tui.app import PetstoreApp
from petstore_tui.widgets.log_view import LogView
from tests.tui import fakes
from tests.tui.test_troubleshoot import _wait_for

LINES = [f'{{"ts": "2026-12-05T03:00:{i % 60:02d}.000Z", "level": "INFO", "logger": "petstore.access", '
         f'"message": "GET /api/v1/pets/{i} 200 in a line longer than the eighty columns of the terminal"}}'
         for i in range(300)]


def _at_newest(log: LogView) -> bool:
    return log.follow and log.scroll_offset.y == log.max_scroll_y and log.max_scroll_y > 0


async def _settled(pilot, rounds: int = 4) -> None:
    for _ in range(rounds):
        await pilot.pause(0.02)


async def test_at_80x24_a_following_log_keeps_its_newest_lines_when_it_gets_shorter():
    """At 80x24 the filter box opens over the log (`\\`) and closes again: the log still
    shows its last line, and lines written after it are shown as they come."""
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(LINES)]), initial="troubleshoot")
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.screen.query_one(LogView)
        assert await _wait_for(pilot, lambda: log.total_lines == len(LINES))
        await _settled(pilot)
        assert _at_newest(log)
        await pilot.press("backslash")  # the filter box takes rows from the log
        await _settled(pilot)
        assert app.screen.query_one("#log-inputs").display
        assert _at_newest(log)
        await pilot.press("escape")
        log.add_lines(LINES[:7])
        await _settled(pilot)
        assert _at_newest(log)
        assert "GET /api/v1/pets/6 200" in log.visible_lines()[-1]


async def test_a_terminal_made_smaller_keeps_the_following_log_at_its_end():
    """200x50 to 80x24 and back to 120x34 while following: at each size the newest line is
    on screen, before and after more lines arrive; paused, the log stays where it was."""
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(LINES)]), initial="troubleshoot")
    async with app.run_test(size=(200, 50)) as pilot:
        log = app.screen.query_one(LogView)
        assert await _wait_for(pilot, lambda: log.total_lines == len(LINES))
        await _settled(pilot)
        for size in ((80, 24), (120, 34)):
            await pilot.resize_terminal(*size)
            await _settled(pilot)
            assert _at_newest(log), size
            log.add_lines(LINES[:3])
            await _settled(pilot)
            assert _at_newest(log), size
        log.follow = False
        log.scroll_to(y=10, animate=False, immediate=True)
        await pilot.resize_terminal(80, 24)
        await _settled(pilot)
        assert log.scroll_offset.y == 10
