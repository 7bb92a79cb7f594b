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
from collections.abc import Callable, Mapping

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
        self.first_processor = processors[0]
        self.rows = _remembered(_rows_function(self.names, processors))

    def params(self, values: Mapping[str, object]):
        if self.positional is not None:
            return tuple(values[name] for name in self.positional)
        return dict(values)


def _rows_function(names: tuple[str, ...], processors: list) -> Callable[[list[tuple]], list[dict]]:
    """`rows(raw_tuples) -> [dict, ...]` for these columns, written out once per statement.

    A list comprehension over a dict display, with the type conversions (timestamps) only
    on the columns that have one: a page of rows is the list endpoint's largest Python
    cost, and this is about a third cheaper than dict(zip(...)) plus a loop over the
    converters. The names are the statement's own column keys (from our Table)."""
    variables = [f"c{i}" for i in range(len(names))]
    items = ", ".join(f"{name!r}: " + (f"p{i}({var})" if proc is not None else var)
                      for i, (name, var, proc) in enumerate(zip(names, variables, processors, strict=True)))
    source = f"def rows(raws):\n    return [{{{items}}} for ({', '.join(variables)},) in raws]\n"
    namespace = {f"p{i}": proc for i, proc in enumerate(processors) if proc is not None}
    exec(compile(source, f"<fastread rows {', '.join(names)}>", "exec"), namespace)  # noqa: S102
    return namespace["rows"]


_ROWS_REMEMBERED = 4096  # per statement; about 1 KB each
_RESULTS_KEPT = 256  # per thread: pages, pets and counts remembered until a change


def _remembered(convert: Callable[[list[tuple]], list[dict]]) -> Callable[[list[tuple]], list[dict]]:
    """`convert`, remembering each row's dict under its raw tuple.

    Converting a page of 20 pets (a dict each, two timestamps) took about 9 µs; looking the
    raw tuples up takes about 2. The key is the whole raw row, so a row changed in any
    column is a new key and no entry can go stale. The dicts are shared between requests:
    callers only encode them, never change them. Raw values are ints, strings, None and
    timestamps (equal values convert to equal JSON)."""
    cache: dict[tuple, dict] = {}
    get = cache.get

    def convert_one(raw: tuple) -> dict:
        if len(cache) >= _ROWS_REMEMBERED:
            cache.clear()
        row = cache[raw] = convert((raw,))[0]
        return row

    def rows(raws):
        return [get(raw) or convert_one(raw) for raw in raws]

    return rows


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
        return compiled.rows(reader.execute(compiled.sql, compiled.params(params)).fetchall())

    def first(self, reader: Reader, **params) -> dict | None:
        compiled = self._for(reader.engine)
        raw = reader.execute(compiled.sql, compiled.params(params)).fetchone()
        return compiled.rows((raw,))[0] if raw is not None else None

    def scalar(self, reader: Reader, **params):
        compiled = self._for(reader.engine)
        raw = reader.execute(compiled.sql, compiled.params(params)).fetchone()
        if raw is None:
            return None
        proc = compiled.first_processor
        return proc(raw[0]) if proc is not None else raw[0]

    def all_until_change(self, reader: Reader, **params) -> list[dict]:
        """all(), remembered on SQLite until any connection commits a change (see
        Reader.unchanged): a page of the list is asked for again and again."""
        return reader.remember((self, "all", *sorted(params.items())), self.all, params)

    def first_until_change(self, reader: Reader, **params) -> dict | None:
        return reader.remember((self, "first", *sorted(params.items())), self.first, params)

    def scalar_until_change(self, reader: Reader, **params):
        """scalar(), remembered on SQLite until any connection commits a change.

        For the list's COUNT(*): with a filter on a column of few values (status) SQLite
        counts by walking the index, about 0.5 ms at 10,000 pets and 4 ms at 100,000, far
        more than the page itself."""
        return reader.remember((self, "scalar", *sorted(params.items())), self.scalar, params)


class Reader:
    def __init__(self, engine: Engine, conn, cursor, held: _Held | None = None) -> None:
        self.engine, self.conn, self.cursor, self._held = engine, conn, cursor, held
        self._error = engine.dialect.loaded_dbapi.Error
        self._unchanged: dict | None = None

    def unchanged(self) -> dict | None:
        """Results remembered on this thread's SQLite read connection, valid as long as no
        connection has committed a change (None on PostgreSQL: asked every time).

        `PRAGMA data_version` (about 1.5 µs) changes whenever another connection, in this
        process or any other, has committed; the held read connection never writes, so an
        unchanged value means unchanged tables. It is asked once per `reading` block, before
        its queries: a commit that lands after it changes the next block's value, so a result
        read after a change is never kept under the value from before it."""
        held = self._held
        if held is None:
            return None
        if self._unchanged is None:
            version = self.execute("PRAGMA data_version", ()).fetchone()[0]
            if held.version != version or len(held.cache) > _RESULTS_KEPT:
                held.cache = {}
                held.version = version
            self._unchanged = held.cache
        return self._unchanged

    def remember(self, key: tuple, run: Callable, params: Mapping[str, object]):
        """run(self, **params), or its result remembered under `key` while nothing changed.
        Results are shared between requests: callers only encode them, never change them.
        Keys hold the Query itself, not its id: an id may be reused once a Query is gone."""
        cache = self.unchanged()
        if cache is None:
            return run(self, **params)
        try:
            return cache[key]
        except KeyError:
            value = cache[key] = run(self, **params)
            return value

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

    def __init__(self) -> None:  # runs once in each thread that uses it
        self.conn = None
        # Reader.remember's results, valid while `PRAGMA data_version` on `conn` is `version`.
        self.cache: dict = {}
        self.version = None


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
                held.cache, held.version = {}, None  # data_version is per connection
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
