"""Fixtures of the image and entrypoint tests: a throwaway PostgreSQL database, and the
session's Podman and image (tests/support/containers.py)."""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from tests.support.containers import app_image, base_ready, podman_engine  # noqa: F401  (fixtures)


@pytest.fixture
def fresh_database(postgres_url) -> Iterator[str]:
    """A throwaway database on the real PostgreSQL, so the schema check sees only our run."""
    if importlib.util.find_spec("psycopg") is None:
        pytest.skip(
            "psycopg is not installed (pip install --require-hashes -r petstore-app/requirements.lock)"
        )
    import psycopg

    url = urlsplit(postgres_url)
    name = f"petstore_entrypoint_{uuid.uuid4().hex[:10]}"
    admin = postgres_url.replace("postgresql+psycopg://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
