"""One run per target: a lock file beside the journal, held by the live run (the TUI's or a headless command's) and naming its pid, host and start time."""

from __future__ import annotations

import fcntl
import json
import os
import socket
import time
from pathlib import Path

from petstore_core import settings
from petstore_tui.runbook.journal import journal_path


class RunLocked(RuntimeError):
    """Another live run holds this target: the message says which (the CLI exits 1)."""


def lock_path(target: settings.Target) -> Path:
    return journal_path(target).with_suffix(".lock")


def _describe(holder: dict) -> str:
    if not holder:
        return "another petstore-tui run (it is writing its details now)"
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(float(holder.get("started") or 0)))
    return (f"petstore-tui {holder.get('runbook', 'run')} (pid {holder.get('pid')} on "
            f"{holder.get('host')}, started {started})")


def _alive(pid) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError, TypeError):
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


class RunLock:
    """flock(2) on `<journal>.lock`: the kernel drops it when the holder exits, however it
    exits, so a lock left by a dead run is free to take at once; taking it is one atomic
    call, and two runs can never both succeed. The file is never removed (a removed lock
    file lets a second run lock a new one beside a holder of the old)."""

    def __init__(self, target: settings.Target, runbook: str, path: Path | None = None):
        self.path = path or lock_path(target)  # path: a lock of another scope (a checkout's fixes)
        self.target = target
        self.runbook = runbook
        self._fd: int | None = None
        self.took_over: dict = {}  # what a run that died holding the lock left in it

    def acquire(self) -> RunLock:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            hint = ""
            if holder.get("host") == socket.gethostname() and holder.get("pid") and not _alive(holder["pid"]):
                hint = " (that pid is gone, but a process it started still holds the lock)"
            raise RunLocked(f"{self.target.label} is in use by {_describe(holder)}{hint}; one run per "
                            f"target at a time: wait for it to finish or stop it (lock: {self.path})") from None
        self.took_over = _read(fd)  # a clean release empties the file: content means a crash
        record = {"pid": os.getpid(), "host": socket.gethostname(), "started": round(time.time(), 3),
                  "runbook": self.runbook, "target": self.target.label}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def note(self) -> str:
        """One line about a lock taken over from a run that died, else ""."""
        if not self.took_over:
            return ""
        return f"took over the run lock left by {_describe(self.took_over)}, which is no longer running"

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
        finally:
            os.close(fd)  # closing drops the flock


def _read(fd: int) -> dict:
    try:
        data = json.loads(os.pread(fd, 4096, 0) or b"{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}
