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
FOLLOW_DECOMPRESSED = "petstore-tui troubleshoot --file <({command})"
# UTF-16 text: what Windows PowerShell 5.1's `>` and Out-File write by default (`kubectl logs
# POD > app.log` there), with a byte-order mark; every ASCII character has a NUL beside it,
# so the catalog's UTF-8 signatures match none of its lines.
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


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


def _binary_share(head: bytes) -> float | None:
    """The share of a file's first bytes that is not text, when it is over BINARY_SHARE
    (binary data: a core dump, a journald file), else None. Runs of NULs are left out:
    copytruncate while the app writes leaves a log starting with a hole of them, and a crash
    can leave zeroed blocks; a binary's NULs come one or a few at a time."""
    sample = _NUL_RUN.sub(b"", head)
    if not sample:
        return None
    text = sample.decode("utf-8", "replace")
    odd = sum(1 for c in text if c == "\ufffd" or (ord(c) < 32 and c not in _TEXT_CONTROLS) or c == "\x7f")
    share = odd / len(text)
    return share if share > BINARY_SHARE else None


def _compression(head: bytes) -> tuple[str, str] | None:
    """(format, the tool that decompresses it) when a file's first bytes are a compressed one's."""
    for magic, name, tool in _COMPRESSED:
        if head.startswith(magic):
            return name, tool
    if head[:3] == b"BZh" and head[3:4].isdigit() and head[4:10] in _BZIP2_MAGICS:
        return "bz2", "bzip2"
    return None


def _is_utf16(head: bytes) -> bool:
    """UTF-16 text: after its byte-order mark, if any, a NUL beside nearly every character
    of the first 256 (a log's text is mostly ASCII). A mark alone is not enough: binary data
    can start with the same two bytes."""
    body = head[2:514] if head.startswith(_UTF16_BOMS) else head[:512]
    pairs = len(body) // 2
    if pairs < 8:
        return False
    return any(body[i::2][:pairs].count(0) >= 0.9 * pairs and 0 not in body[1 - i::2][:pairs] for i in (0, 1))


def text_problem(path: str, decompressed: str = FOLLOW_DECOMPRESSED) -> str:
    """Why a regular file's bytes are no text log to scan (compressed, UTF-16 or binary:
    shown as lines they are garbage, and a scan of them finds nothing), or "". `decompressed`:
    how the caller takes a compressed or UTF-16 file's text ({command}: the command that
    prints it). The file's first bytes are read once."""
    head = _head(path, SNIFF_BYTES)
    if not head:
        return ""
    compressed = _compression(head)
    if compressed or _is_utf16(head):
        import shlex  # start-up: only these messages quote a path

        if compressed:
            what, command = f"{compressed[0]}-compressed", f"{compressed[1]} -dc {shlex.quote(path)}"
        else:
            what, command = "UTF-16 text", f"iconv -f UTF-16 -t UTF-8 {shlex.quote(path)}"
        return f"{path}: {what}, not UTF-8 text: give its text ({decompressed.format(command=command)})"
    share = _binary_share(head)
    if share is not None:
        return (f"{path}: binary data, not a text log ({share:.0%} of its first bytes is not text): "
                "give the log it holds as text")
    return ""


def log_file_problem(path: str, folder_hint: str = "give a log file",
                     decompressed: str = FOLLOW_DECOMPRESSED) -> str:
    """The reason `path` cannot be read as a log file, or "" (text_problem for its bytes)."""
    if os.path.isdir(path):
        return f"{path}: is a directory ({folder_hint})"
    if not os.path.exists(path):
        return f"{path}: no such file"
    if not os.access(path, os.R_OK):
        return f"{path}: permission denied"
    return text_problem(path, decompressed)
