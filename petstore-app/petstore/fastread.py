"""Prebuilt SELECTs run straight on a DBAPI connection, for the hot read paths."""

# Why: SQLAlchemy Core spends about 40 µs a statement on its execution machinery, five times
# what SQLite needs to answer a primary-key lookup; on the read endpoints that is the
# largest share of a request. The statement is still built and compiled by SQLAlchemy
# (once per dialect), connections come from the engine's pool (SQLite: once per thread, see
# _Held), prepared statements are the drivers' own (sqlite3's statement cache, psycopg's
# automatic prepare after a few runs), and driver errors come out as
# SQLAlchemy's DBAPIError, so callers and the error handlers see no difference.
# Parameters must need no conversion (ints and strings).

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Mapping

from sqlalchemy import Engine, Select
from sqlalchemy.exc import DBAPIError


class _Compiled:
    def __init__(self, stmt: Select, engine: Engine) -> None:
        dialect = engine.dialect
        compiled = stmt.compile(dialect=dialect)
        self.sql = str(compiled)
        self.positional = compiled.positiontup  # None for named paramstyles (psycopg)
        columns = list(stmt.selected_columns)
        processors = [c.type.result_processor(dialect, None) for c in columns]
        self.names = tuple(str(c.key) for c in columns)  # plain str (keys are quoted_name)
        # Only the columns that need converting (timestamps) are touched per row.
        self.converters = tuple((name, i, proc) for i, (name, proc)
                                in enumerate(zip(self.names, processors, strict=True)) if proc is not None)

    def params(self, values: Mapping[str, object]):
        if self.positional is not None:
            return tuple(values[name] for name in self.positional)
        return dict(values)

    def row(self, raw: tuple) -> dict:
        row = dict(zip(self.names, raw, strict=False))  # the cursor gives exactly these columns
        for name, i, proc in self.converters:
            row[name] = proc(raw[i])
        return row


class Query:
    """One prebuilt SELECT; `run(cursor, **params)` returns rows as dicts."""

    def __init__(self, stmt: Select) -> None:
        self.stmt = stmt
        self._compiled: dict[int, _Compiled] = {}

    def _for(self, engine: Engine) -> _Compiled:
        key = id(engine.dialect)
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _Compiled(self.stmt, engine)
        return found

    def all(self, reader: Reader, **params) -> list[dict]:
        compiled = self._for(reader.engine)
        raws = reader.execute(compiled.sql, compiled.params(params)).fetchall()
        # compiled.row() inlined: a page is many rows, and a call per row shows.
        names, converters = compiled.names, compiled.converters
        rows = []
        for raw in raws:
            row = dict(zip(names, raw, strict=False))  # the cursor gives exactly these columns
            for name, i, proc in converters:
                row[name] = proc(raw[i])
            rows.append(row)
        return rows

    def first(self, reader: Reader, **params) -> dict | None:
        compiled = self._for(reader.engine)
        raw = reader.execute(compiled.sql, compiled.params(params)).fetchone()
        return compiled.row(raw) if raw is not None else None

    def scalar(self, reader: Reader, **params):
        compiled = self._for(reader.engine)
        raw = reader.execute(compiled.sql, compiled.params(params)).fetchone()
        return compiled.row(raw)[compiled.names[0]] if raw is not None else None


class Reader:
    def __init__(self, engine: Engine, conn, cursor, held: _Held | None = None) -> None:
        self.engine, self.conn, self.cursor, self._held = engine, conn, cursor, held
        self._error = engine.dialect.loaded_dbapi.Error

    def execute(self, sql: str, params):
        try:
            self.cursor.execute(sql, params)
        except self._error as exc:
            if self._held is not None:
                # Whatever went wrong (file gone, disk error), the next read opens afresh;
                # this one is closed on leaving the `with` block.
                self._held.conn = None
            elif self.engine.dialect.is_disconnect(exc, self.conn.dbapi_connection, self.cursor):
                # A dead server connection must not go back into the pool.
                self.conn.invalidate(exc)
            raise DBAPIError.instance(sql, params, exc, self._error, dialect=self.engine.dialect) from exc
        return self.cursor


class _Held(threading.local):
    """SQLite only: one connection per thread kept for reads, out of the pool.

    A pool checkout and checkin (fairy, events, queue lock, reset-on-return ROLLBACK) cost
    more than an SQLite primary-key lookup. The connection comes from the pool once (so the
    connect event has set busy_timeout, foreign keys and WAL) and is then detached from it,
    which also frees its place in the pool for the writers. Reads on it run in SQLite's
    autocommit mode (no transaction is ever left open: the cursor is closed after each
    use). PostgreSQL keeps the pool: pre-ping, recycling and a real rollback matter there,
    and the network round trip dwarfs the pool's own cost."""

    conn = None


_held: weakref.WeakKeyDictionary[Engine, _Held] = weakref.WeakKeyDictionary()
_held_lock = threading.Lock()


def _forget_held() -> None:
    # A forked child must not share its parent's SQLite handles.
    _held.clear()


os.register_at_fork(after_in_child=_forget_held)


def _held_for(engine: Engine) -> _Held:
    held = _held.get(engine)
    if held is None:
        with _held_lock:
            held = _held.get(engine)
            if held is None:
                held = _held[engine] = _Held()
    return held


class reading:  # noqa: N801 - used like the context manager function it replaces
    """`with reading(engine) as reader:` a DBAPI connection and cursor for a few reads.

    PostgreSQL: a pooled connection (the pool rolls back on return). SQLite: this thread's
    held read connection (see _Held)."""

    __slots__ = ("engine", "conn", "cursor", "held")

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.held = _held_for(engine) if engine.dialect.name == "sqlite" else None

    def __enter__(self) -> Reader:
        engine, held = self.engine, self.held
        error = engine.dialect.loaded_dbapi.Error
        conn = held.conn if held is not None else None
        if conn is None:
            try:
                fairy = engine.raw_connection()
            except error as exc:
                raise DBAPIError.instance(None, None, exc, error, dialect=engine.dialect) from exc
            if held is not None:
                conn = held.conn = fairy.dbapi_connection
                fairy.detach()
            else:
                conn = fairy
        self.conn = conn
        try:
            self.cursor = conn.cursor()
        except error as exc:
            if held is not None:
                held.conn = None
            self._release()
            raise DBAPIError.instance(None, None, exc, error, dialect=engine.dialect) from exc
        except BaseException:
            self._release()
            raise
        return Reader(engine, conn, self.cursor, held)

    def _release(self) -> None:
        if self.held is None:
            self.conn.close()  # back to the pool
        elif self.held.conn is not self.conn:
            self.conn.close()  # dropped after an error

    def __exit__(self, *_exc) -> None:
        try:
            self.cursor.close()
        finally:
            self._release()
