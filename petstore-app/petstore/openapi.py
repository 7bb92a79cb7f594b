"""The OpenAPI 3.1 document, built for the configured API prefix and pagination cap."""

from __future__ import annotations

from . import __version__
from .config import Settings
from .schema import ORDER_STATUSES, PET_STATUSES
from .validation import TEXT_PATTERN

_MAX_ID = 2**63 - 1
_PROBLEM = "application/problem+json"


def _text(max_len: int) -> dict:
    # validation.text_problem checks exactly this
    return {"type": "string", "minLength": 1, "maxLength": max_len, "pattern": TEXT_PATTERN,
            "description": "Not blank; no control characters (Unicode Cc) or unpaired surrogates."}


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {_PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _ok(description: str, ref: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _errors(*codes: int) -> dict:
    words = {400: "Bad request: malformed JSON, or a query parameter outside its schema "
                  "(an empty value included)",
             404: "Not found", 409: "Conflict with the current state",
             413: "Body too large", 415: "Body is not JSON", 422: "Body failed validation",
             503: "Database unavailable or read-only"}
    return {str(code): _problem(words[code]) for code in codes}


def _link(operation_id: str, description: str, *, parameters: dict | None = None,
          body: dict | None = None) -> dict:
    link: dict = {"operationId": operation_id, "description": description}
    if parameters:
        link["parameters"] = parameters
    if body:
        link["requestBody"] = body
    return link


def _json_body(ref: str) -> dict:
    return {"required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


def _id_param(name: str) -> dict:
    return {"name": name, "in": "path", "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": _MAX_ID}}


def build(settings: Settings) -> dict:
    p = settings.api_prefix
    cap = settings.pagination_limit
    ts = {"type": "string", "format": "date-time"}
    schemas = {
        "Problem": {
            "type": "object", "required": ["type", "title", "status", "detail"],
            "properties": {
                "type": {"type": "string"}, "title": {"type": "string"},
                "status": {"type": "integer"}, "detail": {"type": "string"},
                "instance": {"type": "string"}, "request_id": {"type": "string"},
                "errors": {"type": "array", "items": {
                    "type": "object", "required": ["field", "message"],
                    "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
            },
        },
        "PetInput": {
            "type": "object", "required": ["name", "species"], "additionalProperties": False,
            "properties": {
                "name": _text(100), "species": _text(50),
                "status": {"type": "string", "enum": list(PET_STATUSES), "default": "available"},
                "tag": {"anyOf": [_text(50), {"type": "null"}]},
            },
        },
        "Pet": {
            "type": "object",
            "required": ["id", "name", "species", "status", "tag", "created_at", "updated_at"],
            "properties": {
                "id": {"type": "integer", "minimum": 1}, "name": {"type": "string"},
                "species": {"type": "string"},
                "status": {"type": "string", "enum": list(PET_STATUSES)},
                "tag": {"type": ["string", "null"]}, "created_at": ts, "updated_at": ts,
            },
        },
        "PetList": {
            "type": "object", "required": ["items", "total", "limit", "offset"],
            "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}},
                "total": {"type": "integer", "minimum": 0},
                "limit": {"type": "integer", "minimum": 1, "maximum": cap},
                "offset": {"type": "integer", "minimum": 0},
            },
        },
        "OrderInput": {
            "type": "object", "required": ["pet_id"], "additionalProperties": False,
            "properties": {"pet_id": {"type": "integer", "minimum": 1, "maximum": _MAX_ID}},
        },
        "Order": {
            "type": "object", "required": ["id", "pet_id", "status", "created_at", "updated_at"],
            "properties": {
                "id": {"type": "integer", "minimum": 1}, "pet_id": {"type": "integer"},
                "status": {"type": "string", "enum": list(ORDER_STATUSES)},
                "created_at": ts, "updated_at": ts,
            },
        },
        "Inventory": {
            "type": "object", "required": list(PET_STATUSES),
            "properties": {s: {"type": "integer", "minimum": 0} for s in PET_STATUSES},
        },
        "Health": {
            "type": "object", "required": ["status", "version", "environment", "database"],
            "properties": {
                "status": {"const": "ok"}, "version": {"type": "string"},
                "api_version": {"type": "string"}, "environment": {"type": "string"},
                "database": {"enum": ["sqlite", "postgresql"]},
            },
        },
    }
    pet_id, order_id = _id_param("pet_id"), _id_param("order_id")
    location = {"Location": {"schema": {"type": "string"}, "description": "URL of the new resource"}}
    # Links: what a client (and schemathesis' stateful phase) can do with what it created.
    new_pet = {"pet_id": "$response.body#/id"}
    pet_links = {
        "GetPet": _link("getPet", "Read the new pet", parameters=new_pet),
        "ReplacePet": _link("replacePet", "Replace the new pet", parameters=new_pet),
        "DeletePet": _link("deletePet", "Delete the new pet", parameters=new_pet),
        "OrderPet": _link("placeOrder", "Order the new pet", body=new_pet),
    }
    new_order = {"order_id": "$response.body#/id"}
    order_links = {
        "GetOrder": _link("getOrder", "Read the new order", parameters=new_order),
        "CancelOrder": _link("cancelOrder", "Cancel the new order", parameters=new_order),
        "GetOrderedPet": _link("getPet", "Read the ordered pet (now pending)",
                               parameters={"pet_id": "$response.body#/pet_id"}),
    }
    paths = {
        f"{p}/health": {"get": {
            "operationId": "health", "summary": "Liveness and readiness, with a database round trip",
            "responses": {"200": _ok("Healthy", "Health"), **_errors(503)}}},
        f"{p}/health/live": {"get": {
            "operationId": "live", "summary": "Liveness only: the process answers (no database)",
            "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {
                "type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}}}}}}},
        f"{p}/openapi.json": {"get": {
            "operationId": "openapi", "summary": "This document",
            "responses": {"200": {"description": "OpenAPI 3.1 document",
                                  "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        f"{p}/pets": {
            "get": {
                "operationId": "listPets", "summary": "List pets in id order",
                "parameters": [
                    {"name": "limit", "in": "query", "description": f"Page size, capped at {cap}",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}},
                    {"name": "offset", "in": "query",
                     "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}},
                    {"name": "status", "in": "query", "schema": {"type": "string", "enum": list(PET_STATUSES)}},
                    {"name": "species", "in": "query", "schema": _text(50)},
                ],
                "responses": {"200": _ok("A page of pets", "PetList"), **_errors(400, 503)},
            },
            "post": {
                "operationId": "createPet", "summary": "Add a pet", "requestBody": _json_body("PetInput"),
                "responses": {"201": {**_ok("Created", "Pet"), "headers": location, "links": pet_links},
                              **_errors(400, 413, 415, 422, 503)},
            },
        },
        f"{p}/pets/{{pet_id}}": {
            "parameters": [pet_id],
            "get": {"operationId": "getPet", "summary": "Read a pet",
                    "responses": {"200": _ok("The pet", "Pet"), **_errors(404, 503)}},
            "put": {"operationId": "replacePet", "summary": "Replace a pet's fields",
                    "requestBody": _json_body("PetInput"),
                    "responses": {"200": _ok("The updated pet", "Pet"),
                                  **_errors(400, 404, 413, 415, 422, 503)}},
            "delete": {"operationId": "deletePet", "summary": "Delete a pet without open orders",
                       "responses": {"204": {"description": "Deleted"}, **_errors(404, 409, 503)}},
        },
        f"{p}/store/orders": {"post": {
            "operationId": "placeOrder", "summary": "Order an available pet (it becomes pending)",
            "requestBody": _json_body("OrderInput"),
            "responses": {"201": {**_ok("Order placed", "Order"), "headers": location, "links": order_links},
                          **_errors(400, 413, 415, 503),
                          "409": _problem("The pet exists but is not available (pending or sold)"),
                          "422": _problem("Body failed validation, or pet_id names no pet "
                                          "(errors: pet_id, no such pet)")}}},
        f"{p}/store/orders/{{order_id}}": {
            "parameters": [order_id],
            "get": {"operationId": "getOrder", "summary": "Read a placed order",
                    "responses": {"200": _ok("The order", "Order"), **_errors(503),
                                  "404": _problem("No such order, or it was cancelled")}},
            "delete": {"operationId": "cancelOrder",
                       "summary": "Cancel a placed order (its pet becomes available again); "
                                  "the order then answers 404",
                       "responses": {"200": _ok("The cancelled order", "Order"), **_errors(503),
                                     "404": _problem("No such order, or it was already cancelled")}},
        },
        f"{p}/store/inventory": {"get": {
            "operationId": "inventory", "summary": "Pet counts by status",
            "responses": {"200": _ok("Counts", "Inventory"), **_errors(503)}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "Pet Store API", "version": __version__,
                 "description": "Errors are RFC 9457 problem details (application/problem+json)."},
        "paths": paths,
        "components": {"schemas": schemas},
    }
