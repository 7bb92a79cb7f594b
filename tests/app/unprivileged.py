"""Find a way to run a process as `nobody` that really cannot write root-owned files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"]
# CAP_DAC_READ_SEARCH lets the process read and traverse anything (our Python lives under
# /root, mode 0700, on these machines) while every write is still checked against the
# file's owner and mode: exactly the denial a non-root container user meets.
READ_ANYWHERE = ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]


def find_prefix(python: str = sys.executable, pythonpath: str = "") -> tuple[list[str] | None, str]:
    """Return (command prefix, "") for a working mechanism, or (None, why none works)."""
    if os.geteuid() != 0:
        return None, "tests do not run as root, so they cannot switch to an unprivileged user"
    setpriv = shutil.which("setpriv")
    if not setpriv:
        return None, "setpriv (util-linux) is not installed"
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="petstore-ro-probe-", dir="/tmp"))
    try:
        folder.chmod(0o755)
        target = folder / "owned-by-root"
        target.write_text("x")
        target.chmod(0o644)
        probe = ("import flask, sqlalchemy, gunicorn, sys\n"
                 "try:\n    open(sys.argv[1], 'a').write('y')\nexcept PermissionError:\n    sys.exit(0)\n"
                 "sys.exit(7)\n")
        reasons = []
        for extra in ([], READ_ANYWHERE):
            prefix = [setpriv, *NOBODY, *extra]
            try:
                result = subprocess.run([*prefix, python, "-c", probe, str(target)], capture_output=True,
                                        text=True, timeout=30, env={"PYTHONPATH": pythonpath,
                                                                    "PATH": os.environ.get("PATH", "")},
                                        check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                reasons.append(f"{' '.join(prefix[1:])}: {exc}")
                continue
            if result.returncode == 0:
                return prefix, ""
            reasons.append(f"{' '.join(prefix[1:])}: exit {result.returncode} {result.stderr.strip()[-200:]}")
        return None, "no unprivileged mechanism works here: " + "; ".join(reasons)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
