"""The one reader of version numbers in the knowledge: a tool's `--version` output, a
controller release tag, a Kubernetes version. The first `major.minor[.patch]` in the
text, or the first match of a tool's own pattern (its groups are major, minor, patch)."""

from __future__ import annotations

import re

VERSION_RE = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?")


def parse_version(text: str, pattern: re.Pattern[str] | None = None) -> tuple[int, int, int] | None:
    """(major, minor, patch) with a missing patch as 0, or None when there is no version."""
    match = (pattern or VERSION_RE).search(text or "")
    if not match:
        return None
    return int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)


def show(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))
