"""The panel keeps the garbage collector's full passes short while logs stream
(petstore_tui/heap.py): what lives as long as the app is frozen once the engine is ready."""

from __future__ import annotations

import gc

from petstore_tui import heap
from petstore_tui.app import PetstoreApp
from tests.tui import fakes


async def test_the_panel_freezes_what_lives_as_long_as_the_app_once_its_engine_is_ready(monkeypatch):
    """After the engine loads, Textual, the screens and the engine are out of the cyclic
    collector's sight; a second call (another panel, a reopened one) freezes nothing more,
    so what streaming makes stays collectable. Stand-ins: the fakes' engine and source."""
    monkeypatch.setattr(heap, "_settled", False)
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        app = PetstoreApp(fakes.services(sources=[fakes.lines_source(["INFO one"])]), initial="troubleshoot")
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(100):  # bounded: the engine loads in a thread worker
                if app.screen.engine is not None:
                    break
                await pilot.pause(0.02)
            frozen = gc.get_freeze_count()
            assert frozen > 10_000  # Textual's modules and the screen's widgets at least
            made_since = [[n] for n in range(1000)]
            heap.settle_long_lived()
            # frozen objects still die by reference counting: the count may only shrink
            assert gc.get_freeze_count() <= frozen and len(made_since) == 1000
    finally:
        gc.unfreeze()
