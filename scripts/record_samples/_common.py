"""Shared helpers for the sample recorders: bounded subprocesses and sample files.

Every recorder runs the real program, captures what it prints, and writes it into
`checks/catalog/<id>/positive/` (or `negative/`) with a first line naming how it was
recorded, so a reader can tell recorded samples from ones written after real wording.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CATALOG = REPO / "checks" / "catalog"
PY311_CANDIDATES = (
    Path.home() / ".pyenv" / "versions" / "3.11.7" / "bin" / "python3.11",
    Path("/usr/bin/python3.11"),
)


class Skip(Exception):
    """A recorder cannot run here; the message says why."""


def run(argv: list[str], *, timeout: float, env: dict | None = None, cwd: Path | None = None,
        input_text: str | None = None) -> subprocess.CompletedProcess:
    """Run `argv` (no shell), capture stdout and stderr as text, never hang."""
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env,
                          cwd=cwd, input=input_text, check=False)


def free_port() -> int:
    """A loopback TCP port nothing listens on (bound, read, closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def python311() -> str:
    for candidate in PY311_CANDIDATES:
        if candidate.exists():
            return str(candidate)
    found = shutil.which("python3.11")
    if found:
        return found
    raise Skip("python3.11 not found")


_SCRATCH: list[Path] = []


def scratch_dir(prefix: str) -> Path:
    """A temporary folder, removed when the recorder exits."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    _SCRATCH.append(path)
    return path


@atexit.register
def _remove_scratch() -> None:
    for path in _SCRATCH:
        shutil.rmtree(path, ignore_errors=True)


def make_venv(where: Path, packages: list[str], *, timeout: float = 240) -> Path:
    """A throwaway virtual environment with `packages` from PyPI; returns its python."""
    python = python311()
    result = run([python, "-m", "venv", str(where)], timeout=120)
    if result.returncode != 0:
        raise Skip(f"venv creation failed: {result.stderr.strip()[:200]}")
    vpy = where / "bin" / "python"
    result = run([str(vpy), "-m", "pip", "install", "--quiet", *packages], timeout=timeout)
    if result.returncode != 0:
        raise Skip(f"pip install {' '.join(packages)} failed: {result.stderr.strip()[-300:]}")
    return vpy


def package_version(vpy: Path, dist: str) -> str:
    result = run([str(vpy), "-c",
                  f"import importlib.metadata as m; print(m.version({dist!r}))"], timeout=60)
    return result.stdout.strip() or "unknown"


def write_sample(entry: str, kind: str, name: str, recorder: str, versions: str,
                 text: str) -> Path:
    """Write one sample file; `kind` is "positive" or "negative"."""
    folder = CATALOG / entry / kind
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    body = text if text.endswith("\n") else text + "\n"
    path.write_text(f"# source: recorded by scripts/record_samples/{recorder} ({versions})\n"
                    + body)
    print(f"  wrote {path.relative_to(REPO)}")
    return path


def main_wrapper(record) -> int:
    """Run one recorder; a Skip prints its reason and is not an error."""
    try:
        record()
    except Skip as skip:
        print(f"skipped: {skip}")
    except subprocess.TimeoutExpired as exc:
        print(f"skipped: timed out: {exc.cmd[0]} after {exc.timeout}s")
    return 0


def environ(**extra: str) -> dict:
    env = dict(os.environ)
    env.update(extra)
    return env


def interpreter_version(python: str) -> str:
    return run([python, "-c", "import platform; print(platform.python_version())"],
               timeout=30).stdout.strip()


def this_python() -> str:
    return sys.executable
