"""Fixtures for the Pet Store API tests: one suite, run against SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from petstore import create_app
from sqlalchemy import text

from .pg import create_database, drop_database


@pytest.fixture(scope="session")
def pg_database_url(postgres_url):
    """Stand-in: none; a fresh database on the real PostgreSQL at 127.0.0.1:5432, made for
    this session (and xdist worker) and dropped at the end."""
    try:
        name, url = create_database(postgres_url)
    except Exception as exc:  # noqa: BLE001 - any failure here means "no usable server"
        pytest.skip(f"PostgreSQL on 127.0.0.1:5432 refused CREATE DATABASE: {type(exc).__name__}")
    yield url
    drop_database(postgres_url, name)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """SQLite: a file in tmp_path. PostgreSQL: the session database, emptied for this test."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'petstore.db'}"
    url = request.getfixturevalue("pg_database_url")
    app = create_app({"DATABASE_URL": url, "LOG_LEVEL": "WARNING"})
    engine = app.extensions["petstore"].engine
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE orders, pets RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def app(database_url):
    app = create_app({"DATABASE_URL": database_url, "CORS_ORIGINS": "https://shop.example"})
    yield app
    app.extensions["petstore"].engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()
