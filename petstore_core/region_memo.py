"""The region botocore resolves for a profile, remembered in the state folder across starts.

Asking botocore means importing it (about 0.1 s of CPU), which every start would pay before
the TUI's first frame (the header shows the region) and before a headless command's first
line. An answer is kept under the exact inputs botocore reads for it
(docs/knowledge/aws-region.md): the profile asked for, the environment variables naming
the profile, the region and the two shared files, each file's size, mtime and inode, and
botocore's own. Any change asks botocore again; a failure (ProfileNotFound) is never kept.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path

FILE_NAME = "aws-regions.json"
KEEP = 32  # answers kept: a handful of profiles and environments
ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE",
       "AWS_SHARED_CREDENTIALS_FILE", "HOME")

_known: dict[str, str | None] = {}  # this process's answers, by key
_read_from: Path | None = None  # the file _known was filled from


def _stamp(path: str | None) -> list[int] | None:
    try:
        stat = os.stat(path) if path else None
    except OSError:
        return None
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino] if stat else None


def key(profile: str | None) -> str:
    """Everything botocore's answer depends on, as one string."""
    env = os.environ
    config = os.path.expanduser(env.get("AWS_CONFIG_FILE") or "~/.aws/config")
    credentials = os.path.expanduser(env.get("AWS_SHARED_CREDENTIALS_FILE") or "~/.aws/credentials")
    spec = find_spec("botocore")  # finds the package without importing it
    # repr, not json: importing json cost the first frame a millisecond; a repr'd string
    # shows tabs and newlines escaped, so a key never holds the file's separators
    return repr([profile, [env.get(name) for name in ENV], config, _stamp(config),
                 credentials, _stamp(credentials), _stamp(spec.origin if spec else None)])


def region(profile: str | None, ask: Callable[[str | None], str | None], folder: Path | None) -> str | None:
    """`ask(profile)` (botocore), unless its answer for the same inputs is remembered in
    `folder` (None: only in this process)."""
    global _read_from
    wanted = key(profile)
    path = folder / FILE_NAME if folder is not None else None
    if path is not None and _read_from != path:
        _known.clear()
        _known.update(_read(path))
        _read_from = path
    if wanted in _known:
        return _known[wanted]
    answer = ask(profile)  # raises ProfileNotFound for a profile that is not there: not kept
    if answer and ("\t" in answer or "\n" in answer):  # not a region: not kept either
        return answer
    _known[wanted] = answer
    while len(_known) > KEEP:
        del _known[next(iter(_known))]
    if path is not None:
        _write(path, _known)
    return answer


def _read(path: Path) -> dict[str, str | None]:
    """One answer a line: the region (empty for none), a tab, the key."""
    try:
        text = path.read_text()
    except (OSError, ValueError):  # none yet, or not text: botocore answers afresh
        return {}
    known: dict[str, str | None] = {}
    for line in text.split("\n"):
        region, tab, wanted = line.partition("\t")
        if tab and wanted.startswith("["):
            known[wanted] = region or None
    return known


def _write(path: Path, known: dict[str, str | None]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.{os.getpid()}")
        partial.write_text("".join(f"{region or ''}\t{wanted}\n" for wanted, region in known.items()))
        os.replace(partial, path)  # readers see the old file or the new one, never half
    except OSError:  # a read-only state folder: botocore is asked next time too
        pass
