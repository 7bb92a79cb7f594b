"""One compile of a catalog at a time, across processes and threads: an advisory lock
(flock) on a file beside the compiled database's cache file."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def compile_lock(path: Path, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Held while the block runs. Two `petstore-tui` started together (the TUI's launch
    and a `diagnose` in another terminal, or two threads of one TUI) would each pay the
    whole compile (35 s of CPU for the built-in catalog); the second waits here instead,
    then loads what the first stored. `on_wait` is called once if it has to wait. A lock
    file that cannot be made costs nothing but the guarantee: the block runs unlocked."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(fd, fcntl.LOCK_EX)  # per open file: threads of one process wait too
        yield
    finally:
        os.close(fd)  # closing releases the lock; a killed holder's lock goes with it


def compiling_elsewhere(path: Path) -> bool:
    """Whether another holder has the lock now (a compile under way)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
