"""The troubleshooting panel while its engine loads: the first Hyperscan compile of the
catalog takes seconds (a minute under load), cannot be interrupted, and the app's exit must
not wait for it; meanwhile the status line says what the panel is waiting for."""

from __future__ import annotations

import asyncio
import threading

import pytest

from petstore_tui.app import PetstoreApp
from petstore_tui.workers import Abandoned, unless_cancelled
from tests.tui import fakes


def test_unless_cancelled_gives_the_value_or_the_error_of_the_call():
    assert unless_cancelled(lambda: 42, lambda: False, name="t") == 42
    with pytest.raises(KeyError):
        unless_cancelled(lambda: {}["x"], lambda: False, name="t")


def test_a_cancelled_wait_leaves_the_blocked_call_behind():
    release = threading.Event()
    entered = threading.Event()

    def blocked() -> str:
        entered.set()
        release.wait()
        return "late"

    try:
        with pytest.raises(Abandoned):
            unless_cancelled(blocked, entered.is_set, name="blocked")
        assert not release.is_set()  # still inside the call: nobody waited for it
    finally:
        release.set()


async def test_the_status_says_the_engine_loads_and_the_app_exits_without_waiting_for_it():
    """Stand-in: a make_engine that blocks until released, for the real first compile
    (17.9 s under load 9 on this machine: `load_default_engine()` with an empty cache).
    Before the fix the worker's thread sat in make_engine and the app's exit waited for it
    (the executor's shutdown joins every thread), here until the watchdog released it."""
    entered, release = threading.Event(), threading.Event()

    def slow_engine():
        entered.set()
        release.wait()
        return fakes.FakeEngine()

    forced: list[bool] = []

    def force_release() -> None:  # a watchdog: the test fails instead of hanging
        forced.append(True)
        release.set()

    watchdog = threading.Timer(15, force_release)
    watchdog.start()
    app = PetstoreApp(fakes.services(make_engine=slow_engine), initial="troubleshoot")
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            for _ in range(200):  # bounded: the worker starts with the screen
                if entered.is_set():
                    break
                await pilot.pause(0.02)
            assert entered.is_set()
            status = app.screen.query_one("#log-status")
            assert "loading the diagnostics engine" in str(status.render())
            app.exit()
        await asyncio.get_running_loop().shutdown_default_executor()
        assert not forced, "the app's exit waited for the engine's compile"
        assert not release.is_set()  # the compile was left behind, not waited for
    finally:
        watchdog.cancel()
        release.set()


async def test_the_loading_line_gives_way_to_the_log_status_once_the_engine_is_ready():
    app = PetstoreApp(fakes.services(sources=[fakes.lines_source(["GET /api/v1/pets 200"])]),
                      initial="troubleshoot")
    async with app.run_test(size=(140, 40)) as pilot:
        status = app.screen.query_one("#log-status")
        for _ in range(200):  # bounded
            if "1 line · " in str(status.render()):
                break
            await pilot.pause(0.02)
        assert "loading" not in str(status.render())
        assert "1 line · " in str(status.render())
