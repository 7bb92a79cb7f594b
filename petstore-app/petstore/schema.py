"""Tables and the idempotent, versioned schema migrations behind `init-db`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    TypeDecorator,
    func,
    select,
    text,
)

from .db import write_tx

PET_STATUSES = ("available", "pending", "sold")
ORDER_STATUSES = ("placed", "cancelled")



def _iso_from_sqlite(value: str | None) -> str | None:
    # SQLAlchemy stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC here): cut
    # the text into ISO 8601 instead of parsing it into a datetime and formatting it again.
    if value is None:
        return None
    if len(value) >= 23 and value[10] == " ":
        return f"{value[:10]}T{value[11:23]}Z"
    return _iso_from_datetime(datetime.fromisoformat(value))


def _iso_from_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z"


class Timestamp(TypeDecorator):
    """A UTC timestamp column that reads back as an ISO 8601 string ending in Z."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def result_processor(self, dialect, coltype):
        return _iso_from_sqlite if dialect.name == "sqlite" else _iso_from_datetime


metadata = MetaData()
# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a bigint identity.
_Id = BigInteger().with_variant(Integer, "sqlite")

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("applied_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)

pets = Table(
    "pets", metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
    Column("species", String(50), nullable=False),
    Column("status", String(16), nullable=False, server_default="available"),
    Column("tag", String(50), nullable=True),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    CheckConstraint("status IN ('available', 'pending', 'sold')", name="pets_status_check"),
    Index("pets_status_idx", "status"),
    Index("pets_species_idx", "species"),
)

orders = Table(
    "orders", metadata,
    Column("id", _Id, primary_key=True, autoincrement=True),
    Column("pet_id", _Id, ForeignKey("pets.id", ondelete="CASCADE"), nullable=False),
    Column("status", String(16), nullable=False, server_default="placed"),
    Column("created_at", Timestamp, nullable=False),
    Column("updated_at", Timestamp, nullable=False),
    CheckConstraint("status IN ('placed', 'cancelled')", name="orders_status_check"),
    Index("orders_pet_id_idx", "pet_id"),
)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[pets, orders], checkfirst=True)


# Append only: each entry runs once, in order, inside the init-db transaction.
MIGRATIONS: tuple[tuple[int, Callable[[Connection], None]], ...] = ((1, _v1),)
LATEST = MIGRATIONS[-1][0]


def current_version(conn: Connection) -> int | None:
    """The applied schema version, or None when the schema was never initialised."""
    if not conn.dialect.has_table(conn, "schema_version"):
        return None
    return conn.execute(select(func.max(schema_version.c.version))).scalar() or 0


def init_db(engine: Engine) -> tuple[int, int]:
    """Create or migrate the schema; safe to run again and from several processes at once.

    Returns (version before, version after)."""
    with write_tx(engine) as conn:
        if conn.dialect.name == "postgresql":
            # Serialises concurrent init-db runs (several workers starting together).
            conn.execute(text("SELECT pg_advisory_xact_lock(704417)"))
        metadata.create_all(conn, tables=[schema_version], checkfirst=True)
        before = conn.execute(select(func.max(schema_version.c.version))).scalar() or 0
        for version, migrate in MIGRATIONS:
            if version > before:
                migrate(conn)
                conn.execute(schema_version.insert().values(version=version))
    return before, max(before, LATEST)
