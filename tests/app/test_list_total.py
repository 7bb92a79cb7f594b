"""The list's total follows every write, from this process or another connection."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime


def test_total_follows_writes(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    for i in range(3):
        client.post("/api/v1/pets", json={"name": f"p{i}", "species": "cat"})
    assert client.get("/api/v1/pets").get_json()["total"] == 3
    assert client.get("/api/v1/pets?status=available").get_json()["total"] == 3
    created = client.post("/api/v1/pets", json={"name": "p3", "species": "dog"}).get_json()
    assert client.get("/api/v1/pets").get_json()["total"] == 4
    assert client.get("/api/v1/pets?species=dog").get_json()["total"] == 1
    client.put(f"/api/v1/pets/{created['id']}", json={"name": "p3", "species": "dog", "status": "sold"})
    assert client.get("/api/v1/pets?status=available").get_json()["total"] == 3
    assert client.get("/api/v1/pets?status=sold").get_json()["total"] == 1
    assert client.delete(f"/api/v1/pets/{created['id']}").status_code == 204
    assert client.get("/api/v1/pets").get_json()["total"] == 3
    assert client.get("/api/v1/pets?status=sold").get_json()["total"] == 0


def test_total_sees_another_connections_commit(tmp_path):
    """Stand-in: SQLite in tmp_path, written by a plain sqlite3 connection (as another
    gunicorn worker would) between two list requests."""
    from petstore import create_app

    path = tmp_path / "p.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "LOG_LEVEL": "WARNING"})
    client = app.test_client()
    client.post("/api/v1/pets", json={"name": "a", "species": "cat"})
    assert client.get("/api/v1/pets?status=available").get_json()["total"] == 1
    assert client.get("/api/v1/pets?status=available").get_json()["total"] == 1
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    other = sqlite3.connect(path, timeout=15)
    with other:
        other.execute("INSERT INTO pets (name, species, status, created_at, updated_at) "
                      "VALUES ('b', 'cat', 'available', ?, ?)", (stamp, stamp))
    other.close()
    page = client.get("/api/v1/pets?status=available").get_json()
    assert page["total"] == 2 and [p["name"] for p in page["items"]] == ["a", "b"]
    app.extensions["petstore"].engine.dispose()
