"""Prebuilt SELECTs run straight on a pooled DBAPI connection, for the hot read paths."""

# Why: SQLAlchemy Core spends about 40 µs a statement on its execution machinery, five times
# what SQLite needs to answer a primary-key lookup; on the read endpoints that is the
# largest share of a request. The statement is still built and compiled by SQLAlchemy
# (once per dialect), the pool and its events are the same, and driver errors come out as
# SQLAlchemy's DBAPIError, so callers and the error handlers see no difference.
# Parameters must need no conversion (ints and strings).

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import Engine, Select
from sqlalchemy.exc import DBAPIError


class _Compiled:
    def __init__(self, stmt: Select, engine: Engine) -> None:
        dialect = engine.dialect
        compiled = stmt.compile(dialect=dialect)
        self.sql = str(compiled)
        self.positional = compiled.positiontup  # None for named paramstyles (psycopg)
        columns = list(stmt.selected_columns)
        self.processors = [c.type.result_processor(dialect, None) for c in columns]
        self.names = [c.key for c in columns]

    def params(self, values: Mapping[str, object]):
        if self.positional is not None:
            return tuple(values[name] for name in self.positional)
        return dict(values)

    def row(self, raw: tuple) -> dict:
        return {name: (proc(value) if proc else value)
                for name, proc, value in zip(self.names, self.processors, raw, strict=True)}


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
        return [compiled.row(r) for r in reader.execute(compiled.sql, compiled.params(params)).fetchall()]

    def first(self, reader: Reader, **params) -> dict | None:
        compiled = self._for(reader.engine)
        raw = reader.execute(compiled.sql, compiled.params(params)).fetchone()
        return compiled.row(raw) if raw is not None else None

    def scalar(self, reader: Reader, **params):
        compiled = self._for(reader.engine)
        raw = reader.execute(compiled.sql, compiled.params(params)).fetchone()
        return compiled.row(raw)[compiled.names[0]] if raw is not None else None


class Reader:
    def __init__(self, engine: Engine, conn, cursor) -> None:
        self.engine, self.conn, self.cursor = engine, conn, cursor
        self._error = engine.dialect.loaded_dbapi.Error

    def execute(self, sql: str, params):
        try:
            self.cursor.execute(sql, params)
        except self._error as exc:
            if self.engine.dialect.is_disconnect(exc, self.conn.dbapi_connection, self.cursor):
                # A dead server connection must not go back into the pool.
                self.conn.invalidate(exc)
            raise DBAPIError.instance(sql, params, exc, self._error, dialect=self.engine.dialect) from exc
        return self.cursor


@contextmanager
def reading(engine: Engine) -> Iterator[Reader]:
    """A pooled DBAPI connection for a few reads; the pool rolls back on return."""
    error = engine.dialect.loaded_dbapi.Error
    try:
        conn = engine.raw_connection()
    except error as exc:
        raise DBAPIError.instance(None, None, exc, error, dialect=engine.dialect) from exc
    try:
        cursor = conn.cursor()
        try:
            yield Reader(engine, conn, cursor)
        finally:
            cursor.close()
    finally:
        conn.close()
