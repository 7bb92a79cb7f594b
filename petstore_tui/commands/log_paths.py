"""Why a log file named on the command line cannot be read: `diagnose FILE` and
`petstore-tui --file FILE` say it the same way, before any work starts."""

from __future__ import annotations

import os
import re
import stat

# The first bytes of the compressed files logrotate and operators make (app.log.1.gz): read
# as text they hold no line of the log, so a scan of them finds nothing and says all is well.
# bzip2's "BZh" is followed by the block size and a block's or the end's magic number.
_COMPRESSED = ((b"\x1f\x8b", "gzip", "gzip"), (b"\xfd7zXZ\x00", "xz", "xz"),
               (b"\x28\xb5\x2f\xfd", "zstd", "zstd"))
_BZIP2_MAGICS = (b"\x31\x41\x59\x26\x53\x59", b"\x17\x72\x45\x38\x50\x90")
FOLLOW_DECOMPRESSED = "petstore-tui troubleshoot --file <({tool} -dc {path})"


# How much of a file is read to tell text from binary data, and the share of it (runs of
# NULs left out) that may be neither text nor UTF-8 before the file is called binary: a log
# in Latin-1 has a few stray bytes; executables, shared libraries, .pyc files and fonts on
# this machine had 33-84%, text files 0 (measured in round 16).
SNIFF_BYTES = 8192
BINARY_SHARE = 0.25
_NUL_RUN = re.compile(rb"\x00{16,}")
_TEXT_CONTROLS = frozenset("\t\n\r\f\b\x1b")


def _head(path: str, size: int) -> bytes | None:
    """The first `size` bytes of a regular file, else None. Only a regular file is opened:
    a FIFO's first bytes would be taken from its reader."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            return handle.read(size)
    except OSError:
        return None


def binary_share(path: str) -> float | None:
    """The share of a regular file's first bytes that is not text, when it is over
    BINARY_SHARE (binary data: a core dump, a journald file), else None. Runs of NULs are
    left out: copytruncate while the app writes leaves a log starting with a hole of them,
    and a crash can leave zeroed blocks; a binary's NULs come one or a few at a time."""
    head = _head(path, SNIFF_BYTES)
    sample = _NUL_RUN.sub(b"", head or b"")
    if not sample:
        return None
    text = sample.decode("utf-8", "replace")
    odd = sum(1 for c in text if c == "\ufffd" or (ord(c) < 32 and c not in _TEXT_CONTROLS) or c == "\x7f")
    share = odd / len(text)
    return share if share > BINARY_SHARE else None


def compression(path: str) -> tuple[str, str] | None:
    """(format, the tool that decompresses it) when `path` is a compressed regular file."""
    head = _head(path, 10)
    if head is None:
        return None
    for magic, name, tool in _COMPRESSED:
        if head.startswith(magic):
            return name, tool
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] in _BZIP2_MAGICS:
        return "bz2", "bzip2"
    return None


def log_file_problem(path: str, folder_hint: str = "give a log file",
                     decompressed: str = FOLLOW_DECOMPRESSED) -> str:
    """The reason `path` cannot be read as a log file, or "". `decompressed`: the command
    that gives a compressed file's text to the caller ({tool} and {path} filled in)."""
    if os.path.isdir(path):
        return f"{path}: is a directory ({folder_hint})"
    if not os.path.exists(path):
        return f"{path}: no such file"
    if not os.access(path, os.R_OK):
        return f"{path}: permission denied"
    compressed = compression(path)
    if compressed:
        import shlex  # start-up: only this message quotes a path

        name, tool = compressed
        return (f"{path}: {name}-compressed, not text: give its text "
                f"({decompressed.format(tool=tool, path=shlex.quote(path))})")
    share = binary_share(path)
    if share is not None:
        return (f"{path}: binary data, not a text log ({share:.0%} of its first bytes is not text): "
                "give the log it holds as text")
    return ""


def not_text(path: str) -> bool:
    """A file the panel must not show as lines: compressed or binary (log_file_problem says why)."""
    return compression(path) is not None or binary_share(path) is not None
