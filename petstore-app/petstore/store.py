"""Store: place an order (the pet turns pending atomically), read it, cancel it; inventory."""

from __future__ import annotations

from flask import Blueprint, jsonify, url_for
from sqlalchemy import func, select

from .db import read_tx, write_tx
from .problems import ApiProblem
from .schema import PET_STATUSES, orders, pets
from .state import now, state
from .validation import MAX_ID, json_object, order_body

bp = Blueprint("store", __name__)

_COLUMNS = (orders.c.id, orders.c.pet_id, orders.c.status, orders.c.created_at, orders.c.updated_at)


def order_json(row) -> dict:
    return {"id": row.id, "pet_id": row.pet_id, "status": row.status,
            "created_at": row.created_at, "updated_at": row.updated_at}


def _not_found(order_id: int) -> ApiProblem:
    return ApiProblem(404, "Not Found", f"Order {order_id} does not exist.")


def _cancelled(row) -> ApiProblem:
    # DELETE cancels: the row stays (the order's history) but the resource is gone, as a
    # client of DELETE expects: 404, saying why.
    return ApiProblem(404, "Not Found", f"Order {row.id} was cancelled at {row.updated_at}.")


@bp.post("/store/orders")
def place_order():
    pet_id = order_body(json_object())
    stamp = now()
    with write_tx(state().engine) as conn:
        # The conditional UPDATE is the whole race: one transaction flips the pet from
        # available to pending; every concurrent one then matches no row (PostgreSQL
        # re-checks the WHERE after the winner commits; SQLite serialises writers).
        claimed = conn.execute(
            pets.update()
            .where(pets.c.id == pet_id, pets.c.status == "available")
            .values(status="pending", updated_at=stamp)
        ).rowcount
        if claimed != 1:
            status = conn.execute(select(pets.c.status).where(pets.c.id == pet_id)).scalar()
            if status is None:
                raise ApiProblem(422, "Unprocessable Content", f"Pet {pet_id} does not exist.",
                                 [{"field": "pet_id", "message": "no such pet"}])
            raise ApiProblem(409, "Conflict", f"Pet {pet_id} is {status}, not available.")
        row = conn.execute(
            orders.insert().values(pet_id=pet_id, status="placed", created_at=stamp, updated_at=stamp)
            .returning(*_COLUMNS)
        ).one()
    resp = jsonify(order_json(row))
    resp.status_code = 201
    resp.headers["Location"] = url_for("store.get_order", order_id=row.id)
    return resp


@bp.get("/store/orders/<int:order_id>")
def get_order(order_id: int):
    if order_id > MAX_ID:
        raise _not_found(order_id)
    with read_tx(state().engine, single=True) as conn:
        row = conn.execute(select(*_COLUMNS).where(orders.c.id == order_id)).first()
    if row is None:
        raise _not_found(order_id)
    if row.status == "cancelled":
        raise _cancelled(row)
    return jsonify(order_json(row))


@bp.delete("/store/orders/<int:order_id>")
def cancel_order(order_id: int):
    """Cancel a placed order; its pet becomes available again if it is still pending. The
    answer is the cancelled order; from then on the order answers 404."""
    if order_id > MAX_ID:
        raise _not_found(order_id)
    stamp = now()
    with write_tx(state().engine) as conn:
        row = conn.execute(select(*_COLUMNS).where(orders.c.id == order_id).with_for_update()).first()
        if row is None:
            raise _not_found(order_id)
        if row.status == "cancelled":
            raise _cancelled(row)
        row = conn.execute(
            orders.update().where(orders.c.id == order_id).values(status="cancelled", updated_at=stamp)
            .returning(*_COLUMNS)
        ).one()
        conn.execute(
            pets.update().where(pets.c.id == row.pet_id, pets.c.status == "pending")
            .values(status="available", updated_at=stamp)
        )
    return jsonify(order_json(row))


@bp.get("/store/inventory")
def inventory():
    with read_tx(state().engine, single=True) as conn:
        counts = dict(conn.execute(select(pets.c.status, func.count()).group_by(pets.c.status)).all())
    return jsonify({status: counts.get(status, 0) for status in PET_STATUSES})
