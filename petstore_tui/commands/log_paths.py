"""Why a log file named on the command line cannot be read: `diagnose FILE` and
`petstore-tui --file FILE` say it the same way, before any work starts."""

from __future__ import annotations

import os
import stat

# The first bytes of the compressed files logrotate and operators make (app.log.1.gz): read
# as text they hold no line of the log, so a scan of them finds nothing and says all is well.
# bzip2's "BZh" is followed by the block size and a block's or the end's magic number.
_COMPRESSED = ((b"\x1f\x8b", "gzip", "gzip"), (b"\xfd7zXZ\x00", "xz", "xz"),
               (b"\x28\xb5\x2f\xfd", "zstd", "zstd"))
_BZIP2_MAGICS = (b"\x31\x41\x59\x26\x53\x59", b"\x17\x72\x45\x38\x50\x90")
FOLLOW_DECOMPRESSED = "petstore-tui troubleshoot --file <({tool} -dc {path})"


def compression(path: str) -> tuple[str, str] | None:
    """(format, the tool that decompresses it) when `path` is a compressed regular file.
    Only a regular file is opened: a FIFO's first bytes would be taken from its reader."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        with open(path, "rb") as handle:
            head = handle.read(10)
    except OSError:
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
    return ""
