"""Settings and database URLs: no stand-in needed (pure functions)."""

from __future__ import annotations

import pytest
from petstore.config import ConfigError, load_settings
from petstore.db import normalise_url
from petstore.redact import mask, register_secret


def test_postgres_urls_use_psycopg3():
    """Stand-in: none (string handling)."""
    for url in ("postgres://u:p@h/db", "postgresql://u:p@h/db", "postgresql+psycopg://u:p@h/db"):
        assert normalise_url(url) == "postgresql+psycopg://u:p@h/db"
    with pytest.raises(ConfigError, match="not supported"):
        normalise_url("postgresql+psycopg2://u:p@h/db")
    with pytest.raises(ConfigError, match="not a database URL"):
        normalise_url("not a url")


def test_settings_from_env_and_overrides(monkeypatch):
    """Stand-in: none (monkeypatched environment)."""
    monkeypatch.setenv("API_VERSION", "v2")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example/")
    monkeypatch.setenv("PAGINATION_LIMIT", "50")
    s = load_settings({"environment": "production"})
    assert s.api_prefix == "/api/v2" and s.pagination_limit == 50 and s.environment == "production"
    assert s.cors_origins == ("https://a.example", "https://b.example")
    with pytest.raises(ConfigError, match="PAGINATION_LIMIT"):
        load_settings({"PAGINATION_LIMIT": "lots"})
    with pytest.raises(ConfigError, match="LOG_LEVEL"):
        load_settings({"LOG_LEVEL": "loud"})


def test_mask_hides_url_and_registered_passwords():
    """Stand-in: none (string handling)."""
    assert mask("postgresql+psycopg://app:hunter22@db:5432/x") == "postgresql+psycopg://app:****@db:5432/x"
    assert mask("password=hunter22 host=db") == "password=**** host=db"
    register_secret("Zq9-unique-secret")
    assert "Zq9-unique-secret" not in mask("failed for Zq9-unique-secret")


def test_api_version_moves_every_route(tmp_path):
    """Stand-in: SQLite in tmp_path."""
    from petstore import create_app

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "API_VERSION": "v2"})
    client = app.test_client()
    assert client.get("/api/v2/health").status_code == 200
    assert client.get("/api/v1/health").status_code == 404
    assert "/api/v2/pets" in client.get("/api/v2/openapi.json").get_json()["paths"]


def test_gunicorn_config_defaults_and_overrides(monkeypatch):
    """Stand-in: none (executes petstore-app/gunicorn.conf.py as gunicorn would)."""
    import runpy
    from pathlib import Path

    conf = Path(__file__).resolve().parents[2] / "petstore-app" / "gunicorn.conf.py"
    for name in ("GUNICORN_WORKERS", "GUNICORN_BIND", "PORT"):
        monkeypatch.delenv(name, raising=False)
    values = runpy.run_path(str(conf))
    assert values["workers"] == 3 and values["bind"] == ["0.0.0.0:8080"]
    assert values["graceful_timeout"] > 0 and values["control_socket_disable"] is True
    monkeypatch.setenv("PORT", "9000")
    assert runpy.run_path(str(conf))["bind"] == ["0.0.0.0:9000"]
    monkeypatch.setenv("GUNICORN_BIND", "127.0.0.1:0")
    monkeypatch.setenv("GUNICORN_WORKERS", "1")
    values = runpy.run_path(str(conf))
    assert values["bind"] == ["127.0.0.1:0"] and values["workers"] == 1


def test_bad_setting_stops_the_worker_with_one_clear_line(tmp_path):
    """Stand-in: a real `python -c 'import petstore.wsgi'` subprocess with a bad setting."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    app_dir = Path(__file__).resolve().parents[2] / "petstore-app"
    env = {**os.environ, "PYTHONPATH": str(app_dir), "PAGINATION_LIMIT": "lots",
           "DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", "import petstore.wsgi"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 4
    assert "Traceback" not in result.stdout + result.stderr
    entry = json.loads(result.stdout.strip().splitlines()[-1])
    assert entry["level"] == "CRITICAL" and "PAGINATION_LIMIT" in entry["message"]
