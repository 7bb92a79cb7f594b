"""What `petstore-tui` spares its first frame (bench/bench_tui.py, start-up): the cyclic
garbage collector is paused while the TUI starts and runs again once its first frame is out
(petstore_tui/heap.py, docs/knowledge/tui-start.md); modules only later steps need."""

from __future__ import annotations

import gc

import pytest

from petstore_tui import cli, heap
from petstore_tui.app import PetstoreApp
from tests.tui import fakes


@pytest.fixture
def collector_restored():
    """Whatever a test does, the test process's collector is on again afterwards."""
    yield
    heap.resume_collection()
    gc.enable()


async def test_the_app_resumes_collection_paused_for_its_start(collector_restored):
    """Stand-in: the fakes' services, headless (run_test) instead of a terminal."""
    heap.pause_collection_for_start()
    assert not gc.isenabled()
    app = PetstoreApp(fakes.services(), autostart=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert gc.isenabled()
        assert app.screen.query("CheckTable")  # the first screen is up


def test_collection_runs_again_when_the_app_ends_before_its_first_frame(monkeypatch, collector_restored):
    """`petstore-tui` whose app fails at once (stand-in: App.run replaced by one that
    raises) still gives its clear message, and leaves the collector on."""
    seen = {}

    def failing_run(self, *args, **kwargs):
        seen["collecting"] = gc.isenabled()
        raise RuntimeError("no terminal")

    monkeypatch.setattr(PetstoreApp, "run", failing_run)
    assert cli.main([]) == 2
    assert seen == {"collecting": False}  # paused while it started
    assert gc.isenabled()


def test_a_collector_switched_off_by_the_embedder_stays_off(collector_restored):
    """Only a pause this process took is ended: a host that disabled collection keeps it so."""
    gc.disable()
    heap.pause_collection_for_start()
    heap.resume_collection()
    assert not gc.isenabled()

