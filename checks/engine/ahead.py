"""One call at a time on a second thread, its result taken later: the bulk path runs the C
passes over its next block (Hyperscan, the newline pass: both release the GIL) while this
thread does the Python work of the block before (bulk_scan.py)."""

from __future__ import annotations

import os

# threading's own parts, without its import cost
from _thread import allocate_lock, start_new_thread


class Ahead:
    """`start(func, *args)` runs func(*args) on the worker thread; `result()` waits for it
    and returns its value or raises its exception. One call runs at a time: `start`
    follows the previous call's `result`. `close()` ends the thread (always call it)."""

    def __init__(self) -> None:
        self._go = allocate_lock()
        self._done = allocate_lock()
        self._go.acquire()
        self._done.acquire()
        self._job: tuple | None = None
        self._value = self._error = None
        self._running = False
        start_new_thread(self._work, ())

    def _work(self) -> None:
        while True:
            self._go.acquire()
            job = self._job
            if job is None:
                return
            func, args = job
            try:
                self._value = func(*args)
            except BaseException as exc:  # noqa: BLE001  handed to the caller of result()
                self._error = exc
            self._done.release()

    def start(self, func, *args) -> None:
        if self._running:
            raise RuntimeError("Ahead.start before the previous call's result")
        self._job, self._running = (func, args), True
        self._go.release()

    def result(self):
        if not self._running:
            raise RuntimeError("Ahead.result without a call started")
        self._done.acquire()
        self._running = False
        value, error, self._value, self._error, self._job = self._value, self._error, None, None, None
        if error is not None:
            raise error
        return value

    def close(self) -> None:
        """Waits for a call still running (its result is dropped), then ends the thread."""
        if self._running:
            self._done.acquire()
            self._running = False
        self._job = None
        self._go.release()


class Inline:
    """Ahead's interface, the call made on this thread when its result is asked for (where
    a second thread would only wait for the GIL)."""

    def __init__(self) -> None:
        self._job: tuple | None = None

    def start(self, func, *args) -> None:
        self._job = (func, args)

    def result(self):
        func, args = self._job
        self._job = None
        return func(*args)

    def close(self) -> None:
        self._job = None


def spare_core() -> bool:
    """Whether a second thread would find a core of its own: the load average of the last
    minute leaves one of this process's cores idle. Where every core is busy, the two
    threads wait for each other (the matcher's callbacks need the GIL back): at load 7-9
    on 2 cores, bench_diagnose's CLI run on the simple set took 0.65 s of wall time with
    the second thread against 0.49 s without."""
    try:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        load = os.getloadavg()[0]
    except OSError:  # no load average to read
        return False
    return load + 1 <= cores
