"""`json_response(obj)`: the bytes and headers of Flask's `jsonify(obj)`, for the hot paths."""

# Why: jsonify goes through the JSON provider and builds a new json.JSONEncoder on every call
# (json.dumps with options); encoding a page of 20 pets that way took about a fifth of the
# list endpoint's CPU time. orjson encodes the same page about 20 times faster.
#
# The bytes are exactly jsonify's with this app's settings (compact separators, keys in
# insertion order, ASCII only, trailing newline, Flask's conversions for dates, decimals,
# UUIDs and dataclasses): orjson's output is used only when it is printable ASCII, where
# the two encoders agree; otherwise (non-ASCII text, which orjson writes as UTF-8 and
# jsonify as \u escapes; DEL; integers beyond 64 bits, which orjson refuses) the standard
# library encoder that jsonify uses writes the body. For documents of strings, integers,
# booleans and nulls (every pet and order): floats are spelled differently by the two
# (1e+16 and 1e16), so a document with floats should use jsonify. Debug mode's indentation is
# not reproduced. tests/app/test_jsonresp.py holds the two to the same bytes.

from __future__ import annotations

import json

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider
from werkzeug.datastructures import Headers

_default = DefaultJSONProvider.default
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=True, sort_keys=False, default=_default)
# Dates and dataclasses go to Flask's own conversion (orjson would write them its own way).
_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_APPEND_NEWLINE
_MEDIA_TYPE = "application/json"
_REWORKED = ("location", "content-location")  # headers werkzeug rewrites on the way out


def encode(obj: object) -> bytes:
    """jsonify's body for `obj` (no floats in it), as bytes."""
    try:
        body = orjson.dumps(obj, default=_default, option=_OPTIONS)
    except (orjson.JSONEncodeError, TypeError, ValueError):
        body = None
    if body is None or not body.isascii() or b"\x7f" in body:
        return f"{_ENCODER.encode(obj)}\n".encode()
    return body


class JsonResponse(Response):
    """A Response that hands itself to the WSGI server without werkzeug's header rework
    where there is none to do.

    werkzeug's get_wsgi_headers copies the headers, then rewrites a Location or
    Content-Location (IRI to URI), drops the length of a 1xx, 204 or 304 answer and fills
    in a missing Content-Length; a JSON body from json_response has its length and, on a
    read, none of the rest, so the copy and the scan are a tenth of a cached read's CPU
    time. Any of those cases takes werkzeug's own way (tests/app/test_jsonresp.py)."""

    def get_wsgi_response(self, environ):
        status = self.status_code
        if 200 <= status < 300 and status != 204:
            sized = False
            for key, _ in self.headers:  # one pass (a missing key costs `in` an exception)
                key = key.lower()
                if key == "content-length":
                    sized = True
                elif key in _REWORKED:
                    break
            else:
                if sized:
                    return self._app_iter(environ), self.status, self.headers.to_wsgi_list()
        return super().get_wsgi_response(environ)

    def _app_iter(self, environ):
        """get_app_iter's answer; a body of bytes with nothing to call on close goes out as
        the list it is (werkzeug would wrap it in a ClosingIterator over a generator whose
        close has nothing to do: a few µs a request)."""
        body = self.response
        if (type(body) is list and not self._on_close and environ["REQUEST_METHOD"] != "HEAD"
                and not self.direct_passthrough and all(type(item) is bytes for item in body)):
            return body
        return self.get_app_iter(environ)


_STATUS_LINES: dict[int, str] = {}  # code -> werkzeug's status line ("200 OK")


def _status_line(status: int) -> str:
    line = _STATUS_LINES.get(status)
    if line is None:
        line = _STATUS_LINES[status] = Response(status=status).status
    return line


def json_response(obj: object, status: int = 200) -> Response:
    """What `JsonResponse(body, status=status, content_type="application/json")` builds,
    attribute for attribute, without werkzeug's constructor: its header, mimetype and
    status handling was a tenth of a cached read's CPU time for a result known in
    advance (Content-Type, then Content-Length; tests/app/test_jsonresp.py compares the
    two)."""
    body = encode(obj)
    resp = JsonResponse.__new__(JsonResponse)
    # Headers' constructor checks every value for newlines; these two are known (werkzeug
    # 3.1 keeps them in _list, requirements.lock pins it; the test compares the headers).
    resp.headers = headers = Headers()
    headers._list = [("Content-Type", _MEDIA_TYPE), ("Content-Length", str(len(body)))]
    resp._status, resp._status_code = _status_line(status), status
    resp.direct_passthrough = False
    resp._on_close = []
    resp.response = [body]
    return resp
