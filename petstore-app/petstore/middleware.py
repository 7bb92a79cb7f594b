"""Per-request plumbing: request ids, the JSON access line, CORS headers."""

from __future__ import annotations

import logging
import os
import re
import threading
import time

from flask import Flask, Response, request

from .logs import access_line

access_log = logging.getLogger("petstore.access")
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")
_CORS_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
_CORS_HEADERS = "Content-Type, X-Request-ID"
_INFO = logging.INFO
ENVIRON_KEY = "petstore.request_id"


class _FreshIds:
    """Request ids made here: 16 bytes of os.urandom each, as 32 hex digits.

    Read 256 ids at a time, per thread (gthread workers), since a getrandom(2) call per
    request was a measurable share of a cached read. A forked child drops what its
    parent read (gunicorn forks workers; preload_app could fill this first): no two
    processes hand out the same ids."""

    BATCH = 256

    def __init__(self) -> None:
        self._local = threading.local()
        os.register_at_fork(after_in_child=self._forget)

    def _forget(self) -> None:
        self._local = threading.local()

    def __call__(self) -> str:
        local = self._local
        try:
            return next(local.ids)
        except (AttributeError, StopIteration):
            digits = os.urandom(16 * self.BATCH).hex()
            local.ids = iter([digits[i:i + 32] for i in range(0, len(digits), 32)])
            return next(local.ids)


fresh_request_id = _FreshIds()


def current_request_id() -> str | None:
    """This request's id (inside a request context), as echoed in X-Request-ID."""
    return request.environ.get(ENVIRON_KEY)


class RequestIdAndAccessLog:
    """WSGI middleware around the Flask app: request id, X-Request-ID, the access line.

    Done at the WSGI level rather than in before/after_request hooks: every Flask hook costs a
    coroutine check and context-proxy lookups on each request, and here the id, method,
    path, status and client address are plain values of the environ and start_response.
    The duration covers the whole of Flask's handling of the request (routing, view,
    error handlers, building the response)."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        started = time.perf_counter()
        incoming = environ.get("HTTP_X_REQUEST_ID")
        # Honour the caller's id (load balancer, client) only when it is a sane token.
        rid = incoming if incoming and _REQUEST_ID.fullmatch(incoming) else fresh_request_id()
        environ[ENVIRON_KEY] = rid
        seen = []

        def start(status, headers, exc_info=None):
            headers.append(("X-Request-ID", rid))
            seen.append(status)
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, start)
        if seen and access_log.isEnabledFor(_INFO):
            duration = round((time.perf_counter() - started) * 1000, 2)
            # request.path and request.method as Werkzeug derives them from the environ.
            path = "/" + (environ.get("PATH_INFO") or "").encode("latin1").decode("utf-8", "replace").lstrip("/")
            access_line(rid, environ.get("REQUEST_METHOD", "GET").upper(), path, int(seen[-1][:3]),
                        duration, environ.get("REMOTE_ADDR"))
        return result


def _cors_for(origins: tuple[str, ...]):
    def _cors(resp: Response) -> Response:
        req = request._get_current_object()
        origin = req.environ.get("HTTP_ORIGIN")
        if not origin:
            return resp
        if "*" in origins:
            resp.headers["Access-Control-Allow-Origin"] = "*"
        elif origin.rstrip("/") in origins:
            resp.headers["Access-Control-Allow-Origin"] = origin
            resp.vary.add("Origin")
        else:
            return resp
        resp.headers["Access-Control-Expose-Headers"] = "X-Request-ID, Location"
        if req.method == "OPTIONS":
            resp.headers["Access-Control-Allow-Methods"] = _CORS_METHODS
            resp.headers["Access-Control-Allow-Headers"] = _CORS_HEADERS
            resp.headers["Access-Control-Max-Age"] = "600"
        return resp

    return _cors


def register(app: Flask, cors_origins: tuple[str, ...]) -> None:
    app.wsgi_app = RequestIdAndAccessLog(app.wsgi_app)
    if cors_origins:  # no CORS settings, no per-request hook at all
        app.after_request(_cors_for(cors_origins))
