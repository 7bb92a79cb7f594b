"""How a `petstore-tui diagnose` process ends: at once after its report when it read files
or stdin (petstore_tui/cli.py `_end_at_once`), as usual with --live. Real processes
(`python -m petstore_tui`), with the two-entry fixture catalog as stand-in for checks/catalog."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from petstore_tui.commands import diagnose

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
IMPORT_ERROR = "ImportError: cannot import name 'url_quote' from 'werkzeug.urls'\n"
# the CLI's own entry, with an atexit handler that says when the interpreter's teardown runs
WITH_TEARDOWN_MARK = (
    "import atexit, runpy, sys\n"
    "atexit.register(lambda: print('teardown ran', file=sys.stderr))\n"
    "sys.argv[0] = 'petstore-tui'\n"
    "runpy.run_module('petstore_tui', run_name='__main__', alter_sys=True)\n"
)


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, PETSTORE_TUI_CATALOG=str(FIXTURES), PETSTORE_TUI_HOME=str(tmp_path / "home"))


def _log(tmp_path: Path, lines: int = 1) -> str:
    path = tmp_path / "app.log"
    path.write_text("".join(f"2026-11-27T10:00:{n % 60:02d}Z worker {n} {IMPORT_ERROR}" for n in range(lines)))
    return str(path)


def test_a_file_scan_ends_after_its_whole_report_without_the_teardown(tmp_path):
    proc = subprocess.run([sys.executable, "-c", WITH_TEARDOWN_MARK, "diagnose", "--json", _log(tmp_path, 300)],
                          cwd=REPO, env=_env(tmp_path), capture_output=True, timeout=120)
    assert proc.returncode == 1, proc.stderr  # an error-severity finding
    document = json.loads(proc.stdout)  # all of it: flushed before the process ended
    assert [f["id"] for f in document["findings"]] == ["fixture-werkzeug-url-quote"]
    assert document["findings"][0]["count"] == 300
    assert b"teardown ran" not in proc.stderr


def test_the_human_report_and_a_clean_exit_status_are_kept(tmp_path):
    quiet = tmp_path / "quiet.log"
    quiet.write_text("GET /api/v1/pets 200\n")
    proc = subprocess.run([sys.executable, "-c", WITH_TEARDOWN_MARK, "diagnose", str(quiet)],
                          cwd=REPO, env=_env(tmp_path), capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.decode().startswith("no known failures found in 1 line from")
    assert proc.stderr == b""


def test_a_reader_that_leaves_at_once_gets_no_traceback(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "petstore_tui", "diagnose", "--json", _log(tmp_path)],
                            cwd=REPO, env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # `| head -0`: every write meets a closed pipe
    try:
        err = proc.stderr.read()
    finally:
        proc.wait(timeout=120)
    assert proc.returncode == 0
    assert err == b""


def test_a_missing_file_still_ends_with_its_message_and_status_2(tmp_path):
    proc = subprocess.run([sys.executable, "-c", WITH_TEARDOWN_MARK, "diagnose", str(tmp_path / "absent.log")],
                          cwd=REPO, env=_env(tmp_path), capture_output=True, timeout=120)
    assert proc.returncode == 2
    assert b"absent.log: no such file" in proc.stderr


def test_only_the_live_scan_keeps_the_teardown():
    assert diagnose.ends_at_once(argparse.Namespace(live=False))
    assert not diagnose.ends_at_once(argparse.Namespace(live=True))
