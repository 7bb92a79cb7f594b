"""json_response (orjson on the hot paths) gives exactly jsonify's bytes and headers."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import uuid

import pytest
from flask import Flask, jsonify
from petstore.jsonresp import encode, json_response

TEXTS = ["Rex", "", "a/b", 'quote " and \\ backslash', "tab\tnew\nline\r\x00\x1f", "del\x7f",
         "café", "日本語", "emoji 🐕", "surrogate \ud800", "<script>&amp;</script>", "seed-1.5e10"]


@dataclasses.dataclass
class _Point:
    x: int
    label: str


@pytest.fixture(scope="module")
def flask_app():
    app = Flask("jsonresp_test")
    app.json.sort_keys = False  # as build_app sets it
    return app


@pytest.mark.parametrize("text", TEXTS)
def test_strings_match_jsonify(flask_app, text):
    """Stand-in: a bare Flask app (no database)."""
    doc = {"items": [{"id": 1, "name": text, "tag": None}], "total": 1, text: True}
    with flask_app.app_context():
        expected = jsonify(doc)
        got = json_response(doc)
    assert got.get_data() == expected.get_data()
    assert got.headers["Content-Type"] == expected.headers["Content-Type"]
    assert got.headers["Content-Length"] == expected.headers["Content-Length"]
    assert got.status_code == 200


@pytest.mark.parametrize("value", [
    0, -1, 2**63 - 1, -(2**63), 2**64, 10**30, True, False, None, [], {}, [1, [2, [3]]],
    {"b": 1, "a": 2}, {1: "int key"}, decimal.Decimal("1.10"), uuid.UUID(int=7),
    datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.UTC), datetime.date(2026, 1, 2),
    _Point(1, "p"),
])
def test_other_values_match_jsonify(flask_app, value):
    """Stand-in: a bare Flask app (no database)."""
    with flask_app.app_context():
        assert encode({"v": value}) == jsonify({"v": value}).get_data()


def test_status_is_kept(flask_app):
    """Stand-in: a bare Flask app (no database)."""
    with flask_app.app_context():
        assert json_response({"id": 1}, 201).status_code == 201


def test_api_pages_match_jsonify(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    for name in ("Rex", "Zoé", "Ångström 🐈"):
        assert client.post("/api/v1/pets", json={"name": name, "species": "cat", "tag": "t"}).status_code == 201
    page = client.get("/api/v1/pets?limit=20")
    one = client.get("/api/v1/pets/2")
    with client.application.app_context():
        assert page.get_data() == jsonify(page.get_json()).get_data()
        assert one.get_data() == jsonify(one.get_json()).get_data()
    assert page.get_json()["items"][2]["name"] == "Ångström 🐈"


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
@pytest.mark.parametrize("case", ["plain", "created", "location", "content-location", "no-length", "cors", "iterable",
                                  "not-modified", "no-content", "on-close", "text-body", "passthrough"])
def test_json_responses_reach_the_server_as_werkzeugs_do(flask_app, method, case):
    """Stand-in: a bare Flask app (no database). What the WSGI server is handed (status,
    header list, body) equals werkzeug's own Response for the same answer, in the cases
    the short way takes and in those it leaves to werkzeug."""
    from flask import Response
    from petstore.jsonresp import JsonResponse
    from werkzeug.test import EnvironBuilder

    def answer(kind):
        status = {"created": 201, "not-modified": 304, "no-content": 204}.get(case, 200)
        resp = kind(encode({"id": 1, "name": "café"}), status=status, content_type="application/json")
        if case == "location":
            resp.headers["Location"] = "/api/v1/pets/ü"
        elif case == "content-location":
            resp.headers["Content-Location"] = "/api/v1/pets/ü"
        elif case == "no-length":
            del resp.headers["Content-Length"]
        elif case == "cors":
            resp.headers["Access-Control-Allow-Origin"] = "https://shop.example"
            resp.vary.add("Origin")
        elif case == "iterable":
            resp.response = iter([b"{", b"}"])
        elif case == "on-close":
            resp.call_on_close(lambda: closed.append(kind))
        elif case == "text-body":
            resp.response = ["{", "}"]
        elif case == "passthrough":
            resp.direct_passthrough = True
        return resp

    closed = []
    environ = EnvironBuilder(path="/api/v1/pets/1", method=method).get_environ()
    ours, theirs = answer(JsonResponse), answer(Response)
    ours_iter, ours_status, ours_headers = ours.get_wsgi_response(dict(environ))
    their_iter, their_status, their_headers = theirs.get_wsgi_response(dict(environ))
    assert (ours_status, ours_headers) == (their_status, their_headers)
    assert b"".join(ours_iter) == b"".join(their_iter)
    for answered in (ours_iter, their_iter):  # as a WSGI server ends a response
        getattr(answered, "close", lambda: None)()
    assert closed.count(JsonResponse) == closed.count(Response)
    assert isinstance(json_response({"a": 1}), JsonResponse)


@pytest.mark.parametrize("status", [200, 201, 204, 299, 400, 404, 409, 422, 500, 503, 599])
def test_json_responses_are_built_as_werkzeugs_constructor_builds_them(flask_app, status):
    """Stand-in: a bare Flask app (no database). json_response skips the constructor: every
    attribute, header (in order), the status line and the WSGI answer are the same."""
    from petstore.jsonresp import JsonResponse

    doc = {"id": 1, "name": "Rex"}
    with flask_app.app_context():
        got = json_response(doc, status)
        expected = JsonResponse(encode(doc), status=status, content_type="application/json")
    assert vars(got).keys() == vars(expected).keys()
    for name in vars(expected):
        if name != "headers":
            assert getattr(got, name) == getattr(expected, name), name
    assert list(got.headers) == list(expected.headers) and got.status == expected.status
    environ = {"REQUEST_METHOD": "GET", "SERVER_NAME": "x", "SERVER_PORT": "80", "wsgi.url_scheme": "http"}
    got_iter, got_status, got_headers = got.get_wsgi_response(environ)
    want_iter, want_status, want_headers = expected.get_wsgi_response(environ)
    assert (list(got_iter), got_status, got_headers) == (list(want_iter), want_status, want_headers)
