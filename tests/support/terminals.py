"""Stand-ins for terminals of given widths: a stream that says it is a terminal and has a
file descriptor, and os.get_terminal_size answering per descriptor, as two windows (or a
terminal and a redirect) would."""

from __future__ import annotations

import io
import os


class TerminalStream(io.StringIO):
    """A stream written to a terminal on descriptor `fd` (what it prints stays readable)."""

    def __init__(self, fd: int):
        super().__init__()
        self.fd = fd

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.fd


def widths(monkeypatch, columns_by_fd: dict[int, int]) -> None:
    """os.get_terminal_size(fd) answers columns_by_fd[fd]; any other descriptor is no
    terminal. $COLUMNS unset, so the descriptor's size is what counts."""
    monkeypatch.delenv("COLUMNS", raising=False)

    def size(fd: int = 1):
        if fd not in columns_by_fd:
            raise OSError("Inappropriate ioctl for device")
        return os.terminal_size((columns_by_fd[fd], 36))

    monkeypatch.setattr(os, "get_terminal_size", size)
