"""The real image, built from docker/Dockerfile and run: as uid 10001, serving on a read-only root
with its data volume, failing without it in SQLite's own words, waiting for a real PostgreSQL,
and stopping gunicorn within the grace period on SIGTERM.

Stand-ins: the machine's Podman (runc) for a node's runtime, host networking on loopback
ports (the default bridge needs setup this machine kind lacks); the image's base is the
one tests/support/containers.py made ready (pulled, or the debootstrap stand-in when no
registry answers); the real PostgreSQL on 127.0.0.1 (fixture postgres_url).
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
import uuid
from contextlib import contextmanager

import pytest

from petstore_tui.services.ports import free_port

pytestmark = pytest.mark.slow
DATA = "/app/data"


@contextmanager
def running(engine, image: str, *, env: dict[str, str] | None = None, read_only: bool = True,
            data_volume: bool = True, command: list[str] | None = None):
    """A detached container of `image` on a loopback port, removed afterwards. Like the
    Deployment: read-only root, a writable /tmp, a data folder the app user owns (as
    fsGroup makes an emptyDir) unless told not."""
    name = f"petstore-test-{uuid.uuid4().hex[:8]}"
    port = free_port()
    envs = {"PORT": str(port), "GUNICORN_BIND": f"127.0.0.1:{port}", **(env or {})}
    tmpfs = ["/tmp"] + ([f"{DATA}:rw,U"] if data_volume else [])
    engine.call("run", lambda c: c.container.run(
        image, command or [], detach=True, name=name, networks=["host"], envs=envs,
        read_only=read_only, tmpfs=tmpfs), timeout=120)
    try:
        yield name, f"http://127.0.0.1:{port}"
    finally:
        engine.call("rm", lambda c: c.container.remove(name, force=True), timeout=60)


def _get(url: str, timeout: float = 3.0) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, {}


def _wait_healthy(engine, name: str, url: str, timeout: float = 60.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, body = _get(url + "/api/v1/health")
            if status == 200:
                return body
        except OSError:
            pass
        state = engine.call("inspect", lambda c: c.container.inspect(name).state)
        if state.status != "running":
            pytest.fail(f"{name} {state.status} (exit {state.exit_code}): {_logs(engine, name)}")
        time.sleep(0.3)
    pytest.fail(f"{url} never answered: {_logs(engine, name)}")


def _logs(engine, name: str) -> str:
    from petstore_tui.services.kube_play import recent_lines

    return "\n".join(recent_lines(engine, name, 1000))


def _wait_exited(engine, name: str, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = engine.call("inspect", lambda c: c.container.inspect(name).state)
        if state.status in ("exited", "stopped"):
            return state
        time.sleep(0.3)
    pytest.fail(f"{name} did not exit: {_logs(engine, name)}")


def test_runs_as_uid_10001(podman_engine, app_image):
    out = podman_engine.call("run", lambda c: c.container.run(
        app_image, ["id"], entrypoint="", remove=True, networks=["host"]), timeout=120)
    assert out.strip().startswith("uid=10001(petstore) gid=10001(petstore)"), out


def test_read_only_root_with_the_data_volume_serves_and_writes(podman_engine, app_image):
    """The Deployment's shape: read-only root filesystem, emptyDir-like volumes at /tmp
    and /app/data; health answers and a write lands in SQLite."""
    with running(podman_engine, app_image) as (name, url):
        body = _wait_healthy(podman_engine, name, url)
        assert body["status"] == "ok" and body["database"] == "sqlite"
        request = urllib.request.Request(f"{url}/api/v1/pets", method="POST",
                                         data=json.dumps({"name": "Rex", "species": "dog"}).encode(),
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            assert response.status == 201
        assert podman_engine.call("inspect", lambda c: c.container.inspect(name).config.user) == "10001:10001"


def test_read_only_root_without_the_data_volume_fails_in_sqlites_words(podman_engine, app_image):
    """No writable volume at /app/data: SQLite cannot create its file on the read-only
    root, the container says so and exits; the engine names the catalog entry."""
    from checks.engine import load_default_engine

    with running(podman_engine, app_image, data_volume=False) as (name, _url):
        state = _wait_exited(podman_engine, name)
        assert state.exit_code != 0
        logs = _logs(podman_engine, name)
    assert "init-db: cannot set up the database at sqlite:////app/data/petstore.db: unable to open database file" in logs
    engine = load_default_engine(acks=False)
    for line in logs.splitlines():
        engine.feed(line, source="app", resource=f"pod/{name}")
    engine.flush()
    assert "sqlite-unable-to-open-database" in {f.failure_id for f in engine.findings()}


def test_entrypoint_waits_for_the_real_postgresql(podman_engine, app_image, fresh_database):
    """DATABASE_URL at the machine's PostgreSQL on loopback: the entrypoint waits for it,
    the schema is made, the app reports PostgreSQL; the password is never printed."""
    from urllib.parse import urlsplit

    url_parts = urlsplit(fresh_database)
    with running(podman_engine, app_image, env={"DATABASE_URL": fresh_database, "DB_WAIT_TIMEOUT": "30"}) \
            as (name, url):
        body = _wait_healthy(podman_engine, name, url)
        logs = _logs(podman_engine, name)
    assert body["database"] == "postgresql", body
    assert f"waiting up to 30s for PostgreSQL at {url_parts.hostname}:{url_parts.port}" in logs
    assert f"PostgreSQL at {url_parts.hostname}:{url_parts.port} answers" in logs
    assert url_parts.password not in logs


def test_entrypoint_gives_up_on_a_database_that_never_answers(podman_engine, app_image):
    closed = free_port()
    secret = "n0t-a-real-but-secret-pw"
    env = {"DATABASE_URL": f"postgresql+psycopg://petstore:{secret}@127.0.0.1:{closed}/petstore",
           "DB_WAIT_TIMEOUT": "2"}
    with running(podman_engine, app_image, env=env) as (name, _url):
        state = _wait_exited(podman_engine, name)
        logs = _logs(podman_engine, name)
    assert state.exit_code == 1
    assert f"PostgreSQL at 127.0.0.1:{closed} did not answer within 2s" in logs
    assert secret not in logs


def test_sigterm_stops_gunicorn_within_the_grace_period(podman_engine, app_image):
    """`podman stop` sends SIGTERM and waits 30 s (terminationGracePeriodSeconds) before
    SIGKILL: gunicorn, exec'd by the entrypoint as PID 1, exits cleanly well before."""
    with running(podman_engine, app_image) as (name, url):
        _wait_healthy(podman_engine, name, url)
        started = time.monotonic()
        podman_engine.call("stop", lambda c: c.container.stop(name, time=30), timeout=60)
        took = time.monotonic() - started
        state = podman_engine.call("inspect", lambda c: c.container.inspect(name).state)
        logs = _logs(podman_engine, name)
    assert took < 25, f"stopping took {took:.1f}s"
    assert state.exit_code == 0, logs  # 137 would mean SIGKILL after the grace period
    assert "Shutting down" in logs or "Handling signal: term" in logs
