"""Files only their owner may read (0600): journals, tool records, incident reports."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE = 0o600  # what a step's summary, a finding's evidence or a tool's output may hold is the operator's


def write_private(path: str | os.PathLike, text: str, *, exclusive: bool = False) -> Path:
    """`text` into `path`, mode 0600 whatever the umask. Atomic (a reader sees the old file
    or the new one) unless `exclusive`, which never replaces a file that exists (raises
    FileExistsError: a report never lands on a log or an older report)."""
    path = Path(path)
    if exclusive:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        return path
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, PRIVATE)
    try:
        os.fchmod(fd, PRIVATE)  # a .tmp left by an older run kept its mode through O_TRUNC
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, path)
    return path
