"""`python -m petstore init-db | check-db`: idempotent set-up, clear failures, no password."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from petstore.__main__ import main

APP_DIR = Path(__file__).resolve().parents[2] / "petstore-app"
SECRET = "cli-Secret-99"


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    full = {**os.environ, **env, "PYTHONPATH": str(APP_DIR)}
    return subprocess.run([sys.executable, "-m", "petstore", *args], env=full, capture_output=True,
                          text=True, timeout=60, check=False)


def test_init_db_twice_then_check_db(database_url):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised); a
    real `python -m petstore` subprocess."""
    env = {"DATABASE_URL": database_url}
    first = _run(env, "init-db")
    assert first.returncode == 0, first.stderr
    second = _run(env, "init-db")
    assert second.returncode == 0 and "already at version" in second.stdout
    check = _run(env, "check-db")
    assert check.returncode == 0 and check.stdout.startswith("check-db: ok")
    if "@" in database_url:
        password = database_url.split(":")[2].split("@")[0]
        assert password not in first.stdout + second.stdout + check.stdout


def test_unreachable_database_exits_1_without_password(monkeypatch, capsys):
    """Stand-in: a loopback port bound but not listening, as a PostgreSQL server that is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        monkeypatch.setenv("DATABASE_URL", f"postgresql://petstore:{SECRET}@127.0.0.1:{port}/db")
        assert main(["init-db"]) == 1
        assert main(["check-db"]) == 1
    out = capsys.readouterr()
    assert "cannot set up the database" in out.err and "no round trip" in out.err
    assert SECRET not in out.out + out.err and "petstore:****@" in out.err
    assert "Traceback" not in out.err


def test_bad_database_url_is_a_clear_error(monkeypatch, capsys):
    """Stand-in: none (configuration only)."""
    monkeypatch.setenv("DATABASE_URL", "mysql://u:pw-Secret-1@h/db")
    assert main(["check-db"]) == 1
    err = capsys.readouterr().err
    assert "configuration error" in err and "pw-Secret-1" not in err


def test_check_db_fails_on_missing_schema(tmp_path, monkeypatch, capsys):
    """Stand-in: an empty SQLite file in tmp_path."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    assert main(["check-db"]) == 1
    assert main(["init-db"]) == 0
    assert main(["check-db"]) == 0
    assert "schema migrated from version 0 to 1" in capsys.readouterr().out
