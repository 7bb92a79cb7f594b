"""RFC 9457 problem details for every error: JSON, never HTML, never a traceback."""

from __future__ import annotations

import logging

from flask import Flask, Response, json, request
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "about:blank"
MEDIA_TYPE = "application/problem+json"

log = logging.getLogger("petstore.errors")
db_log = logging.getLogger("petstore.db")


class ApiProblem(Exception):
    """Raised by handlers to answer with a problem document."""

    def __init__(self, status: int, title: str, detail: str, errors: list | None = None,
                 headers: dict | None = None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.errors, self.headers = errors, headers or {}


def problem(status: int, title: str, detail: str, errors: list | None = None,
            headers: dict | None = None) -> Response:
    body: dict[str, object] = {
        "type": PROBLEM_TYPE,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    rid = request.environ.get("petstore.request_id")  # set by middleware.RequestIdAndAccessLog
    if rid:
        body["request_id"] = rid
    if errors:
        body["errors"] = errors
    resp = Response(json.dumps(body), status=status, mimetype=MEDIA_TYPE)
    for key, value in (headers or {}).items():
        resp.headers[key] = value
    return resp


def database_message(exc: BaseException) -> str:
    """The driver's own words ("attempt to write a readonly database"), first line only."""
    orig = getattr(exc, "orig", None) or exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def _http(exc: HTTPException) -> Response:
    headers = {}
    if exc.code == 405:
        allow = getattr(exc, "valid_methods", None)
        if allow:
            headers["Allow"] = ", ".join(sorted(allow))
    description = exc.description or exc.name
    if exc.code == 404 and description.startswith("The requested URL was not found"):
        description = f"No resource at {request.path}."
    elif exc.code == 415:
        description = "Send the body as JSON with Content-Type: application/json."
    elif exc.code == 413:
        limit = request.max_content_length
        description = f"The request body is larger than the limit of {limit} bytes."
    return problem(exc.code or 500, exc.name, description, headers=headers)


def _api(exc: ApiProblem) -> Response:
    return problem(exc.status, exc.title, exc.detail, exc.errors, exc.headers)


def _database(exc: SQLAlchemyError) -> Response:
    message = database_message(exc)
    db_log.error("database error: %s", message, extra={"error": type(getattr(exc, "orig", exc)).__name__})
    detail = "The database is unavailable or refused the operation; the service log has the reason."
    if isinstance(exc, DBAPIError) and "readonly" in message:
        detail = "The database is read-only: writes are refused. The service log has the reason."
    return problem(503, "Service Unavailable", detail, headers={"Retry-After": "5"})


def _unexpected(exc: Exception) -> Response:
    log.error("unhandled error", exc_info=exc)
    return problem(500, "Internal Server Error", "An unexpected error occurred; the service log has the details.")


def register(app: Flask) -> None:
    app.register_error_handler(ApiProblem, _api)
    app.register_error_handler(HTTPException, _http)
    # Driver errors and an exhausted pool are the database's state (503); any other
    # SQLAlchemyError is our bug and goes to the 500 handler.
    app.register_error_handler(DBAPIError, _database)
    app.register_error_handler(PoolTimeout, _database)
    app.register_error_handler(Exception, _unexpected)
