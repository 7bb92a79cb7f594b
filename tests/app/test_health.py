"""Health: a real database round trip; 503 with a problem document when it fails."""

from __future__ import annotations

import json
import socket

from petstore import create_app

SECRET = "s3cr3t-Pa55word"


def _closed_port() -> int:
    # Bound but never listening: connections to it are refused, nothing else can take it.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    _closed_port.keep = sock  # type: ignore[attr-defined]
    return sock.getsockname()[1]


def test_health_reports_database_kind(client, database_url):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    resp = client.get("/api/v1/health")
    assert resp.status_code == 200
    body = resp.get_json()
    assert body["status"] == "ok" and body["environment"] == "development"
    assert body["database"] == ("sqlite" if database_url.startswith("sqlite") else "postgresql")
    assert body["version"]


def test_health_503_when_postgres_unreachable_and_password_never_logged(capsys):
    """Stand-in: a loopback port that refuses connections, as a PostgreSQL server that is down."""
    url = f"postgresql://petstore:{SECRET}@127.0.0.1:{_closed_port()}/petstore"
    app = create_app({"DATABASE_URL": url, "ENVIRONMENT": "production"})
    resp = app.test_client().get("/api/v1/health")
    assert resp.status_code == 503
    assert resp.content_type == "application/problem+json"
    assert resp.headers["Retry-After"]
    out = capsys.readouterr().out
    assert SECRET not in out and SECRET not in resp.get_data(as_text=True)
    lines = [json.loads(line) for line in out.splitlines()]
    assert any(e["logger"] == "petstore.db" and "refused" in e["message"].lower() for e in lines)
    assert any("petstore:****@127.0.0.1" in e["message"] for e in lines)


def test_health_503_when_schema_missing(tmp_path):
    """Stand-in: SQLite in tmp_path with AUTO_INIT_DB off (nobody ran init-db)."""
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "AUTO_INIT_DB": "false"})
    resp = app.test_client().get("/api/v1/health")
    assert resp.status_code == 503 and "init-db" in resp.get_json()["detail"]


def test_data_dir_holds_the_default_sqlite_file(tmp_path, monkeypatch):
    """Stand-in: SQLite in tmp_path via DATA_DIR (DATABASE_URL unset)."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app({"DATA_DIR": str(tmp_path / "new" / "data")})
    assert app.test_client().get("/api/v1/health").status_code == 200
    assert (tmp_path / "new" / "data" / "petstore.db").is_file()
