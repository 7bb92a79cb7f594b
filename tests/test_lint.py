"""The repository stays ruff-clean (the configuration is in pyproject.toml).

Stand-in: none; the real ruff from the dev extra."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from petstore_core import process

REPO = Path(__file__).resolve().parents[1]


def test_ruff_reports_nothing():
    """Stand-in: none; `ruff check .` over the whole repository."""
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    result = process.run([ruff, "check", "--no-cache", "."], timeout=120, cwd=REPO)
    assert not result.timed_out
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_counted_noun_says_s_in_brackets():
    """A count printed beside its noun says "1 subnet" or "3 subnets"
    (petstore_core/words.py counted()), never "3 subnet(s)": the operator reads a sentence,
    not a template. Any f-string placing a value right before words ending in "(s)" is
    named with its file and line ("Terraform file(s)" and "Ingress(es)" too). No stand-in: the source files are read as text."""
    import re

    counted_noun = re.compile(r"\}\s(?:[a-z-]+\s){0,3}[a-z-]+\((?:e?s)\)", re.IGNORECASE)
    offenders = [f"{path.relative_to(REPO)}:{number}: {line.strip()}"
                 for folder in ("petstore_tui", "petstore_core", "checks")
                 for path in sorted((REPO / folder).rglob("*.py"))
                 if "checks/engine" not in path.as_posix() and "checks/catalog" not in path.as_posix()
                 for number, line in enumerate(path.read_text().splitlines(), 1)
                 if counted_noun.search(line)]
    assert not offenders, "\n".join(offenders)
