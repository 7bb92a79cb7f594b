"""The catalog's first compile starts at launch, in the background, and the panel says so.

Found opening the TUI in a fresh state folder at 80x24: the deploy's preflight step sat on
"diagnosing this step's 35 lines: the diagnostics engine is still being built" for over a
minute, and the panel showed only "loading the diagnostics engine". Now the app asks at
launch whether the compiled catalog is cached and, if not, compiles it while the operator
reads the preflight; the panel's status line says what it waits for, for how long, and
what works meanwhile. Stand-ins: catalog_state and warm_catalog as the real ones are
called (a warm that blocks until released, for the 35 s compile), the panel's make_engine
waiting on the same compile as the real one waits on its lock."""

from __future__ import annotations

import threading

from petstore_tui.app import PetstoreApp
from tests.tui import fakes


async def _until(pilot, predicate, rounds: int = 1500) -> bool:
    for _ in range(rounds):  # bounded: 30 s, for a loaded machine
        if predicate():
            return True
        await pilot.pause(0.02)
    return predicate()


async def test_a_cold_catalog_compiles_from_launch_and_the_panel_says_so():
    started, release = threading.Event(), threading.Event()
    warms: list[str] = []

    def warm_catalog():
        warms.append("warm")
        started.set()
        release.wait(60)

    def make_engine():  # as load_default_engine waits on the compile's lock
        release.wait(60)
        return fakes.FakeEngine()

    services = fakes.services(catalog_state=lambda: "cold", warm_catalog=warm_catalog, make_engine=make_engine)
    app = PetstoreApp(services)  # the preflight screen: the compile starts without the panel
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            assert await _until(pilot, started.is_set), "no compile started at launch"
            await pilot.press("3")
            status = app.screen.query_one("#log-status")
            assert await _until(pilot, lambda: "preparing the catalog (first run" in str(status.render()))
            shown = str(status.render())
            assert "ready now: p probes, d drills" in shown and len(shown) <= 78, shown
            release.set()
            assert await _until(pilot, lambda: "preparing" not in str(status.render()))
            assert await _until(pilot, lambda: app.catalog_note == "")
            assert "loading" not in str(status.render())
        assert warms == ["warm"]
    finally:
        release.set()


async def test_a_ready_catalog_is_left_alone():
    warms: list[str] = []
    services = fakes.services(catalog_state=lambda: "ready", warm_catalog=lambda: warms.append("warm"))
    app = PetstoreApp(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(0.3)
        assert app.catalog_note == "" and warms == []
