"""Health (with a real database round trip) and the OpenAPI document."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from . import __version__
from .db import kind
from .fastread import Query, reading
from .problems import database_message, db_log, problem
from .schema import schema_version
from .state import state

bp = Blueprint("meta", __name__)
# Reads the schema table itself: SELECT 1 would not even open an SQLite file.
_SCHEMA_VERSION = Query(select(func.max(schema_version.c.version)))


@bp.get("/health")
def health():
    st = state()
    try:
        with reading(st.engine) as reader:
            version = _SCHEMA_VERSION.scalar(reader)
    except SQLAlchemyError as exc:
        message = database_message(exc)
        db_log.error("health check failed: %s", message)
        if "no such table" in message or "does not exist" in message:
            detail = "The database schema is missing: run `python -m petstore init-db`."
        else:
            detail = "The database did not answer a round trip; the service log has the reason."
        return problem(503, "Service Unavailable", detail, headers={"Retry-After": "5"})
    if not version:
        return problem(503, "Service Unavailable", "The database schema is missing: run `python -m petstore init-db`.")
    return jsonify(status="ok", version=__version__, api_version=st.settings.api_version,
                   environment=st.settings.environment, database=kind(st.engine))


@bp.get("/health/live")
def live():
    """Liveness without the database: a database outage should not restart every pod."""
    return jsonify(status="ok")


@bp.get("/openapi.json")
def openapi():
    return jsonify(current_app.extensions["petstore_openapi"])
