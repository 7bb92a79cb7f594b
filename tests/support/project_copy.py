"""Copies of this repository's deployable folders, and the edits tests make in them the way a
person would (a line changed, a block deleted, text appended). Every edit asserts it applied,
so a change in the real files makes a test fail loudly instead of testing nothing."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROJECT_PARTS = ("terraform", "docker", "kubernetes", "petstore-app")
SKIP_NAMES = {".terraform", ".venv", "data", "__pycache__", ".pytest_cache", ".mypy_cache"}
CONTROLLER_POLICY = "terraform/policies/aws-load-balancer-controller.json"


def _ignore(folder: str, names: list[str]) -> set[str]:
    return {
        n
        for n in names
        if n in SKIP_NAMES or n.startswith("terraform.tfstate") or n.endswith(".pyc")
    }


def copy_project(dest: Path) -> Path:
    """terraform/, docker/, kubernetes/, petstore-app/ and pyproject.toml copied to `dest`,
    without provider installs, state or caches."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_PARTS:
        shutil.copytree(REPO / name, dest / name, ignore=_ignore)
    shutil.copy2(REPO / "pyproject.toml", dest / "pyproject.toml")
    return dest


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace `old` by `new` in `path`; `old` must occur exactly `count` times."""
    text = path.read_text()
    found = text.count(old)
    assert found == count, f"edit out of date: {old!r} occurs {found} times in {path}, expected {count}"
    path.write_text(text.replace(old, new))


def sub(path: Path, pattern: str, new: str) -> None:
    """re.sub over the lines of `path` (multiline); the pattern must match."""
    changed, n = re.subn(pattern, new, path.read_text(), flags=re.M)
    assert n, f"edit out of date: {pattern!r} not in {path}"
    path.write_text(changed)


def append(path: Path, text: str) -> None:
    with path.open("a") as fh:
        fh.write(text)


def delete_block(path: Path, header: str) -> None:
    """Delete a top-level HCL block (from `header` to its closing brace at column 0) with
    the comment lines right above it, as a person would."""
    text = path.read_text()
    assert text.count(header) == 1, f"edit out of date: {header!r} not once in {path}"
    start = text.index(header)
    while True:
        prev = text.rfind("\n", 0, start - 1)
        if text[prev + 1 : start].startswith("#"):
            start = prev + 1
        else:
            break
    end = text.index("\n}\n", start) + 3
    path.write_text(text[:start] + text[end:])


def edit_json(path: Path, change: Callable[[dict], None]) -> None:
    """Load, change in place, write back indented (as the repository's JSON files are)."""
    doc = json.loads(path.read_text())
    change(doc)
    path.write_text(json.dumps(doc, indent=4) + "\n")
