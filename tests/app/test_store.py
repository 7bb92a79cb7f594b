"""Orders and inventory through the Flask test client, on SQLite and PostgreSQL."""

from __future__ import annotations

ORDERS = "/api/v1/store/orders"


def _pet(client, **fields):
    return client.post("/api/v1/pets", json={"name": "Tom", "species": "cat", **fields}).get_json()


def test_order_makes_pet_pending_and_cancel_frees_it(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    pet = _pet(client)
    resp = client.post(ORDERS, json={"pet_id": pet["id"]})
    assert resp.status_code == 201
    order = resp.get_json()
    assert order["status"] == "placed" and resp.headers["Location"] == f"{ORDERS}/{order['id']}"
    assert client.get(f"/api/v1/pets/{pet['id']}").get_json()["status"] == "pending"
    assert client.get(f"{ORDERS}/{order['id']}").get_json() == order

    second = client.post(ORDERS, json={"pet_id": pet["id"]})
    assert second.status_code == 409 and "pending" in second.get_json()["detail"]
    assert client.delete(f"/api/v1/pets/{pet['id']}").status_code == 409  # open order

    resp = client.delete(f"{ORDERS}/{order['id']}")
    assert resp.status_code == 200 and resp.get_json()["status"] == "cancelled"
    assert client.get(f"/api/v1/pets/{pet['id']}").get_json()["status"] == "available"
    # a DELETEd order is gone for its client (the row stays, for history): 404 saying why
    for again in (client.get(f"{ORDERS}/{order['id']}"), client.delete(f"{ORDERS}/{order['id']}")):
        assert again.status_code == 404 and "was cancelled" in again.get_json()["detail"]
    assert client.post(ORDERS, json={"pet_id": pet["id"]}).status_code == 201


def test_order_for_missing_or_unavailable_pet(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    resp = client.post(ORDERS, json={"pet_id": 424242})
    assert resp.status_code == 422 and resp.get_json()["errors"][0]["field"] == "pet_id"
    sold = _pet(client, status="sold")
    assert client.post(ORDERS, json={"pet_id": sold["id"]}).status_code == 409
    for bad in ({"pet_id": True}, {"pet_id": "1"}, {"pet_id": 0}, {}, {"pet_id": 1, "x": 1}):
        assert client.post(ORDERS, json=bad).status_code == 422, bad
    assert client.get(f"{ORDERS}/999").status_code == 404
    assert client.delete(f"{ORDERS}/999").status_code == 404


def test_inventory_counts_by_status(client):
    """Stand-in: SQLite in tmp_path / real PostgreSQL on 127.0.0.1:5432 (parametrised)."""
    assert client.get("/api/v1/store/inventory").get_json() == {"available": 0, "pending": 0, "sold": 0}
    pets = [_pet(client) for _ in range(3)]
    _pet(client, status="sold")
    client.post(ORDERS, json={"pet_id": pets[0]["id"]})
    assert client.get("/api/v1/store/inventory").get_json() == {"available": 2, "pending": 1, "sold": 1}
