"""Flask without the per-request bookkeeping for features this API does not use."""

# Why: on a cached read Flask's own request handling is most of the CPU time. Part of it is
# bookkeeping for features the API never uses: walking the request's blueprints for hooks
# that were never registered, and a cookie session (no secret key, so always a fresh
# NullSession). Each override checks, on every request, that the feature is still unused
# and otherwise defers to Flask, so registering a hook later keeps working.

from __future__ import annotations

import sys

from flask import Flask
from flask.globals import request_ctx
from flask.sessions import NullSession, SessionInterface
from flask.signals import request_tearing_down

_MISSING = object()


class NoSessions(SessionInterface):
    """The API is stateless: never read or write a session cookie.

    `flask.session` is a NullSession (reading is fine, writing raises), as it was with the
    default interface and no SECRET_KEY; one shared instance, since it cannot change."""

    _null = NullSession()

    def make_null_session(self, app: Flask) -> NullSession:
        return self._null

    def open_session(self, app: Flask, request) -> None:
        return None

    def save_session(self, app: Flask, session, response) -> None:  # never called: always null
        pass


def _any(hooks: dict) -> bool:
    return any(hooks.values())


class LeanFlask(Flask):
    session_interface = NoSessions()

    def preprocess_request(self):
        if _any(self.url_value_preprocessors) or _any(self.before_request_funcs):
            return super().preprocess_request()
        return None

    def process_response(self, response):
        ctx = request_ctx._get_current_object()
        if (ctx._after_request_functions or _any(self.after_request_funcs)
                or not self.session_interface.is_null_session(ctx._session)):
            return super().process_response(response)
        return response

    def do_teardown_request(self, exc=_MISSING) -> None:
        if _any(self.teardown_request_funcs):
            super().do_teardown_request(*(() if exc is _MISSING else (exc,)))
            return
        if exc is _MISSING:
            exc = sys.exc_info()[1]
        request_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)
