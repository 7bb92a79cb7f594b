"""Restart counts from the event lines the panel follows (lines in the shapes
petstore_tui/services/kube_scan.py event_line and podman events print; written for the test)."""

from __future__ import annotations

from petstore_tui.restarts import RestartCounter


def test_kubernetes_started_events_count_restarts_per_container():
    counter = RestartCounter()
    assert counter.see("2026-12-05T03:00:00Z Normal Started pod/petstore-7d9-x2k4l: Started container app")
    assert counter.restarts == {"petstore-7d9-x2k4l/app": 0} and counter.summary() == ""
    assert counter.see("2026-12-05T03:02:00Z Normal Started pod/petstore-7d9-x2k4l: Started container app (x4)")
    assert not counter.see("2026-12-05T03:02:00Z Normal Started pod/petstore-7d9-x2k4l: Started container app (x4)")
    assert counter.summary() == "↻ petstore-7d9-x2k4l/app 3"


def test_podman_start_events_after_the_first_are_restarts():
    counter = RestartCounter()
    line = ("2026-12-05 03:00:00.1 +0000 UTC container start 3f2a9c1b7d4e (image=localhost/petstore:latest, "
            "name=petstore-app-1, petstore.sandbox=ab)")
    counter.see(line)
    counter.see(line)
    counter.see(line.replace("container start", "container died"))
    assert counter.summary() == "↻ petstore-app-1 1"


def test_other_lines_count_nothing():
    counter = RestartCounter()
    assert not counter.see("Warning BackOff pod/x: Back-off restarting failed container app in pod x_ns(uid)")
    assert not counter.see('{"msg": "Started container app"}')
    assert counter.restarts == {}


async def test_the_panel_status_line_shows_restarts_from_the_events_source():
    """Stand-in: lines_source of kind k8s-events yielding the kubelet's Started event."""
    from petstore_tui.app import PetstoreApp
    from tests.tui import fakes
    from tests.tui.test_troubleshoot import _wait_for

    events = fakes.lines_source(["Normal Started pod/petstore-7d9-x2k4l: Started container app (x3)"],
                                source_id="events", kind="k8s-events")
    app = PetstoreApp(fakes.services(sources=[events]), initial="troubleshoot")
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.screen.query_one("#log-status")
        assert await _wait_for(pilot, lambda: "↻ petstore-7d9-x2k4l/app 2" in str(status.render()))


async def test_the_status_line_is_one_fixed_row_that_never_relayouts_the_screen():
    """The status line changes four times a second while lines stream: it fills its row,
    so any text fits without laying the screen out again. Stand-in: the fakes' panel."""
    from petstore_tui.app import PetstoreApp
    from petstore_tui.widgets.log_view import LogView
    from tests.tui import fakes

    app = PetstoreApp(fakes.services(sources=[]), initial="troubleshoot", autostart=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        status = screen.query_one("#log-status")
        layouts = status._layout_updates
        screen.query_one(LogView).total_lines = 123_456_789
        screen._log_status()
        await pilot.pause()
        assert "123,456,789 lines" in str(status.render())  # counted(): grouped, as diagnose prints it
        assert status._layout_updates == layouts
        assert status.size.width == status.parent.content_region.width
