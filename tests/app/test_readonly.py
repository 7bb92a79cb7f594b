"""The container failure, for real: the app as a non-root user over a root-owned SQLite."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from petstore import create_app

from .gunicorn_proc import APP_DIR, GunicornProcess, request_full
from .unprivileged import find_prefix


@pytest.fixture(scope="module")
def as_nobody() -> list[str]:
    prefix, why = find_prefix(pythonpath=str(APP_DIR))
    if prefix is None:
        pytest.skip(why)
    return prefix


@pytest.fixture
def root_owned_dir():
    """A root-owned 0755 folder under /tmp (pytest's tmp_path is 0700, which nobody could
    not even enter): the shape of /app/data when the image forgot its chown."""
    folder = Path(tempfile.mkdtemp(prefix="petstore-ro-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _run_write_as_nobody(prefix, folder: Path, log: Path) -> tuple[int, str, dict, list[dict]]:
    rid = f"ro-{uuid.uuid4().hex[:12]}"
    with GunicornProcess(log, {"DATA_DIR": str(folder), "LOG_LEVEL": "INFO"}, workers=1,
                         prefix=prefix) as proc:
        proc.wait_ready()
        status, ctype, body = request_full(proc.base, "POST", "/api/v1/pets",
                                           {"name": "Rex", "species": "dog"}, headers={"X-Request-ID": rid})
        health, _, _ = request_full(proc.base, "GET", "/api/v1/health")
        proc.stop()
        entries = proc.log_entries()
    assert health in (200, 503)
    return status, ctype, body, [e for e in entries if e.get("request_id") == rid]


def test_readonly_sqlite_file_answers_503_and_logs_sqlite_message(as_nobody, root_owned_dir, tmp_path):
    """Stand-in: real gunicorn run through `setpriv` as uid 65534 over a root-owned 0644
    SQLite file (made by init-db as root) in a root-owned 0755 folder."""
    app = create_app({"DATABASE_URL": f"sqlite:///{root_owned_dir / 'petstore.db'}"})
    app.extensions["petstore"].engine.dispose()
    db = root_owned_dir / "petstore.db"
    assert db.is_file()
    db.chmod(0o644)

    status, ctype, body, lines = _run_write_as_nobody(as_nobody, root_owned_dir, tmp_path / "g.log")
    assert status == 503 and ctype == "application/problem+json"
    assert body["status"] == 503 and "read-only" in body["detail"]
    messages = [e["message"] for e in lines if e.get("logger") == "petstore.db"]
    assert any("attempt to write a readonly database" in m for m in messages), lines


def test_unwritable_empty_data_dir_answers_503_and_logs_sqlite_message(as_nobody, root_owned_dir, tmp_path):
    """Stand-in: real gunicorn run through `setpriv` as uid 65534 with DATA_DIR a root-owned
    0755 folder and no database yet (the file cannot even be created)."""
    status, ctype, body, lines = _run_write_as_nobody(as_nobody, root_owned_dir, tmp_path / "g.log")
    assert status == 503 and ctype == "application/problem+json"
    messages = [e["message"] for e in lines if e.get("logger") == "petstore.db"]
    assert any("unable to open database file" in m for m in messages), lines
    assert not (root_owned_dir / "petstore.db").exists()
