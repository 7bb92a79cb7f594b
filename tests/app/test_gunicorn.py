"""Concurrency through real gunicorn (3 workers) on loopback, against SQLite and PostgreSQL."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from .gunicorn_proc import GunicornProcess, request

SECRET_FREE = "petstore-test"  # the test role's password: must never reach the log


@pytest.fixture
def server(database_url, tmp_path):
    """Stand-in: real gunicorn, 3 workers, on 127.0.0.1:<free port>, over SQLite in tmp_path
    or the real PostgreSQL on 127.0.0.1:5432 (parametrised by database_url)."""
    env = {"DATABASE_URL": database_url, "LOG_LEVEL": "INFO"}
    with GunicornProcess(tmp_path / "gunicorn.log", env) as proc:
        proc.wait_ready()
        yield proc


def test_twenty_parallel_orders_for_one_pet_give_one_201(server):
    """Stand-in: the `server` fixture (gunicorn over SQLite / PostgreSQL)."""
    status, pet = request(server.base, "POST", "/api/v1/pets", {"name": "Solo", "species": "dog"})
    assert status == 201
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(
            lambda _: request(server.base, "POST", "/api/v1/store/orders", {"pet_id": pet["id"]}),
            range(20)))
    statuses = sorted(status for status, _ in results)
    assert statuses == [201] + [409] * 19
    _, inventory = request(server.base, "GET", "/api/v1/store/inventory")
    assert inventory["pending"] == 1


def test_two_hundred_parallel_creates_lose_nothing(server):
    """Stand-in: the `server` fixture (gunicorn over SQLite / PostgreSQL)."""
    with ThreadPoolExecutor(max_workers=32) as pool:
        results = list(pool.map(
            lambda i: request(server.base, "POST", "/api/v1/pets", {"name": f"pet-{i}", "species": "fish"}),
            range(200)))
    assert [s for s, _ in results].count(201) == 200
    ids = {body["id"] for _, body in results}
    assert len(ids) == 200
    _, page = request(server.base, "GET", "/api/v1/pets?species=fish&limit=1")
    assert page["total"] == 200


def test_gunicorn_logs_are_json_with_request_ids_and_no_password(server):
    """Stand-in: the `server` fixture (gunicorn over SQLite / PostgreSQL)."""
    request(server.base, "GET", "/api/v1/health")
    request(server.base, "GET", "/api/v1/pets/999999")
    server.stop()
    entries = server.log_entries()
    assert all("unparsed" not in e for e in entries), [e for e in entries if "unparsed" in e][:3]
    access = [e for e in entries if e.get("logger") == "petstore.access"]
    assert {e["status"] for e in access} >= {200, 404}
    assert all(e["request_id"] and e["method"] and "duration_ms" in e for e in access)
    assert any(e.get("logger", "").startswith("gunicorn") for e in entries)
    assert SECRET_FREE not in server.log_text()
    # Three workers ran the schema set-up at once on a fresh database: no errors from that.
    assert [e for e in entries if e.get("level") in ("ERROR", "CRITICAL")] == []
