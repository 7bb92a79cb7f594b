"""Problem documents, request ids, CORS and JSON log lines, through the Flask test client."""

from __future__ import annotations

import json

import pytest

PROBLEM = "application/problem+json"


def _log_lines(captured: str) -> list[dict]:
    return [json.loads(line) for line in captured.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("get", "/api/v1/nowhere", {}, 404),
        ("get", "/api/v1/pets/12345", {}, 404),
        ("patch", "/api/v1/pets/1", {"json": {}}, 405),
        ("post", "/api/v1/health", {}, 405),
        ("post", "/api/v1/pets", {"data": "{not json", "content_type": "application/json"}, 400),
        ("post", "/api/v1/pets", {"data": "name=Rex", "content_type": "application/x-www-form-urlencoded"}, 415),
        ("post", "/api/v1/pets", {"data": "x" * 70_000, "content_type": "application/json"}, 413),
        ("post", "/api/v1/pets", {"json": {"species": "dog"}}, 422),
    ],
)
def test_errors_are_problem_documents(client, method, path, kwargs, status):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    resp = getattr(client, method)(path, **kwargs)
    assert resp.status_code == status
    assert resp.content_type == PROBLEM
    body = resp.get_json(force=True)
    assert body["status"] == status and body["title"] and body["detail"]
    assert "<html" not in resp.get_data(as_text=True).lower()
    assert "Traceback" not in resp.get_data(as_text=True)
    if status == 405:
        assert "GET" in resp.headers["Allow"]


def test_request_id_is_honoured_or_made(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    resp = client.get("/api/v1/health", headers={"X-Request-ID": "abc-123"})
    assert resp.headers["X-Request-ID"] == "abc-123"
    made = client.get("/api/v1/health", headers={"X-Request-ID": "bad id with spaces; and more"})
    assert made.headers["X-Request-ID"] != "abc-123" and len(made.headers["X-Request-ID"]) == 32


def test_cors_only_for_configured_origins(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised);
    the app fixture sets CORS_ORIGINS=https://shop.example."""
    ok = client.get("/api/v1/pets", headers={"Origin": "https://shop.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "Origin" in ok.headers["Vary"]
    other = client.get("/api/v1/pets", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    pre = client.options("/api/v1/pets", headers={"Origin": "https://shop.example",
                                                  "Access-Control-Request-Method": "POST"})
    assert "POST" in pre.headers["Access-Control-Allow-Methods"]


def test_no_cors_headers_when_origins_empty(tmp_path):
    """Stand-in: SQLite in tmp_path."""
    from petstore import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "CORS_ORIGINS": ""})
    resp = app.test_client().get("/api/v1/pets", headers={"Origin": "https://shop.example"})
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_access_log_is_one_json_object_per_line(client, capsys):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    capsys.readouterr()
    client.get("/api/v1/pets/777", headers={"X-Request-ID": "req-777"})
    lines = _log_lines(capsys.readouterr().out)
    access = [entry for entry in lines if entry["logger"] == "petstore.access"]
    assert len(access) == 1
    entry = access[0]
    assert entry["request_id"] == "req-777" and entry["method"] == "GET"
    assert entry["path"] == "/api/v1/pets/777" and entry["status"] == 404
    assert isinstance(entry["duration_ms"], float) and entry["level"] == "INFO"


def test_log_level_warning_silences_access_lines(tmp_path, capsys):
    """Stand-in: SQLite in tmp_path."""
    from petstore import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "LOG_LEVEL": "WARNING"})
    capsys.readouterr()
    app.test_client().get("/api/v1/pets")
    assert capsys.readouterr().out == ""
    create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "LOG_LEVEL": "INFO"})


def test_made_request_ids_are_random_and_never_repeat_across_threads_or_forks():
    """Ids are read from os.urandom in batches: every id is 32 hex digits, none repeats
    within a process, across threads, or between a parent and the child it forks after
    filling its batch (gunicorn's preload_app). Stand-in: os.fork of this test process."""
    import os
    import threading

    from petstore.middleware import fresh_request_id

    seen = [fresh_request_id() for _ in range(600)]  # more than one batch
    others: list[str] = []
    threads = [threading.Thread(target=lambda: others.extend(fresh_request_id() for _ in range(300)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: its next ids, then out at once
        try:
            os.write(write, "".join(fresh_request_id() for _ in range(10)).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        text = pipe.read().decode()
    os.waitpid(pid, 0)
    child = [text[i:i + 32] for i in range(0, len(text), 32)]
    parent_next = [fresh_request_id() for _ in range(10)]
    every = seen + others + child + parent_next
    assert len(child) == 10 and all(len(r) == 32 and int(r, 16) >= 0 for r in every)
    assert len(set(every)) == len(every)
