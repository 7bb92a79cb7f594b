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
