"""The Pet Store run locally under gunicorn (dev configuration) for the sandbox, recorded in sandbox_state."""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from petstore_core import process, sandbox_state, settings
from petstore_core.redact import redact
from petstore_tui.services.ports import free_port

HEALTH_PATH = "/api/v1/health"
INIT_TIMEOUT = 60.0
HEALTH_TIMEOUT = 45.0


class LocalAppError(RuntimeError):
    """The local app could not start or does not answer its health check."""


def folder() -> Path:
    path = settings.state_dir() / "sandbox" / "app"
    path.mkdir(parents=True, exist_ok=True)
    return path


def app_env(port: int) -> dict[str, str]:
    env = dict(os.environ)
    data = folder() / "data"
    data.mkdir(parents=True, exist_ok=True)
    env.update({
        "PORT": str(port),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "DATA_DIR": str(data),
        "ENVIRONMENT": "development",
        "LOG_LEVEL": env.get("LOG_LEVEL", "info"),
        "PYTHONUNBUFFERED": "1",
    })
    env.pop("DATABASE_URL", None)  # the dev configuration: SQLite in DATA_DIR
    return env


def health(url: str, timeout: float = 3.0) -> tuple[bool, str]:
    try:
        with urllib.request.urlopen(url + HEALTH_PATH, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status == 200, f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return False, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return False, str(getattr(exc, "reason", exc))


def running() -> str | None:
    """The URL of the local app when it is recorded, alive and healthy."""
    state = sandbox_state.read()
    if state and state.app_url and sandbox_state.pid_alive(state.app_pid) and health(state.app_url)[0]:
        return state.app_url
    return None


def start(project: Path, on_line=None) -> str:
    """Start (or find running) the app; returns its URL once /api/v1/health answers 200."""
    state = sandbox_state.read()
    if state is None:
        raise LocalAppError("sandbox not running: petstore-tui sandbox start")
    url = running()
    if url:
        return url
    if state.app_pid:
        process.stop_pid(state.app_pid, grace=3)
    app_dir = project / "petstore-app"
    if not (app_dir / "petstore").is_dir():
        raise LocalAppError(f"no Pet Store app at {app_dir}")
    port = free_port()
    env = app_env(port)
    init = process.run([sys.executable, "-m", "petstore", "init-db"], timeout=INIT_TIMEOUT,
                       cwd=app_dir, env=env)
    for text in (init.stdout + "\n" + init.stderr).splitlines():
        if text.strip() and on_line is not None:
            on_line(text)
    if not init.ok:
        raise LocalAppError("python -m petstore init-db failed"
                            + (" (timed out)" if init.timed_out else f" (exit {init.returncode})"))
    log = folder() / "gunicorn.log"
    pid = process.spawn_detached(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "petstore.wsgi:app"],
        log_path=log, cwd=app_dir, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + HEALTH_TIMEOUT
    why = "no answer"
    while time.monotonic() < deadline:
        ok, why = health(url)
        if ok:
            state = sandbox_state.read() or state
            state.app_url, state.app_pid = url, pid
            sandbox_state.write(state)
            return url
        if not sandbox_state.pid_alive(pid) or process.exited(pid):
            break
        time.sleep(0.3)
    process.stop_pid(pid, grace=3)

    try:
        tail = " | ".join(log.read_text(errors="replace").strip().splitlines()[-3:])
    except OSError:
        tail = ""
    raise LocalAppError(redact(f"the local app did not become healthy ({why})"
                               + (f": {tail}" if tail else f"; log: {log}"))[:600])


def log_file() -> Path:
    return folder() / "gunicorn.log"


def stop() -> str:
    """Stop the local app if it runs; one line saying what happened."""
    state = sandbox_state.read()
    if state is None or not state.app_pid:
        return "the local app was not running"
    pid = state.app_pid
    gone = process.stop_pid(pid, grace=10)
    state.app_pid, state.app_url = None, None
    sandbox_state.write(state)
    return f"local app (pid {pid}) stopped" if gone else f"local app (pid {pid}) did not stop"
