"""Pets through the Flask test client, on SQLite in tmp_path and the real PostgreSQL."""

from __future__ import annotations

PETS = "/api/v1/pets"


def _create(client, **fields):
    body = {"name": "Rex", "species": "dog", **fields}
    resp = client.post(PETS, json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def test_create_read_replace_delete(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    resp = client.post(PETS, json={"name": "Rex", "species": "dog", "tag": "good"})
    assert resp.status_code == 201
    pet = resp.get_json()
    assert resp.headers["Location"] == f"{PETS}/{pet['id']}"
    assert pet["status"] == "available" and pet["tag"] == "good"
    assert pet["created_at"].endswith("Z")

    assert client.get(f"{PETS}/{pet['id']}").get_json() == pet

    resp = client.put(f"{PETS}/{pet['id']}", json={"name": "Rex II", "species": "dog", "status": "sold"})
    assert resp.status_code == 200
    assert resp.get_json()["name"] == "Rex II" and resp.get_json()["status"] == "sold"
    assert resp.get_json()["tag"] is None  # PUT replaces: an omitted tag is cleared

    resp = client.delete(f"{PETS}/{pet['id']}")
    assert resp.status_code == 204 and resp.data == b""
    assert client.get(f"{PETS}/{pet['id']}").status_code == 404
    assert client.delete(f"{PETS}/{pet['id']}").status_code == 404


def test_list_is_paginated_in_id_order_with_total(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    ids = [_create(client, name=f"p{i}")["id"] for i in range(7)]
    page1 = client.get(f"{PETS}?limit=3").get_json()
    page2 = client.get(f"{PETS}?limit=3&offset=3").get_json()
    page3 = client.get(f"{PETS}?limit=3&offset=6").get_json()
    got = [p["id"] for page in (page1, page2, page3) for p in page["items"]]
    assert got == ids
    assert (page1["total"], page1["limit"], page1["offset"]) == (7, 3, 0)
    assert len(page3["items"]) == 1


def test_list_limit_is_capped_by_pagination_limit(database_url):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    from petstore import create_app

    app = create_app({"DATABASE_URL": database_url, "PAGINATION_LIMIT": "5"})
    client = app.test_client()
    for i in range(8):
        _create(client, name=f"p{i}")
    body = client.get(f"{PETS}?limit=50").get_json()
    assert body["limit"] == 5 and len(body["items"]) == 5 and body["total"] == 8
    assert client.get(PETS).get_json()["limit"] == 5  # the default is capped too
    app.extensions["petstore"].engine.dispose()


def test_list_filters_by_status_and_species(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    _create(client, name="a", species="cat")
    _create(client, name="b", species="dog", status="sold")
    _create(client, name="c", species="cat", status="sold")
    body = client.get(f"{PETS}?status=sold&species=cat").get_json()
    assert [p["name"] for p in body["items"]] == ["c"] and body["total"] == 1
    assert client.get(f"{PETS}?species=cat").get_json()["total"] == 2


def test_list_rejects_bad_query_with_400(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    # a parameter that is present must be valid: an empty one is not "absent"
    for query in ("limit=abc", "limit=0", "offset=-1", "status=lost", "status=", "limit=",
                  "offset=", "limit=+5", "limit=%205", "limit=5_0", "species=", "species=%20",
                  "species=" + "x" * 51, "species=cat%0A", "species=%C2%85"):
        resp = client.get(f"{PETS}?{query}")
        assert resp.status_code == 400, query
        assert resp.content_type == "application/problem+json"


def test_validation_errors_are_422_with_field_list(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    resp = client.post(PETS, json={"name": "", "species": 3, "status": "lost", "colour": "red"})
    assert resp.status_code == 422
    fields = {e["field"] for e in resp.get_json()["errors"]}
    assert fields == {"name", "species", "status", "colour"}
    resp = client.post(PETS, json={"name": "nul\x00byte", "species": "dog"})
    assert resp.status_code == 422  # PostgreSQL would refuse the NUL: never a 500
    assert client.post(PETS, json=["a list"]).status_code == 422
    assert client.post(PETS, json={"name": "x" * 101, "species": "dog"}).status_code == 422
