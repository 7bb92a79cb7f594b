"""Per-request plumbing: request ids, the JSON access line, CORS headers."""

from __future__ import annotations

import logging
import os
import re
import time

from flask import Flask, Response, g, request

from .state import state

access_log = logging.getLogger("petstore.access")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_CORS_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
_CORS_HEADERS = "Content-Type, X-Request-ID"


def _before() -> None:
    g.started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    # Honour the caller's id (load balancer, client) only when it is a sane token.
    g.request_id = incoming if _REQUEST_ID.fullmatch(incoming) else os.urandom(16).hex()


def _cors(resp: Response) -> None:
    origins = state().settings.cors_origins
    origin = request.headers.get("Origin")
    if not origins or not origin:
        return
    if "*" in origins:
        resp.headers["Access-Control-Allow-Origin"] = "*"
    elif origin.rstrip("/") in origins:
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.vary.add("Origin")
    else:
        return
    resp.headers["Access-Control-Expose-Headers"] = "X-Request-ID, Location"
    if request.method == "OPTIONS":
        resp.headers["Access-Control-Allow-Methods"] = _CORS_METHODS
        resp.headers["Access-Control-Allow-Headers"] = _CORS_HEADERS
        resp.headers["Access-Control-Max-Age"] = "600"


def _after(resp: Response) -> Response:
    rid = g.get("request_id") or os.urandom(16).hex()
    resp.headers["X-Request-ID"] = rid
    _cors(resp)
    if access_log.isEnabledFor(logging.INFO):
        started = g.get("started")
        duration = round((time.perf_counter() - started) * 1000, 2) if started else None
        access_log.info(
            "%s %s %s", request.method, request.path, resp.status_code,
            extra={"request_id": rid, "method": request.method, "path": request.path,
                   "status": resp.status_code, "duration_ms": duration,
                   "remote_addr": request.remote_addr},
        )
    return resp


def register(app: Flask) -> None:
    app.before_request(_before)
    app.after_request(_after)
