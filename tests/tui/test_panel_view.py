"""The panel's log reads like lnav or k9s: formatted lines, raw on a key, tracebacks folded,
the layout at 80x24, evidence as messages. Stand-ins: lines_source over fakes.MIXED_LINES
(simulated lines written for the tests), the real engine where a finding is needed."""

from __future__ import annotations

import pytest

from petstore_core.redact import redact
from petstore_tui.app import PetstoreApp
from petstore_tui.widgets.detail import FindingDetail
from petstore_tui.widgets.findings_table import FindingsTable
from petstore_tui.widgets.log_view import LogView
from tests.tui import fakes
from tests.tui.test_troubleshoot import _wait_for


def _drawn(log: LogView) -> list[str]:
    """The log's lines as drawn now (all of them, not only those on screen)."""
    return [log._render_line_strip(y, log.rich_style).text for y in range(len(log.lines))]


async def test_tracebacks_fold_to_their_first_and_last_line_and_unfold_on_z():
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(fakes.MIXED_LINES)]), initial="troubleshoot")
    async with app.run_test(size=(160, 48)) as pilot:
        log = app.screen.query_one(LogView)
        assert await _wait_for(pilot, lambda: log.total_lines == len(fakes.MIXED_LINES))
        drawn = _drawn(log)
        assert len(drawn) == len(fakes.MIXED_LINES) - 2
        assert any("▸ Traceback" in line for line in drawn)
        assert any("└ sqlite3.OperationalError: attempt to write a readonly database" in line for line in drawn)
        await pilot.press("z")
        drawn = _drawn(log)
        assert len(drawn) == len(fakes.MIXED_LINES)
        assert any('│ conn.execute("INSERT INTO pets (name) VALUES (?)", (name,))' in line for line in drawn)


async def test_r_shows_each_line_as_its_source_printed_it():
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(fakes.MIXED_LINES)]), initial="troubleshoot")
    async with app.run_test(size=(160, 48)) as pilot:
        log = app.screen.query_one(LogView)
        assert await _wait_for(pilot, lambda: log.total_lines == len(fakes.MIXED_LINES))
        assert any("03:00:01.120 INFO  petstore.access GET /api/v1/pets 200" in line for line in _drawn(log))
        await pilot.press("r")
        drawn = _drawn(log)
        assert any(line.rstrip().endswith('"duration_ms": 3.1}') for line in drawn)
        assert not any("s3cret" in line or "hunter2" in line for line in drawn)
        await pilot.press("r")
        assert not any(line.rstrip().endswith('"duration_ms": 3.1}') for line in _drawn(log))


async def test_at_80x24_the_log_is_full_width_and_messages_keep_50_columns():
    """The sources list closes (s opens it), the findings go under the log, the tag
    shrinks and the time column goes: at least 50 columns are left for each message."""
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(fakes.MIXED_LINES)]), initial="troubleshoot")
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        log = screen.query_one(LogView)
        assert await _wait_for(pilot, lambda: log.total_lines == len(fakes.MIXED_LINES))
        await pilot.pause()
        assert not screen.query_one("#sources-pane").display
        assert not screen.query_one("#log-inputs").display
        # tag, level and origin as drawn at this size (short_tag, LEVEL column, origin width)
        width = log.scrollable_content_region.width
        assert width - (log.tag_width + 1) - 6 - (2 * log.tag_width + 1) >= 50
        error = next(line for line in _drawn(log) if "POST /api/v1/pets failed" in line)
        message = error[error.index("POST"):]
        assert len(message[:width - error.index("POST")]) >= 50
        panes = [screen.query_one(f"#{name}").region for name in ("log-pane", "findings-pane")]
        assert not panes[0].overlaps(panes[1])
        assert all(region.right <= 80 and region.bottom <= 23 for region in panes)
        await pilot.press("s")
        assert screen.query_one("#sources-pane").display
        await pilot.press("backslash")
        assert screen.query_one("#log-inputs").display and app.focused.id == "filter"
        await pilot.press("escape")
        assert not screen.query_one("#log-inputs").display


async def test_the_detail_shows_the_message_of_a_json_evidence_line():
    engine_mod = pytest.importorskip("checks.engine")
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(fakes.MIXED_LINES)],
                                     engine=engine_mod.load_default_engine()), initial="troubleshoot")
    async with app.run_test(size=(200, 50)) as pilot:
        table = app.screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: any(f.failure_id == "sqlite-readonly-database"
                                                  for f in table.findings.values()), 200)
        key = next(k for k, f in table.findings.items() if f.failure_id == "sqlite-readonly-database")
        table.select(key)
        await pilot.pause()
        detail = app.screen.query_one(FindingDetail).plain
        assert "ERROR petstore.api: POST /api/v1/pets failed: attempt to write a readonly database" in detail
        assert '{"ts"' not in detail


async def test_g_jumps_from_a_finding_to_its_evidence_lines_and_back():
    """The read-only finding's evidence (the traceback's last line and the API's JSON
    error line) is highlighted in the log with follow paused; g returns to the finding and
    follow resumes. Stand-in: the real engine over MIXED_LINES."""
    engine_mod = pytest.importorskip("checks.engine")
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(fakes.MIXED_LINES)],
                                     engine=engine_mod.load_default_engine()), initial="troubleshoot")
    async with app.run_test(size=(160, 48)) as pilot:
        table = app.screen.query_one(FindingsTable)
        log = app.screen.query_one(LogView)
        assert await _wait_for(pilot, lambda: any(f.failure_id == "sqlite-readonly-database"
                                                  for f in table.findings.values()), 200)
        table.select(next(k for k, f in table.findings.items() if f.failure_id == "sqlite-readonly-database"))
        table.focus()
        await pilot.press("g")
        marked = [log.lines[y] for y in log.marks]
        assert any("POST /api/v1/pets failed" in line for line in marked)
        assert app.focused is log and not log.follow
        drawn = log._render_line_strip(log._mark_at, log.rich_style)
        assert any(seg.style and seg.style.bgcolor for seg in drawn)  # highlighted
        await pilot.press("g")
        assert app.focused is table and log.follow and not log.marks


def _clocked_panel() -> tuple[PetstoreApp, list[float]]:
    """The panel with no source and a clock the test moves (now[0])."""
    now = [fakes.FROZEN]
    services = fakes.services()
    services.clock = lambda: now[0]
    return PetstoreApp(services, initial="troubleshoot"), now


def _recurring(count: int):
    """The read-only database finding seen `count` times, posted as the pump posts it."""
    from petstore_tui.screens.troubleshoot_messages import FindingsChanged

    return FindingsChanged([fakes.READONLY_FAILURE.replace(count=count)])


async def _seen_twice_ten_minutes_apart(pilot, screen, now: list[float]) -> None:
    """Two hits, then four more ten minutes later; the finding's detail shown."""
    screen.post_message(_recurring(2))
    await pilot.pause()
    now[0] += 600
    screen.post_message(_recurring(6))
    await pilot.pause()
    screen._show_detail(screen.query_one(FindingsTable).selected())


async def test_the_detail_shows_a_strip_of_when_the_finding_was_seen():
    """Two hits at the start, four more at the end of ten minutes: the strip above the
    detail shows a low bar first and the tallest last. Stand-ins: FindingsChanged posted
    as the pump posts it, a clock the test moves."""
    app, now = _clocked_panel()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        await _seen_twice_ten_minutes_apart(pilot, screen, now)
        text = str(screen.query_one("#finding-timeline").render())
        bars = text.split()[1]
        assert bars[0] in "▁▂▃▄▅" and bars[-1] == "█" and set(bars[1:-1]) == {"·"}


async def test_w_wraps_long_lines_and_right_scrolls_them_sideways_otherwise():
    """At 80x24 the controller's line is longer than the log: right scrolls it sideways;
    with w it continues on the next rows (every row within the width), w again undoes it."""
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(fakes.MIXED_LINES)]), initial="troubleshoot")
    async with app.run_test(size=(80, 24)) as pilot:
        log = app.screen.query_one(LogView)
        assert await _wait_for(pilot, lambda: log.total_lines == len(fakes.MIXED_LINES))
        await pilot.pause()
        log.follow = False
        log.scroll_to(y=0, animate=False)
        await pilot.press("right", "right")
        assert log.scroll_offset.x > 0
        rows = len(log.lines)
        await pilot.press("w")
        await pilot.pause()
        width = log.scrollable_content_region.width
        drawn = _drawn(log)
        assert log.scroll_offset.x == 0 and len(drawn) > rows
        assert all(len(line) <= width for line in drawn)
        assert "".join(drawn).count("Reconciler error") == 1  # one line, cut into rows
        assert any("elasticloadbalancing:AddTags" in line for line in drawn)
        await pilot.press("w")
        assert len(log.lines) == rows


async def test_a_deploy_steps_output_is_drawn_as_printed_nothing_folded():
    """The deploy screen's output view has no fold or raw key: its lines stay as printed,
    only cut into the pane's width (continuation rows indented by one cell)."""
    app = PetstoreApp(fakes.services(), initial="deploy")
    async with app.run_test(size=(160, 48)) as pilot:
        log = app.screen.query_one("#step-output", LogView)
        log.add_lines(fakes.MIXED_LINES[:8])
        await pilot.pause()
        width = log.scrollable_content_region.width
        drawn = [line.rstrip() for line in _drawn(log)]

        def as_wrapped(line: str) -> list[str]:
            rows, rest = [line[:width]], line[width:]
            while rest:
                rows, rest = rows + [" " + rest[: width - 1]], rest[width - 1 :]
            return [row.rstrip() for row in rows]

        # masked, else as printed
        assert drawn == [row for line in fakes.MIXED_LINES[:8] for row in as_wrapped(redact(line))]


async def test_a_burst_of_a_recurring_finding_ends_with_its_latest_count_drawn_on_the_tick():
    """Twenty batches of one recurring finding: the table's cells and the detail end on
    the last count, the cells drawn on the 4 Hz status tick rather than once a batch.
    Stand-ins: FindingsChanged posted as the pump posts it, the fake read-only finding."""
    app = PetstoreApp(fakes.services(), initial="troubleshoot")
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        table = screen.query_one(FindingsTable)
        detail = screen.query_one(FindingDetail)
        key = f"{fakes.READONLY_FAILURE.failure_id}|{fakes.READONLY_FAILURE.resource}"
        screen.post_message(_recurring(1))
        assert await _wait_for(pilot, lambda: table.row_count == 1 and "seen 1×" in detail.plain)
        drawn: list[str] = []
        update_cell = table.update_cell

        def counting(row, column, value, **kwargs):
            if column == "count":
                drawn.append(str(value))
            update_cell(row, column, value, **kwargs)

        table.update_cell = counting
        for count in range(2, 22):
            screen.post_message(_recurring(count))
        assert await _wait_for(pilot, lambda: str(table.get_cell(key, "count")) == "21"
                               and "seen 21×" in detail.plain)
        assert table.findings[key].count == 21 and table.row_count == 1
        assert len(drawn) < 10 and drawn[-1] == "21"  # ticks, not twenty batches


async def test_the_seen_strip_redraws_without_laying_out_the_screen_while_its_width_holds():
    """The strip above the detail redraws four times a second while its finding recurs: it
    relays the screen out only when it appears or its width changes. Stand-ins:
    FindingsChanged posted as the pump posts it, a clock the test moves."""
    app, now = _clocked_panel()
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        timeline = screen.query_one("#finding-timeline")
        screen.post_message(_recurring(2))
        assert await _wait_for(pilot, lambda: timeline.display)
        await pilot.pause()
        layouts, first = timeline._layout_updates, str(timeline.render())
        now[0] += 600
        screen.post_message(_recurring(6))
        assert await _wait_for(pilot, lambda: str(timeline.render()) != first)
        assert timeline._layout_updates == layouts
        assert str(timeline.render()).split()[1][-1] == "█"


@pytest.mark.parametrize("findings", [1, 12])
async def test_at_80x24_every_findings_column_and_the_last_seen_time_are_readable(findings):
    """What the operator sees at 80x24: the headers Finding, × and Sev whole, the title
    with room for its words (the resource and last-seen columns went: 10 cells were left to
    the title), rows of one failure led by their resources, and the last-seen time in the
    detail pane. With 12 findings the table scrolls and its scrollbar takes two columns too.
    Stand-ins: FindingsChanged posted as the pump posts it (the fake read-only finding on
    `findings` resources), a frozen clock. Before, the title and resource kept 26 columns
    between them and "Last" ended as "Las" with the time cut to "14:"."""
    from petstore_tui.screens.troubleshoot_messages import FindingsChanged
    from petstore_tui.widgets.findings_table import clock_text

    app, _now = _clocked_panel()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        screen.post_message(FindingsChanged([fakes.READONLY_FAILURE.replace(resource=f"pod-{n}", count=n + 1)
                                             for n in range(findings)]))
        table = screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: table.row_count == findings)
        await pilot.pause()
        header, first = (table.render_line(y).text for y in (0, 1))
        assert header.split() == ["Finding", "×", "Sev"], header
        if findings > 1:  # one failure on several pods: each row says which
            assert first.strip().startswith("pod-"), first
        else:
            assert first.strip().startswith(fakes.READONLY_FAILURE.title[:20]), first
        screen._show_detail(table.selected())
        last = f"last {clock_text(fakes.READONLY_FAILURE.last_seen)} UTC"
        assert await _wait_for(pilot, lambda: last in screen.query_one(FindingDetail).plain)
        assert table.virtual_size.width <= table.scrollable_content_region.width  # nothing past the edge


@pytest.mark.parametrize("size, mark", [((80, 24), "simulated · "), ((120, 36), "simulated · ")])
async def test_a_simulated_findings_title_keeps_its_words_and_its_mark_at_80_columns(size, mark):
    """At 80x24 the title column was 10 cells: "simulated · " took them all ("simulated…"),
    so the row said nothing of what failed. Then the mark became "~ " there; now the title
    column has room for the whole mark and the title's first words at 80 columns too.
    Stand-ins: FindingsChanged posted as the pump posts it (the fake read-only finding,
    marked simulated), a frozen clock."""
    from petstore_tui.screens.troubleshoot_messages import FindingsChanged

    app, _now = _clocked_panel()
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        screen.post_message(FindingsChanged([fakes.READONLY_FAILURE.replace(simulated=True)]))
        table = screen.query_one(FindingsTable)
        assert await _wait_for(pilot, lambda: table.row_count == 1)
        await pilot.pause()
        row = table.render_line(1).text.strip()
        assert row.startswith(mark + fakes.READONLY_FAILURE.title[:6]), row
        screen._show_detail(table.selected())
        assert await _wait_for(pilot, lambda: "Simulated:" in screen.query_one(FindingDetail).plain)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_the_seen_strip_ends_with_its_time_whole_inside_the_detail_pane(size):
    """At 80x24 the detail pane leaves 26 cells beside its scrollbar: the strip "seen
    ▄···█ 14:13:20→now" was 28 and its end went under the scrollbar. It now fits, the
    opening time and "→now" whole. Stand-ins: FindingsChanged posted as the pump posts
    it, a clock the test moves."""
    from petstore_tui.widgets.findings_table import clock_text

    app, now = _clocked_panel()
    async with app.run_test(size=size) as pilot:
        screen = app.screen
        await _seen_twice_ten_minutes_apart(pilot, screen, now)
        await pilot.pause()
        timeline, pane = screen.query_one("#finding-timeline"), screen.query_one("#finding-detail-pane")
        text = str(timeline.render())
        assert text.endswith(f" {clock_text(fakes.FROZEN)}→now") and "█" in text, text
        assert timeline.region.right <= pane.scrollable_content_region.right, (timeline.region, text)


async def test_the_seen_strip_fits_again_when_the_terminal_narrows():
    """Drawn at 120 columns (24 bars), then the terminal goes to 80x24 with no new hit:
    the strip is fitted again to the narrower pane, its time whole; before, it kept its
    42 cells until the finding recurred, and its end went under the pane's edge.
    Stand-ins: FindingsChanged posted as the pump posts it, a clock the test moves."""
    from petstore_tui.widgets.findings_table import clock_text

    app, now = _clocked_panel()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = app.screen
        await _seen_twice_ten_minutes_apart(pilot, screen, now)
        await pilot.pause()
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        timeline, pane = screen.query_one("#finding-timeline"), screen.query_one("#finding-detail-pane")
        text = str(timeline.render())
        assert text.endswith(f" {clock_text(fakes.FROZEN)}→now"), text
        assert timeline.region.right <= pane.scrollable_content_region.right, (timeline.region, text)
