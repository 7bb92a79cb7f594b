"""The app's launch-time compile of the catalog, in the background (a mixin of PetstoreApp).

A fresh state folder has no compiled catalog; the first panel, drill or deploy step then
waited for Hyperscan's compile of it (35-38 s of CPU, minutes on a loaded machine) with
nothing on the screen saying so. At launch the app asks whether the compiled form is
cached and, if not, compiles it on a thread while the operator reads the preflight; the
panel says so meanwhile (`catalog_note`). Whoever needs the engine before it is done waits
for this one compile (checks/engine/compile_lock.py), never starts a second."""

from __future__ import annotations

import time

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from petstore_tui.workers import Abandoned, unless_cancelled


class CatalogPreparing(Message):
    """The catalog is being compiled (`elsewhere`: by another petstore-tui)."""

    def __init__(self, elsewhere: bool) -> None:
        super().__init__()
        self.elsewhere = elsewhere


class CatalogPrepared(Message):
    """The compile ended; `error` when it failed (the panel's own load then says why)."""

    def __init__(self, error: str | None = None) -> None:
        super().__init__()
        self.error = error


def preparing_note(elapsed: float, elsewhere: bool) -> str:
    """One row for the panel's status line, short enough for 80 columns: what is happening,
    for how long, and what works meanwhile."""
    who = "another petstore-tui compiles it" if elsewhere else "first run"
    return f"preparing the catalog ({who}, {elapsed:.0f} s) · ready now: p probes, d drills"


class CatalogPreparation:
    """Starts the compile at launch (`prepare_catalog`) and keeps `catalog_note` current."""

    _catalog_started: float | None = None
    _catalog_elsewhere = False

    @work(thread=True, exclusive=True, group="catalog", exit_on_error=False)
    def prepare_catalog(self) -> None:
        services = self.services  # type: ignore[attr-defined]
        worker = get_current_worker()
        if services.catalog_state is None or services.warm_catalog is None:
            return
        try:
            # start-up: the state names come with the engine's modules, loaded here off the UI thread
            from checks.engine.warm import COMPILING, READY

            state = services.catalog_state()
            if state == READY:
                return
            self.post_message(CatalogPreparing(state == COMPILING))  # type: ignore[attr-defined]
            # a compile cannot be interrupted: quitting must not wait for it (workers.py)
            unless_cancelled(services.warm_catalog, lambda: worker.is_cancelled, name="catalog-warm")
        except Abandoned:
            return
        except Exception as exc:  # the panel's own engine load will say what is wrong
            self.post_message(CatalogPrepared(f"{type(exc).__name__}: {exc}"))  # type: ignore[attr-defined]
            return
        self.post_message(CatalogPrepared())  # type: ignore[attr-defined]

    def on_catalog_preparing(self, message: CatalogPreparing) -> None:
        self._catalog_started = time.monotonic()
        self._catalog_elsewhere = message.elsewhere
        self._catalog_tick()
        self._catalog_timer = self.set_interval(1.0, self._catalog_tick)  # type: ignore[attr-defined]

    def _catalog_tick(self) -> None:
        if self._catalog_started is not None:
            self.catalog_note = preparing_note(time.monotonic() - self._catalog_started,  # type: ignore[attr-defined]
                                               self._catalog_elsewhere)

    def on_catalog_prepared(self, message: CatalogPrepared) -> None:
        self._catalog_started = None
        timer = getattr(self, "_catalog_timer", None)
        if timer is not None:
            timer.stop()
        self.catalog_note = ""  # type: ignore[attr-defined]
