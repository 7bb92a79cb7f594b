"""Flask without the per-request bookkeeping for features this API does not use."""

# Why: on a cached read Flask's own request handling is most of the CPU time. Part of it is
# bookkeeping for features the API never uses: walking the request's blueprints for hooks
# that were never registered, a cookie session (no secret key, so always a fresh
# NullSession), and six signals sent on every request (request started and finished, app
# context pushed, torn down and popped, request torn down) that nothing listens to: about
# a tenth of a cached read's CPU time in Flask 3.1. Each override checks, on every
# request, that the feature is still unused (no hook registered, no receiver connected)
# and otherwise does what Flask does, so registering a hook or connecting to a signal
# later keeps working. The overridden methods follow Flask 3.1's own line by line
# (petstore-app/requirements.lock pins it); tests/app/test_lean.py holds them to
# Flask's behaviour.
#
# The URL adapter: Flask binds the URL map to every request's environ afresh (the Host
# header parsed and IDNA-encoded, the subdomain worked out), about a tenth of a cached
# read's CPU time. All of that depends only on a few environ values, so the bound parts
# are kept per those values (a few Hosts in practice; a bounded dict, since clients choose
# the Host header) and only the path, method and query string are taken per request.
#
# Routing: werkzeug's state-machine matcher walks the URL rules for every request, a fifth
# of a cached read's CPU time (GET by id: 11 µs of 56). With the bound parts fixed, what
# a successful match returns (the rule and the converted values) depends only on the path,
# the method and the URL map itself (werkzeug 3.1's MapAdapter.match: the query string is
# used only to build a redirect, which raises). So successful matches are kept per bound
# adapter under (path, method), checked against the map's rule count and slash settings;
# anything that raises (404, 405, redirects) goes through werkzeug every time.

from __future__ import annotations

import sys

from flask import Flask
from flask.ctx import AppContext
from flask.globals import _cv_app, request_ctx
from flask.sessions import NullSession, SessionInterface
from flask.signals import (
    appcontext_popped,
    appcontext_pushed,
    appcontext_tearing_down,
    request_finished,
    request_started,
    request_tearing_down,
)
from werkzeug.routing import MapAdapter

_MISSING = object()
# The environ values a bound URL adapter (besides path, method and query) depends on:
# werkzeug's Map.bind_to_environ and get_host read these and nothing else.
_BINDING_KEYS = ("HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "wsgi.url_scheme", "SCRIPT_NAME", "HTTP_CONNECTION",
                 "HTTP_UPGRADE")
_ADAPTERS_KEPT = 64
_MATCHES_KEPT = 1024  # per bound adapter: paths hold ids, so the set is open-ended


def _wsgi_text(value: str) -> str:
    """An environ string as werkzeug's Map.bind_to_environ decodes it (latin-1 bytes, UTF-8)."""
    return value.encode("latin1").decode(errors="replace")


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


class LeanAppContext(AppContext):
    """An app context that sends appcontext_pushed / _popped only to receivers."""

    def push(self) -> None:
        if appcontext_pushed.receivers:
            super().push()
            return
        self._cv_tokens.append(_cv_app.set(self))

    def pop(self, exc=_MISSING) -> None:
        if appcontext_popped.receivers:
            super().pop(*(() if exc is _MISSING else (exc,)))
            return
        try:
            if len(self._cv_tokens) == 1:
                if exc is _MISSING:
                    exc = sys.exc_info()[1]
                self.app.do_teardown_appcontext(exc)
        finally:
            ctx = _cv_app.get()
            _cv_app.reset(self._cv_tokens.pop())
        if ctx is not self:
            raise AssertionError(f"Popped wrong app context. ({ctx!r} instead of {self!r})")


def _map_state(url_map) -> tuple:
    """What a kept match depends on besides the path and method: rules are only ever added."""
    return len(url_map._rules), url_map.strict_slashes, url_map.merge_slashes, url_map.redirect_defaults


class RememberingAdapter(MapAdapter):
    """A MapAdapter whose matches for its own request (Flask's match_request) are taken
    from, and kept in, `matches`: {(path, method): (map state, rule, values)}."""

    def __init__(self, matches: dict, *args) -> None:
        super().__init__(*args)
        self.matches = matches

    def match(self, path_info=None, method=None, return_rule=False, query_args=None, websocket=None):
        if path_info is not None or method is not None or websocket is not None or not return_rule:
            return super().match(path_info, method, return_rule, query_args, websocket)
        key = (self.path_info, self.default_method)
        kept = self.matches.get(key)
        state = _map_state(self.map)
        if kept is not None and kept[0] == state:
            return kept[1], dict(kept[2])  # a copy: Flask's url_value_preprocessors may change it
        rule, values = super().match(return_rule=True, query_args=query_args)
        if len(self.matches) >= _MATCHES_KEPT:
            self.matches.clear()
        self.matches[key] = (state, rule, dict(values))
        return rule, values


class LeanFlask(Flask):
    session_interface = NoSessions()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # binding key -> (request.host, adapter, its kept matches)
        self._bound: dict[tuple, tuple[str, MapAdapter, dict]] = {}

    def create_url_adapter(self, request):
        if request is None:  # the app context's: Flask's own (None without SERVER_NAME)
            return super().create_url_adapter(request)
        config, url_map = self.config, self.url_map
        if (config["TRUSTED_HOSTS"] is not None or config["SERVER_NAME"] is not None or url_map.host_matching
                or self.subdomain_matching):
            return super().create_url_adapter(request)
        environ = request.environ
        key = (url_map.default_subdomain, *map(environ.get, _BINDING_KEYS))
        bound = self._bound.get(key)
        if bound is None:
            adapter = super().create_url_adapter(request)  # raises for a bad Host: nothing kept
            if len(self._bound) >= _ADAPTERS_KEPT:
                self._bound.clear()
            self._bound[key] = (request.host, adapter, {})
            return adapter
        request.host, adapter, matches = bound
        path_info = environ.get("PATH_INFO")
        query = environ.get("QUERY_STRING")
        return RememberingAdapter(matches, url_map, adapter.server_name, adapter.script_name, adapter.subdomain,
                                  adapter.url_scheme, "/" if path_info is None else _wsgi_text(path_info),
                                  environ["REQUEST_METHOD"], None if query is None else _wsgi_text(query))

    def app_context(self) -> AppContext:
        return LeanAppContext(self)

    def full_dispatch_request(self):
        self._got_first_request = True
        try:
            if request_started.receivers:
                request_started.send(self, _async_wrapper=self.ensure_sync)
            rv = self.preprocess_request()
            if rv is None:
                rv = self.dispatch_request()
        except Exception as e:
            rv = self.handle_user_exception(e)
        return self.finalize_request(rv)

    def finalize_request(self, rv, from_error_handler: bool = False):
        if request_finished.receivers:
            return super().finalize_request(rv, from_error_handler)
        response = self.make_response(rv)
        try:
            response = self.process_response(response)
        except Exception:
            if not from_error_handler:
                raise
            self.logger.exception("Request finalizing failed with an error while handling an error")
        return response

    def do_teardown_appcontext(self, exc=_MISSING) -> None:
        if self.teardown_appcontext_funcs or appcontext_tearing_down.receivers:
            super().do_teardown_appcontext(*(() if exc is _MISSING else (exc,)))

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
        if request_tearing_down.receivers:
            if exc is _MISSING:
                exc = sys.exc_info()[1]
            request_tearing_down.send(self, _async_wrapper=self.ensure_sync, exc=exc)
