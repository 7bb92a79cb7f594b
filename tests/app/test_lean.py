"""LeanFlask skips only unused hooks, and remembered rows never go stale."""

from __future__ import annotations

import pytest
from flask import after_this_request, session
from petstore import create_app


@pytest.fixture
def lean_app(tmp_path):
    """Stand-in: SQLite in tmp_path."""
    app = create_app({"DATA_DIR": str(tmp_path), "LOG_LEVEL": "WARNING"})
    yield app
    app.extensions["petstore"].engine.dispose()


def test_hooks_registered_later_still_run(lean_app):
    calls = []
    lean_app.url_value_preprocessors[None].append(lambda endpoint, values: calls.append("url"))
    lean_app.before_request(lambda: calls.append("before"))
    lean_app.after_request(lambda resp: calls.append("after") or resp)
    lean_app.teardown_request(lambda exc: calls.append("teardown"))
    assert lean_app.test_client().get("/api/v1/health/live").status_code == 200
    assert calls == ["url", "before", "after", "teardown"]


def test_after_this_request_and_null_session(lean_app):
    seen = []

    @lean_app.get("/probe")
    def probe():
        seen.append(dict(session))
        with pytest.raises(RuntimeError):
            session["x"] = 1  # no sessions in this API: writing says so, as Flask's NullSession does

        @after_this_request
        def tag(resp):
            resp.headers["X-Probe"] = "1"
            return resp

        return "ok"

    resp = lean_app.test_client().get("/probe")
    assert resp.headers["X-Probe"] == "1"
    assert "Set-Cookie" not in resp.headers
    assert seen == [{}]


def test_remembered_rows_follow_updates(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    pet = client.post("/api/v1/pets", json={"name": "a", "species": "cat"}).get_json()
    url = f"/api/v1/pets/{pet['id']}"
    assert client.get(url).get_json() == pet
    assert client.get("/api/v1/pets").get_json()["items"] == [pet]
    changed = client.put(url, json={"name": "b", "species": "cat"}).get_json()
    assert changed["name"] == "b"
    assert client.get(url).get_json() == changed
    assert client.get("/api/v1/pets").get_json()["items"] == [changed]


def test_signals_connected_later_are_sent(lean_app):
    """Stand-in: SQLite in tmp_path. Nothing listens by default, so LeanFlask sends no
    signal; a receiver connected later gets each one as Flask sends it, in Flask's order,
    with the response and the (absent) exception, and after a failing view too."""
    from flask import signals

    names = ("appcontext_pushed", "request_started", "request_finished", "request_tearing_down",
             "appcontext_tearing_down", "appcontext_popped")
    seen: list[tuple[str, object]] = []

    def receiver(name):
        def got(sender, **kwargs):
            assert sender is lean_app
            seen.append((name, kwargs.get("response", kwargs.get("exc", "-"))))
        return got

    receivers = {name: receiver(name) for name in names}
    for name in names:
        getattr(signals, name).connect(receivers[name], lean_app)
    try:
        resp = lean_app.test_client().get("/api/v1/health/live")
        assert resp.status_code == 200
        assert [name for name, _ in seen] == list(names)
        finished = dict(seen)["request_finished"]
        assert finished.status_code == 200
        assert dict(seen)["request_tearing_down"] is None and dict(seen)["appcontext_tearing_down"] is None
        seen.clear()
        assert lean_app.test_client().get("/api/v1/pets/0").status_code == 404  # an error handler's answer
        assert [name for name, _ in seen] == list(names) and dict(seen)["request_finished"].status_code == 404
    finally:
        for name in names:
            getattr(signals, name).disconnect(receivers[name], lean_app)


def test_app_context_teardown_functions_still_run(lean_app):
    """Stand-in: SQLite in tmp_path; a teardown_appcontext function registered later."""
    torn = []
    lean_app.teardown_appcontext(lambda exc: torn.append(exc))
    assert lean_app.test_client().get("/api/v1/health/live").status_code == 200
    with lean_app.app_context():
        pass
    assert torn == [None, None]


def _adapter_fields(adapter) -> tuple:
    return (adapter.server_name, adapter.script_name, adapter.subdomain, adapter.url_scheme, adapter.path_info,
            adapter.default_method, adapter.query_args, adapter.websocket, adapter.map)


ENVIRONS = [
    {"HTTP_HOST": "api.example.com"},
    {"HTTP_HOST": "API.Example.com:8080", "QUERY_STRING": "limit=5&status=sold"},
    {"HTTP_HOST": "bücher.example"},  # IDNA-encoded by werkzeug
    {"HTTP_HOST": "api.example.com:443", "wsgi.url_scheme": "https"},
    {"HTTP_HOST": "api.example.com", "HTTP_CONNECTION": "keep-alive, Upgrade", "HTTP_UPGRADE": "websocket"},
    {"SERVER_NAME": "10.0.0.7", "SERVER_PORT": "8080"},  # no Host header (HTTP/1.0)
    {"HTTP_HOST": "api.example.com", "SCRIPT_NAME": "/prefix", "REQUEST_METHOD": "DELETE"},
    {"HTTP_HOST": "api.example.com", "PATH_INFO": "/api/v1/pets/caf\xc3\xa9"},  # latin-1 environ, UTF-8 path
]


@pytest.mark.parametrize("extra", ENVIRONS)
def test_url_adapters_are_flasks_own_for_any_host(lean_app, extra):
    """Stand-in: none; the adapter kept per Host (and the rest of the binding) gives what
    Flask binds afresh, first and later time alike, with only the path, method and query
    string of each request."""
    from flask import Flask
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    def request(path, method="GET", query=""):
        environ = EnvironBuilder(path=path, method=method, query_string=query).get_environ()
        for key in ("HTTP_HOST", "SERVER_NAME", "SERVER_PORT"):
            environ.pop(key, None)
        environ.update({"SERVER_NAME": "localhost", "SERVER_PORT": "80", **extra})
        return Request(environ)

    for path, method, query in (("/api/v1/pets/1", "GET", ""), ("/api/v1/pets", "POST", "x=%C3%A9"), ("/", "HEAD", "")):
        lean, plain = request(path, method, query), request(path, method, query)
        if "PATH_INFO" in extra:
            lean.environ["PATH_INFO"] = plain.environ["PATH_INFO"] = extra["PATH_INFO"]
        assert _adapter_fields(lean_app.create_url_adapter(lean)) == _adapter_fields(
            Flask.create_url_adapter(lean_app, plain))
        assert lean.host == plain.host


def test_the_host_of_each_request_builds_its_urls(lean_app):
    """Stand-in: none; external URLs and request.host follow the Host each request came
    with, after other Hosts were seen, with more Hosts than are kept, and SERVER_NAME set
    later is used as Flask uses it."""
    from flask import request, url_for

    @lean_app.get("/probe")
    def probe():
        return {"url": url_for("pets.get_pet", pet_id=7, _external=True), "host": request.host}

    client = lean_app.test_client()
    hosts = [f"h{n}.example:{8000 + n}" for n in range(100)] + ["h0.example:8000"]
    for host in hosts:
        assert client.get("/probe", headers={"Host": host}).get_json() == {
            "url": f"http://{host}/api/v1/pets/7", "host": host}
    assert len(lean_app._bound) <= 64
    lean_app.config["SERVER_NAME"] = "configured.example"
    assert client.get("/probe", headers={"Host": "configured.example"}).get_json()["url"] == (
        "http://configured.example/api/v1/pets/7")


def test_a_bad_host_is_refused_every_time(lean_app):
    """Stand-in: none; a Host IDNA cannot encode: 400 each time, never remembered."""
    client = lean_app.test_client()
    bad = "a..b" + "x" * 70 + ".example"
    for _ in range(2):
        assert client.get("/api/v1/health/live", headers={"Host": bad}).status_code == 400
    assert all(bad not in key for key in lean_app._bound)


ROUTES = [
    ("/api/v1/pets/1", "GET"), ("/api/v1/pets/01", "GET"), ("/api/v1/pets/1/", "GET"), ("/api/v1/pets/1", "HEAD"),
    ("/api/v1/pets/1", "PUT"), ("/api/v1/pets/1", "PATCH"), ("/api/v1/pets/x", "GET"), ("/api/v1/pets", "GET"),
    ("/api/v1/pets/", "POST"), ("/api/v1/pets/-1", "GET"), ("/api/v1/pets/caf\xc3\xa9", "GET"), ("//api/v1/pets", "GET"),
    ("/api/v1/store/orders/3", "DELETE"), ("/api/v1/health/live", "OPTIONS"), ("/nowhere", "GET"), ("/", "GET"),
]


def _werkzeug_match(lean_app, path, method):
    """What Flask's own adapter, bound afresh, says for this path and method."""
    from flask import Flask
    from werkzeug.exceptions import HTTPException
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    environ = EnvironBuilder(path="/", method=method).get_environ()
    environ["PATH_INFO"] = path
    try:
        rule, values = Flask.create_url_adapter(lean_app, Request(environ)).match(return_rule=True)
        return rule, values
    except HTTPException as exc:
        return type(exc), getattr(exc, "valid_methods", None)


def test_kept_matches_are_werkzeugs_own(lean_app):
    """Stand-in: none; every route, method, converter edge and error of the API, three
    times over (first binding, kept adapter, kept match): the rule and values Flask's own
    adapter gives, errors raised afresh each time, and values a view may change are a copy."""
    from werkzeug.exceptions import HTTPException
    from werkzeug.test import EnvironBuilder
    from werkzeug.wrappers import Request

    for _ in range(3):
        for path, method in ROUTES:
            environ = EnvironBuilder(path="/", method=method).get_environ()
            environ["PATH_INFO"] = path
            adapter = lean_app.create_url_adapter(Request(environ))
            try:
                got = adapter.match(return_rule=True)
            except HTTPException as exc:
                got = type(exc), getattr(exc, "valid_methods", None)
            assert got == _werkzeug_match(lean_app, path, method), (path, method)
            if not isinstance(got[0], type):
                got[1]["pet_id"] = "changed by a view"
    kept = [key for _host, _adapter, matches in lean_app._bound.values() for key in matches]
    assert ("/api/v1/pets/1", "GET") in kept and ("/nowhere", "GET") not in kept  # errors are never kept


def test_kept_matches_follow_the_url_map(lean_app):
    """Stand-in: none; a rule added after requests were matched is seen by the next
    match, and the matches kept per adapter are bounded."""
    from petstore import leanflask

    client = lean_app.test_client()
    assert client.get("/api/v1/pets/1/").status_code == 404  # no pets yet: the view ran
    assert client.get("/api/v1/extra/5").status_code == 404
    lean_app._got_first_request = False  # Flask refuses new routes after the first request
    lean_app.add_url_rule("/api/v1/extra/<int:n>", "extra", lambda n: {"n": n})
    assert client.get("/api/v1/extra/5").get_json() == {"n": 5}
    for n in range(leanflask._MATCHES_KEPT + 10):
        client.get(f"/api/v1/extra/{n}")
    assert all(len(matches) <= leanflask._MATCHES_KEPT for _h, _a, matches in lean_app._bound.values())


def test_remembered_reads_follow_every_kind_of_change(client, database_url, tmp_path):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised). A pet,
    a page, a missing pet and a count read again after a create, an update and a delete made
    through the API and, on SQLite, by another process's connection (the sqlite3 module on
    the same file): each read answers as the database does now."""
    import sqlite3

    missing = client.get("/api/v1/pets/1")
    assert missing.status_code == 404
    assert client.get("/api/v1/pets?limit=5").get_json()["items"] == []
    pet = client.post("/api/v1/pets", json={"name": "a", "species": "cat"}).get_json()
    assert client.get("/api/v1/pets/1").get_json() == pet
    page = client.get("/api/v1/pets?limit=5").get_json()
    assert page["items"] == [pet] and page["total"] == 1
    if database_url.startswith("sqlite"):
        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as other:
            other.execute("UPDATE pets SET name = 'renamed elsewhere' WHERE id = 1")
        assert client.get("/api/v1/pets/1").get_json()["name"] == "renamed elsewhere"
        assert [p["name"] for p in client.get("/api/v1/pets?limit=5").get_json()["items"]] == ["renamed elsewhere"]
        other.close()
    assert client.delete("/api/v1/pets/1").status_code == 204
    assert client.get("/api/v1/pets/1").status_code == 404
    assert client.get("/api/v1/pets?limit=5").get_json() == {"items": [], "total": 0, "limit": 5, "offset": 0}


def test_remembered_reads_are_bounded(lean_app):
    """Stand-in: SQLite in tmp_path; reads of more pets than are kept: memory stays bounded."""
    from petstore import fastread

    client = lean_app.test_client()
    client.post("/api/v1/pets", json={"name": "a", "species": "cat"})
    for pet_id in range(1, 3 * fastread._RESULTS_KEPT):
        client.get(f"/api/v1/pets/{pet_id}")
    assert client.get("/api/v1/pets/1").status_code == 200
    held = fastread._held_for(lean_app.extensions["petstore"].engine)
    assert 0 < len(held.cache) <= fastread._RESULTS_KEPT + 1
