"""A throwaway PostgreSQL database per test session (and xdist worker) on the real server."""

from __future__ import annotations

import os
import uuid

from sqlalchemy.engine import make_url


def _admin_conninfo(url: str) -> dict:
    u = make_url(url)
    return {"host": u.host, "port": u.port or 5432, "user": u.username, "password": u.password,
            "dbname": u.database, "connect_timeout": 5}


def create_database(base_url: str) -> tuple[str, str]:
    """CREATE DATABASE with a unique name; returns (name, SQLAlchemy URL to it)."""
    import psycopg

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"petstore_app_{worker}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(**_admin_conninfo(base_url), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, make_url(base_url).set(database=name).render_as_string(hide_password=False)


def drop_database(base_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(**_admin_conninfo(base_url), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
