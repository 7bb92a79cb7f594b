"""./dev on a machine where setting up fails: pip errors stop it, and under CI=true anything that
would make tests skip (PostgreSQL, Debian packages) is an error; pytest turns skips into failures.

Stand-ins: a fake virtual environment whose `python -m pip install` fails the way pip does
when a package cannot be found (and whose `python -m pytest` only records that it ran); a
fake checkov venv answering its pinned version; PostgreSQL asked for on port 1, where no
cluster is configured (scripts/start-postgres's real refusal); a package list naming a
command no machine has; PETSTORE_DEV_UID to stand for a user who is not root.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PIP_ERROR = "ERROR: Could not find a version that satisfies the requirement nosuchpkg==9.9"

FAKE_PYTHON = """#!/bin/sh
# fake python of a venv: pip install fails like pip, everything else answers
case "$1 $2 $3" in
  "-m pip install") echo "{error}" >&2; echo "ERROR: No matching distribution found for nosuchpkg==9.9" >&2; exit 1;;
  "-m pytest "*|"-m pytest") echo "pytest ran" > "$(dirname "$0")/pytest.ran"; exit 0;;
esac
exit 0
"""


def _script(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_venv(tmp_path) -> Path:
    venv = tmp_path / "venv"
    _script(venv / "bin" / "python", FAKE_PYTHON.format(error=PIP_ERROR))
    _script(venv / "bin" / "petstore-tui", "#!/bin/sh\necho 'petstore-tui 0.1.0'\n")
    return venv


def _dev(*args: str, env: dict[str, str], source: str | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k != "CI"}
    full.update(env)
    argv = ["bash", "-c", f"source ./dev && {source}"] if source else ["./dev", *args]
    return subprocess.run(argv, cwd=REPO, env=full, capture_output=True, text=True, timeout=120, check=False)


def _stamp(venv: Path) -> None:
    """Mark the fake venv as set up for the current dependency files (./dev's own rule)."""
    sources = [REPO / "pyproject.toml", REPO / "setup.py", *sorted((REPO / "checks" / "engine").glob("*.c")),
               REPO / "petstore-app" / "requirements.lock"]
    data = b"".join(path.read_bytes() for path in sources)
    (venv / ".petstore-stamp").write_text(hashlib.sha256(data).hexdigest()[:16] + "\n")


def test_setup_stops_when_pip_fails(fake_venv):
    """A pip install that fails must fail ./dev setup with pip's own message (it used to be
    swallowed by `|| true`, the setup then reporting success)."""
    done = _dev("setup", env={"PETSTORE_VENV": str(fake_venv)})
    assert done.returncode != 0, done.stderr
    assert PIP_ERROR in done.stderr
    assert "pip install" in done.stderr and "failed" in done.stderr
    assert not (fake_venv / ".petstore-stamp").exists()  # a failed setup is not remembered


def test_missing_packages_fail_under_ci_and_warn_otherwise(tmp_path):
    """Not root and a needed Debian package missing: a warning on a workstation, an error
    under CI=true; either way the message names the package and the apt command."""
    env = {"PETSTORE_SYSTEM_PACKAGES": "no-such-package:no-such-command", "PETSTORE_DEV_UID": "1000"}
    relaxed = _dev(env=env, source="system_packages")
    assert relaxed.returncode == 0
    assert "missing Debian packages: no-such-package" in relaxed.stderr
    assert "apt-get install -y no-such-package" in relaxed.stderr
    strict = _dev(env={**env, "CI": "true"}, source="system_packages")
    assert strict.returncode != 0
    assert "CI=true: an error, not a skip" in strict.stderr


def test_a_package_known_by_a_file_is_installed_only_when_the_file_is_missing(tmp_path):
    """package:/path pairs (the Hyperscan headers setup.py builds against) are looked up as
    files, not commands: present, nothing is asked; missing, the package is named."""
    present = tmp_path / "hs.h"
    present.write_text("")
    env = {"PETSTORE_DEV_UID": "1000"}
    found = _dev(env=env, source=f"system_packages 'libfound-dev:{present}'")
    assert found.returncode == 0 and "missing" not in found.stderr, found.stderr
    missing = _dev(env=env, source=f"system_packages 'libmissing-dev:{tmp_path / 'absent.h'}'")
    assert missing.returncode == 0
    assert "missing Debian packages: libmissing-dev" in missing.stderr


def test_ci_true_stops_dev_test_when_postgresql_cannot_start(fake_venv, tmp_path):
    """./dev test with a PostgreSQL that cannot be started: CI=true fails before pytest
    runs; without CI it warns and runs pytest (whose PostgreSQL tests then skip)."""
    _stamp(fake_venv)
    checkov = tmp_path / "checkov-venv"
    _script(checkov / "bin" / "checkov", "#!/bin/sh\necho 3.3.30\n")
    _script(checkov / "bin" / "python", "#!/bin/sh\nexit 0\n")
    env = {"PETSTORE_VENV": str(fake_venv), "PETSTORE_SYSTEM_PACKAGES": "", "PETSTORE_PG_PORT": "1",
           "CHECKOV_VENV": str(checkov), "CHECKOV_VERSION": "3.3.30"}
    strict = _dev("test", env={**env, "CI": "true"})
    assert strict.returncode != 0
    assert "PostgreSQL could not be started (CI=true" in strict.stderr
    assert not (fake_venv / "bin" / "pytest.ran").exists()
    relaxed = _dev("test", env=env)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "PostgreSQL could not be started; the tests that need it will skip" in relaxed.stderr
    assert (fake_venv / "bin" / "pytest.ran").exists()


def test_a_skip_fails_under_ci(tmp_path):
    """tests/conftest.py's hook: under CI=true a skipped test is reported failed with its
    reason (an xfail stays an xfail); without CI it stays a skip. Stand-in: a two-test file
    run by a pytest of its own whose conftest takes our hook."""
    (tmp_path / "conftest.py").write_text("from tests.conftest import pytest_runtest_makereport  # noqa: F401\n")
    (tmp_path / "test_x.py").write_text(
        "import pytest\n\ndef test_skips():\n    pytest.skip('no frobnicator here')\n\n"
        "@pytest.mark.xfail(reason='known')\ndef test_xfails():\n    assert False\n")
    import sys

    def run(ci: bool) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k != "CI"}
        env["PYTHONPATH"] = str(REPO)
        if ci:
            env["CI"] = "true"
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:textual-snapshot", "-p",
                               "no:cacheprovider", "-p", "no:xdist", "--rootdir", str(tmp_path), str(tmp_path)],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False)

    relaxed = run(False)
    assert relaxed.returncode == 0 and "1 skipped, 1 xfailed" in relaxed.stdout, relaxed.stdout
    strict = run(True)
    assert strict.returncode == 1 and "1 failed, 1 xfailed" in strict.stdout, strict.stdout
    assert "CI=true: this test skipped" in strict.stdout and "no frobnicator here" in strict.stdout


def test_setup_warms_the_catalog(fake_venv):
    """`./dev setup` pays the catalog's first compile (`petstore-tui catalog warm`), so the
    operator's first diagnose, drill or panel does not wait for it (found walking a fresh
    state folder: 90 s at load 2 before `diagnose` answered). Stand-in: a set-up fake venv
    whose petstore-tui records its arguments."""
    _stamp(fake_venv)
    calls = fake_venv / "calls"
    _script(fake_venv / "bin" / "petstore-tui", f"#!/bin/sh\necho \"$*\" >> {calls}\n")
    done = _dev("setup", env={"PETSTORE_VENV": str(fake_venv)})
    assert done.returncode == 0, done.stderr
    assert "catalog warm" in calls.read_text().splitlines()
