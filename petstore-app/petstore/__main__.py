"""`python -m petstore init-db | check-db`: schema set-up and a database round trip."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from .config import ConfigError, load_settings
from .db import database_url, kind, make_engine, read_tx
from .problems import database_message
from .redact import mask
from .schema import LATEST, init_db, schema_version


def _engine():
    settings = load_settings()
    url = database_url(settings)
    return make_engine(url), mask(url)


def cmd_init_db() -> int:
    engine, shown = _engine()
    try:
        before, after = init_db(engine)
    except SQLAlchemyError as exc:
        print(f"init-db: cannot set up the database at {shown}: {mask(database_message(exc))}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if before == after:
        print(f"init-db: schema already at version {after} ({kind(engine)}, {shown})")
    else:
        print(f"init-db: schema migrated from version {before} to {after} ({kind(engine)}, {shown})")
    return 0


def cmd_check_db() -> int:
    engine, shown = _engine()
    try:
        with read_tx(engine) as conn:
            version = conn.execute(select(func.max(schema_version.c.version))).scalar() or 0
    except SQLAlchemyError as exc:
        print(f"check-db: no round trip to {shown}: {mask(database_message(exc))}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    if version < LATEST:
        print(f"check-db: {shown} answers but the schema is at version {version} of {LATEST}: "
              "run `python -m petstore init-db`", file=sys.stderr)
        return 1
    print(f"check-db: ok ({kind(engine)}, schema version {version}, {shown})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m petstore", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("init-db", help="create or migrate the schema (idempotent)")
    sub.add_parser("check-db", help="a database round trip; exit 1 when it fails")
    args = parser.parse_args(argv)
    try:
        return cmd_init_db() if args.command == "init-db" else cmd_check_db()
    except ConfigError as exc:
        print(f"{args.command}: configuration error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
