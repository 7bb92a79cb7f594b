"""The diagnostics engine of a run, built on a thread while the first steps already run.

A fresh state folder has no compiled catalog: building the engine then takes the catalog's
first Hyperscan compile (~17 s of CPU; about a minute on a loaded 2-core machine). Built on
the event loop, it held back the first tool that long and froze the TUI. Here the steps
start at once; lines printed before the engine is ready wait in order and are fed when it
is, and a step's end waits (off the event loop) only when it has lines still waiting, so no
line goes undiagnosed."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any


class BackgroundEngine:
    """`feed` and `flush` as the engine's, on the event loop's thread only; `factory` runs on
    its own thread. `error` says why the engine could not be built (the lines are dropped)."""

    def __init__(self, factory: Callable[[], Any]):
        self._engine: Any = None
        self.error: str | None = None
        self._ready = threading.Event()
        self._waiting: list[tuple[str, str]] = []
        threading.Thread(target=self._build, args=(factory,), name="engine-build", daemon=True).start()

    def _build(self, factory: Callable[[], Any]) -> None:
        try:
            self._engine = factory()
        except Exception as exc:  # steps still run; their output is just not diagnosed
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            self._ready.set()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    @property
    def pending(self) -> int:
        """Lines waiting for the engine to be built (0 once it is)."""
        return 0 if self._ready.is_set() else len(self._waiting)

    def feed(self, text: str, *, source: str) -> list:
        if not self._ready.is_set():
            self._waiting.append((text, source))
            return []
        changed = self._drain()
        if self._engine is not None:
            changed.extend(self._engine.feed(text, source=source) or ())
        return changed

    async def flush(self) -> list:
        """What the step's lines found, once every line of it has been fed."""
        if self._waiting and not self._ready.is_set():
            await asyncio.to_thread(self._ready.wait)
        changed = self._drain()
        if self._engine is not None:
            changed.extend(self._engine.flush() or ())
        return changed

    def _drain(self) -> list:
        waiting, self._waiting = self._waiting, []
        if self._engine is None:
            return []
        changed: list = []
        for text, source in waiting:
            changed.extend(self._engine.feed(text, source=source) or ())
        return changed
