"""Pets: list (paginated, filtered), create, read, replace, delete."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, Response, request, url_for
from sqlalchemy import Integer, and_, bindparam, func, select

from .db import write_tx
from .fastread import Query, reading
from .jsonresp import json_response
from .problems import ApiProblem
from .schema import PET_STATUSES, orders, pets
from .state import now, state
from .validation import (
    MAX_ID,
    MAX_OFFSET,
    json_object,
    pet_body,
    query_choice,
    query_int,
    query_text,
)

bp = Blueprint("pets", __name__)

_COLUMNS = (pets.c.id, pets.c.name, pets.c.species, pets.c.status, pets.c.tag,
            pets.c.created_at, pets.c.updated_at)


# Built once: constructing a statement per request costs more than running it on SQLite.
_BY_ID = Query(select(*_COLUMNS).where(pets.c.id == bindparam("pet_id")))
_INSERT = pets.insert().returning(*_COLUMNS)


def pet_json(row) -> dict:
    """The API's view of a pet from a Row (SQLAlchemy) or a dict (fastread)."""
    if isinstance(row, dict):
        return row  # fastread rows already have exactly these keys and ISO timestamps
    return {
        "id": row.id, "name": row.name, "species": row.species, "status": row.status,
        "tag": row.tag, "created_at": row.created_at, "updated_at": row.updated_at,
    }


def not_found(pet_id: int) -> ApiProblem:
    return ApiProblem(404, "Not Found", f"Pet {pet_id} does not exist.")


def _checked_id(pet_id: int) -> int:
    if not 1 <= pet_id <= MAX_ID:
        raise not_found(pet_id)
    return pet_id


@lru_cache(maxsize=4)
def _list_statements(by_status: bool, by_species: bool):
    """(page, count) for one combination of filters, built once; values are bound later."""
    conditions = []
    if by_status:
        conditions.append(pets.c.status == bindparam("status"))
    if by_species:
        conditions.append(pets.c.species == bindparam("species"))
    page = (select(*_COLUMNS).order_by(pets.c.id)
            .limit(bindparam("limit", type_=Integer)).offset(bindparam("offset", type_=Integer)))
    count = select(func.count()).select_from(pets)
    if conditions:
        page, count = page.where(and_(*conditions)), count.where(and_(*conditions))
    return Query(page), Query(count)


@bp.get("/pets")
def list_pets():
    st = state()
    args = request.args  # parsed once, read four times
    cap = st.settings.pagination_limit
    limit = min(query_int("limit", min(20, cap), 1, MAX_OFFSET, args), cap)
    offset = query_int("offset", 0, 0, MAX_OFFSET, args)
    status = query_choice("status", PET_STATUSES, args)
    species = query_text("species", 50, args)
    page, count = _list_statements(status is not None, species is not None)
    filters = {k: v for k, v in (("status", status), ("species", species)) if v is not None}
    with reading(st.engine) as reader:
        rows = page.all_until_change(reader, limit=limit, offset=offset, **filters)
        total = count.scalar_until_change(reader, **filters)
    # fastread rows already have the API's keys and ISO timestamps (see pet_json).
    return json_response({"items": rows, "total": total, "limit": limit,
                          "offset": offset})


@bp.post("/pets")
def create_pet():
    values = pet_body(json_object())
    stamp = now()
    with write_tx(state().engine) as conn:
        row = conn.execute(_INSERT, {**values, "created_at": stamp, "updated_at": stamp}).one()
    resp = json_response(pet_json(row), 201)
    resp.headers["Location"] = url_for("pets.get_pet", pet_id=row.id)
    return resp


@bp.get("/pets/<int:pet_id>")
def get_pet(pet_id: int):
    _checked_id(pet_id)
    with reading(state().engine) as reader:
        row = _BY_ID.first_until_change(reader, pet_id=pet_id)
    if row is None:
        raise not_found(pet_id)
    return json_response(pet_json(row))


@bp.put("/pets/<int:pet_id>")
def replace_pet(pet_id: int):
    _checked_id(pet_id)
    values = pet_body(json_object())
    values.setdefault("tag", None)
    with write_tx(state().engine) as conn:
        row = conn.execute(
            pets.update().where(pets.c.id == pet_id).values(**values, updated_at=now()).returning(*_COLUMNS)
        ).first()
    if row is None:
        raise not_found(pet_id)
    return json_response(pet_json(row))


@bp.delete("/pets/<int:pet_id>")
def delete_pet(pet_id: int):
    _checked_id(pet_id)
    with write_tx(state().engine) as conn:
        # FOR UPDATE (PostgreSQL) keeps an order from landing between the check and the delete.
        exists = conn.execute(select(pets.c.id).where(pets.c.id == pet_id).with_for_update()).first()
        if exists is None:
            raise not_found(pet_id)
        open_order = conn.execute(
            select(orders.c.id).where(orders.c.pet_id == pet_id, orders.c.status == "placed").limit(1)
        ).first()
        if open_order is not None:
            raise ApiProblem(409, "Conflict", f"Pet {pet_id} has open order {open_order.id}; cancel it first.")
        conn.execute(orders.delete().where(orders.c.pet_id == pet_id))
        conn.execute(pets.delete().where(pets.c.id == pet_id))
    resp = Response(status=204)
    del resp.headers["Content-Type"]  # no body, so no media type
    return resp
