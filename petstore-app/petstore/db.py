"""Database URL handling and engines: SQLite (WAL, busy timeout) or PostgreSQL (psycopg 3)."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from .config import ConfigError, Settings
from .redact import mask, register_secret

log = logging.getLogger("petstore.db")

SQLITE_BUSY_TIMEOUT_S = 15.0
PG_CONNECT_TIMEOUT_S = 5
_WRITE = "petstore_write"
_SINGLE = "petstore_single_read"


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL to use: DATABASE_URL normalised, else SQLite in DATA_DIR."""
    if not settings.database_url:
        folder = settings.data_dir.resolve()
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            # Not fatal here: the first query fails with SQLite's own message, which the
            # health check and the logs report.
            log.error("cannot create DATA_DIR %s: %s", folder, exc.strerror or exc)
        return f"sqlite:///{folder / 'petstore.db'}"
    return normalise_url(settings.database_url)


def normalise_url(url: str) -> str:
    """Map postgres:// and postgresql:// to psycopg 3; refuse drivers we do not ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix):]
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"DATABASE_URL is not a database URL: {mask(url)[:80]!r}") from None
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        raise ConfigError(
            f"DATABASE_URL driver {parsed.drivername!r} is not supported: use sqlite:///PATH "
            "or postgresql://USER:PASSWORD@HOST/DB (psycopg 3)"
        )
    register_secret(parsed.password)
    return url


def kind(engine: Engine) -> str:
    return "postgresql" if engine.dialect.name == "postgresql" else "sqlite"


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    return create_engine(
        url,
        pool_size=5,
        max_overflow=5,
        pool_pre_ping=True,  # a restarted server must not cost one failed request per connection
        pool_recycle=1800,
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_S, "application_name": "petstore"},
    )


def _sqlite_engine(url: str) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:" and not Path(path).parent.exists():
        log.error("SQLite folder %s does not exist", Path(path).parent)
    engine = create_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # We issue BEGIN ourselves (below), so pysqlite must not.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
            cur.execute("PRAGMA foreign_keys = ON")
            try:
                mode = cur.execute("PRAGMA journal_mode = WAL").fetchone()
                if mode and str(mode[0]).lower() == "wal":
                    cur.execute("PRAGMA synchronous = NORMAL")  # safe with WAL, much faster
            except sqlite3.OperationalError as exc:
                # A read-only file cannot switch journal mode; reads may still work, writes
                # will fail and say why.
                log.warning("SQLite could not enable WAL: %s", exc)
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection):
        options = conn.get_execution_options()
        if options.get(_WRITE):
            # Writers take the write lock up front: a deferred transaction that upgrades
            # later fails at once with "database is locked" instead of waiting.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not options.get(_SINGLE):
            # A deferred BEGIN touches no file and cannot fail; skipping SQLAlchemy's
            # statement machinery for it is a measurable share of a read.
            conn.connection.dbapi_connection.execute("BEGIN")
        # A single-statement read runs in SQLite's autocommit: it is its own snapshot.

    return engine


@contextmanager
def write_tx(engine: Engine) -> Iterator[Connection]:
    """A transaction that will write: BEGIN IMMEDIATE on SQLite, plain on PostgreSQL."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn


@contextmanager
def read_tx(engine: Engine, single: bool = False) -> Iterator[Connection]:
    """A read-only unit of work; `single=True` when it runs exactly one statement."""
    with engine.connect() as conn:
        if single:
            conn.execution_options(**{_SINGLE: True})
        yield conn
