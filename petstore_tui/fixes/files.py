"""Repository file edits for fixes: the unified diff shown in a plan, an atomic write that keeps a backup beside the fix journal, and an undo that refuses when the file changed since."""

from __future__ import annotations

import difflib
import hashlib
import os
import tempfile
from pathlib import Path

from petstore_tui.fixes.model import Change, FixRefused


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def unified(rel: str, before: str, after: str) -> str:
    """`diff -u a/REL b/REL` of two texts (git's labels, so `git apply` takes it)."""
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 f"a/{rel}", f"b/{rel}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def file_change(rel: str, before: str, after: str, summary: str) -> Change:
    return Change("file-edit", summary, unified(rel, before, after),
                  {"path": rel, "before_sha256": sha256(before), "after_sha256": sha256(after)})


def write_atomic(path: Path, text: str) -> None:
    """Replace the file in one rename, keeping its mode."""
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.fix-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read(project: Path, rel: str) -> str:
    return (Path(project) / rel).read_text(encoding="utf-8")


def apply_edit(project: Path, rel: str, before: str, after: str, backups: Path) -> dict:
    """Write `after` over `rel` if the file still holds `before` (the plan's view), keeping
    `before` in `backups` (the journal's folder: the journal itself stays redacted).
    Returns the undo record."""
    path = Path(project) / rel
    current = path.read_text(encoding="utf-8")
    if current != before:
        raise FixRefused(f"{rel} changed since the plan was made: plan again")
    backups.mkdir(parents=True, exist_ok=True, mode=0o700)
    backup = backups / rel.replace("/", "__")
    backup.write_text(before, encoding="utf-8")
    write_atomic(path, after)
    return {"path": rel, "backup": str(backup), "before_sha256": sha256(before), "after_sha256": sha256(after)}


def _current(project: Path, record: dict) -> str:
    path = Path(project) / record["path"]
    return path.read_text(encoding="utf-8") if path.exists() else ""


def altered(project: Path, record: dict) -> str:
    """Why undo_edit would refuse: the file is neither what the fix wrote nor what it found
    ("": it would act)."""
    current = sha256(_current(project, record))
    if current != record["before_sha256"] and record["after_sha256"] not in (None, current):
        return f"{record['path']} changed after the fix"
    return ""


def undo_edit(project: Path, record: dict) -> str:
    """Put the backup back if the file is still what the fix wrote; else refuse."""
    path = Path(project) / record["path"]
    current = _current(project, record)
    if sha256(current) == record["before_sha256"]:
        return f"{record['path']}: already as before the fix"
    changed = altered(project, record)
    if changed:
        raise FixRefused(f"{changed}: not undone (the earlier text is in {record['backup']})")
    before = Path(record["backup"]).read_text(encoding="utf-8")
    if sha256(before) != record["before_sha256"]:
        raise FixRefused(f"the backup {record['backup']} is not what the fix saved: not undone")
    write_atomic(path, before)
    return f"{record['path']}: restored"
