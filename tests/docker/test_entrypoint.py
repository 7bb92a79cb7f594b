"""docker/entrypoint.sh, run for real on this machine (no container engine here): with SQLite
it initialises the schema and execs the command (gunicorn answers its health check and
stops cleanly on SIGTERM); with the real PostgreSQL it waits, initialises and execs; with a
PostgreSQL address that never answers it gives up after DB_WAIT_TIMEOUT with a message
naming host:port and never the password.

Stand-ins: the app in petstore-app/ with this venv's Python on PATH; the machine's real
PostgreSQL (fixture postgres_url); a loopback socket that listens but never accepts, and
one bound but not listening, for a database that never answers; a fake `petstore` package
in tmp_path where a test must control what init-db does.
"""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from petstore_core import process

REPO = Path(__file__).resolve().parents[2]
ENTRYPOINT = REPO / "docker" / "entrypoint.sh"
APP_DIR = REPO / "petstore-app"
SECRET = "n0t-a-real-but-secret-pw"


def base_env(**extra: str) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "GUNICORN_BIND", "PORT")
    }
    # `python` on PATH must be the one with the app's dependencies: this venv's.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def need_app() -> None:
    if not (APP_DIR / "petstore" / "__main__.py").exists():
        pytest.skip("the app is not in petstore-app/petstore yet (python -m petstore init-db)")
    for module in ("flask", "sqlalchemy", "gunicorn"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(
                f"{module} is not installed (pip install --require-hashes -r petstore-app/requirements.lock)"
            )


def entrypoint(*command: str, env: dict[str, str], timeout: float = 120) -> process.Completed:
    result = process.run([str(ENTRYPOINT), *command], timeout=timeout, env=env)
    assert not result.timed_out, f"the entrypoint did not finish within {timeout}s"
    return result


@pytest.fixture
def fake_app(tmp_path) -> Path:
    """A fake `petstore` package whose init-db records that it ran and exits with
    $FAKE_INIT_EXIT (default 0)."""
    package = tmp_path / "fake-app" / "petstore"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(
        "import os, pathlib, sys\n"
        "pathlib.Path(os.environ['FAKE_INIT_MARK']).write_text(' '.join(sys.argv[1:]))\n"
        "sys.exit(int(os.environ.get('FAKE_INIT_EXIT', '0')))\n"
    )
    return package.parent


# --- database that never answers ------------------------------------------------------------


@pytest.fixture
def listening_never_accepting() -> Iterator[int]:
    """A loopback port whose socket listens but never accepts: TCP connects, nothing answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        yield sock.getsockname()[1]


@pytest.fixture
def refusing() -> Iterator[int]:
    """A loopback port held by a bound socket that does not listen: connections are refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.mark.parametrize("server", ["listening_never_accepting", "refusing"])
def test_unreachable_postgresql_fails_after_the_bounded_wait(request, server, fake_app, tmp_path):
    """Stand-ins: a loopback socket that never answers (see the fixture); the fake app."""
    port = request.getfixturevalue(server)
    mark = tmp_path / "init-ran"
    env = base_env(
        APP_DIR=str(fake_app),
        DATABASE_URL=f"postgresql+psycopg://petstore:{SECRET}@127.0.0.1:{port}/petstore",
        DB_WAIT_TIMEOUT="3",
        FAKE_INIT_MARK=str(mark),
    )
    result = entrypoint("python", "-c", "print('command-ran')", env=env, timeout=30)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    assert f"PostgreSQL at 127.0.0.1:{port} did not answer within 3s" in result.stderr
    assert "DB_WAIT_TIMEOUT" in result.stderr
    assert SECRET not in output
    assert not mark.exists(), "init-db ran although the database never answered"
    assert "command-ran" not in output


def test_postgresql_probe_names_ipv6_and_default_port(fake_app, tmp_path):
    """Stand-in: an IPv6 loopback address nothing listens on; the fake app."""
    if not socket.has_ipv6:
        pytest.skip("no IPv6 on this machine")
    env = base_env(
        APP_DIR=str(fake_app),
        DATABASE_URL=f"postgres://petstore:{SECRET}@[::1]/petstore",
        DB_WAIT_TIMEOUT="1",
        FAKE_INIT_MARK=str(tmp_path / "mark"),
    )
    # Port 5432 on ::1 may be a real PostgreSQL: either way the message names [::1]:5432.
    result = entrypoint("true", env=env, timeout=30)
    assert "PostgreSQL at [::1]:5432" in result.stderr
    assert SECRET not in result.stdout + result.stderr


# --- the shell script's own checks, with the fake app --------------------------------------


def test_init_db_failure_stops_before_the_command(fake_app, tmp_path):
    """Stand-in: the fake app, its init-db exiting 3."""
    mark = tmp_path / "init-ran"
    env = base_env(APP_DIR=str(fake_app), FAKE_INIT_MARK=str(mark), FAKE_INIT_EXIT="3")
    result = entrypoint("python", "-c", "print('command-ran')", env=env)
    assert result.returncode == 3
    assert mark.read_text() == "init-db"
    assert "init-db' exited with 3" in result.stderr
    assert "command-ran" not in result.stdout


def test_command_is_execed_with_its_arguments_and_exit_status(fake_app, tmp_path):
    """Stand-in: the fake app (init-db succeeds)."""
    env = base_env(APP_DIR=str(fake_app), FAKE_INIT_MARK=str(tmp_path / "mark"))
    script = "import os, sys; print(os.getcwd()); print(sys.argv[1:]); sys.exit(7)"
    result = entrypoint("python", "-c", script, "a b", "c", env=env)
    assert result.returncode == 7
    cwd, argv = result.stdout.splitlines()[-2:]
    assert Path(cwd).resolve() == fake_app.resolve()  # runs from APP_DIR
    assert argv == "['a b', 'c']"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"DB_WAIT_TIMEOUT": "soon"}, "DB_WAIT_TIMEOUT must be a whole number of seconds"),
        (
            {"APP_DIR": "/nonexistent/petstore-app"},
            "APP_DIR '/nonexistent/petstore-app' is not a folder",
        ),
    ],
)
def test_bad_settings_exit_with_a_clear_message(fake_app, tmp_path, extra, message):
    """Stand-in: the fake app (never reached)."""
    mark = tmp_path / "mark"
    env = base_env(**{"APP_DIR": str(fake_app), "FAKE_INIT_MARK": str(mark), **extra})
    result = entrypoint("true", env=env)
    assert result.returncode == 2
    assert message in result.stderr
    assert not mark.exists()


# --- the real app -----------------------------------------------------------------------


def test_sqlite_init_db_is_idempotent_and_execs_the_command(tmp_path):
    """Stand-in: none; the real app with SQLite in a tmp DATA_DIR."""
    need_app()
    data = tmp_path / "data"
    data.mkdir()
    env = base_env(APP_DIR=str(APP_DIR), DATA_DIR=str(data))
    for _ in range(2):
        result = entrypoint("python", "-c", "print('command-ran')", env=env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().endswith("command-ran")
    assert (data / "petstore.db").exists()


def _read_into(stream, sink: list[str]) -> None:
    for raw in iter(stream.readline, b""):
        sink.append(raw.decode("utf-8", "replace"))


def test_sqlite_gunicorn_serves_health_and_stops_on_sigterm(tmp_path):
    """Stand-in: none; the real app under the real gunicorn (2 workers, port 0 on loopback),
    SQLite in a tmp DATA_DIR."""
    need_app()
    data = tmp_path / "data"
    data.mkdir()
    env = base_env(
        APP_DIR=str(APP_DIR),
        DATA_DIR=str(data),
        GUNICORN_BIND="127.0.0.1:0",
        GUNICORN_WORKERS="2",
    )
    # Popen, not process.run: the server must keep running while we probe it. Every wait
    # below is bounded, and the finally block kills whatever is left.
    proc = subprocess.Popen(  # noqa: S603 - argument list, no shell
        [str(ENTRYPOINT), "gunicorn", "-c", "gunicorn.conf.py", "petstore.wsgi:app"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    lines: list[str] = []
    reader = threading.Thread(target=_read_into, args=(proc.stdout, lines), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 90
        port = None
        while port is None and time.monotonic() < deadline and proc.poll() is None:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", "".join(lines))
            port = int(found.group(1)) if found else None
            time.sleep(0.2)
        assert port, f"gunicorn never listened:\n{''.join(lines)[-3000:]}"

        # exec: the entrypoint's own process is now gunicorn's master.
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")
        assert any(b"gunicorn" in part for part in cmdline), cmdline

        status = None
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/api/v1/health", timeout=5
                ) as response:
                    status = response.status
                    break
            except OSError:
                time.sleep(0.3)
        assert status == 200, f"health never answered 200:\n{''.join(lines)[-3000:]}"
        assert (data / "petstore.db").exists()

        proc.send_signal(signal.SIGTERM)
        # A graceful gunicorn shutdown exits 0; a shell left in between would die of the signal.
        assert proc.wait(timeout=60) == 0, "".join(lines)[-3000:]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        reader.join(timeout=10)


def test_real_postgresql_waits_initialises_and_execs(fresh_database):
    """Stand-in: none; the machine's real PostgreSQL (fixture postgres_url, a throwaway
    database on it) and the real app."""
    need_app()
    import psycopg

    url = urlsplit(fresh_database)
    env = base_env(APP_DIR=str(APP_DIR), DATABASE_URL=fresh_database, DB_WAIT_TIMEOUT="20")
    for _ in range(2):  # the second run finds the schema in place
        result = entrypoint("python", "-c", "print('command-ran')", env=env)
        assert result.returncode == 0, result.stderr
        assert f"PostgreSQL at {url.hostname}:{url.port or 5432} answers" in result.stderr
        assert result.stdout.strip().endswith("command-ran")
        if url.password:
            assert url.password not in result.stdout + result.stderr

    dsn = fresh_database.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(dsn, connect_timeout=10) as conn:
        tables = {
            row[0]
            for row in conn.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            )
        }
    assert {"schema_version", "pets", "orders"} <= tables
