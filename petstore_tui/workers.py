"""Helpers for thread workers, without Textual: the pool they run in (worker_pool), run an
async iterator to its end on a private loop (drain_async), wait for a call that cannot be
interrupted without holding up the app's exit (unless_cancelled), and hand lines over to
the UI in batches (Batcher)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

# Textual's thread workers and asyncio.to_thread run in the loop's default executor, whose
# threads are capped at min(32, cores + 4) (docs/knowledge/dependencies.md). Each followed
# log holds one for as long as it is followed, so on 2 cores six followers left nothing for
# a drill, a probe or a fix. Threads are made only when every one is busy: the cap is a
# bound on a runaway, not a pool size.
WORKER_THREADS = 512


def worker_pool() -> concurrent.futures.ThreadPoolExecutor:
    return concurrent.futures.ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="worker")


def drain_async(make_iter: Callable[[], AsyncIterator[Any]], on_item: Callable[[Any], None],
                cancelled: Callable[[], bool], *, on_loop: Callable[[Any], None] | None = None) -> None:
    """Run an async iterator to its end on a private event loop, in the calling (worker)
    thread, handing each item to `on_item` (which posts a message). Checks for cancellation
    between items; a check or step that blocks its loop blocks only this thread."""

    async def consume() -> None:
        if on_loop:
            on_loop(asyncio.get_running_loop())
        iterator = make_iter()
        try:
            async for item in iterator:
                if cancelled():
                    break
                on_item(item)
        finally:
            closer = getattr(iterator, "aclose", None)
            if closer:
                try:
                    await closer()
                except Exception:  # closing a broken generator must not hide the real error
                    pass

    asyncio.run(consume())


class Abandoned(Exception):
    """The worker was cancelled while the call it waited for was still running."""


def unless_cancelled(call: Callable[[], Any], cancelled: Callable[[], bool], *, name: str) -> Any:
    """`call()`'s value, computed in a daemon thread while this worker thread polls
    `cancelled`. A call that cannot be interrupted (a Hyperscan compile of the catalog takes
    seconds, tens under load) would otherwise hold the app's exit: asyncio waits for every
    thread of the default executor, and a daemon thread is left behind instead."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the waiting worker  # noqa: BLE001
            box["error"] = exc

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    while thread.is_alive():
        if cancelled():
            raise Abandoned(name)
        thread.join(0.1)
    if "error" in box:
        raise box["error"]
    return box.get("value")


class Batcher:
    """Collects lines from any thread and hands them over in one batch per interval, from
    its own thread worker: the UI gets ~20 messages a second however fast the sources
    write, and a quiet source's last lines still arrive."""

    def __init__(self, deliver: Callable[[dict[str, list[str]], int], None],
                 interval: float = 0.05, keep: int = 5_000) -> None:
        self.deliver = deliver  # (lines by key, lines dropped) -> posts
        self.interval = interval
        self.keep = keep  # lines per key kept per batch: more could not be seen anyway
        self._lock = threading.Lock()
        self._lines: dict[str, list[str]] = {}
        self._dropped = 0

    def add(self, key: str, line: str) -> None:
        with self._lock:
            bucket = self._lines.setdefault(key, [])
            bucket.append(line)
            if len(bucket) > 2 * self.keep:
                excess = len(bucket) - self.keep
                del bucket[:excess]
                self._dropped += excess

    def add_many(self, key: str, lines: list[str]) -> None:
        for line in lines:
            self.add(key, line)

    def flush(self) -> None:
        with self._lock:
            lines, self._lines = self._lines, {}
            dropped, self._dropped = self._dropped, 0
        if lines:
            self.deliver(lines, dropped)

    def pump(self, cancelled: Callable[[], bool]) -> None:
        """The worker body: flush every interval until cancelled, then once more."""
        while not cancelled():
            time.sleep(self.interval)
            self.flush()
        self.flush()
