"""Check request bodies and query strings; failures become 400, 415 or 422 problems."""

from __future__ import annotations

import unicodedata

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from .problems import ApiProblem
from .schema import PET_STATUSES

MAX_ID = 2**63 - 1
MAX_OFFSET = 2**31 - 1


def json_object() -> dict:
    """The request body as a JSON object (415 when not JSON, 400 when malformed)."""
    if not request.is_json:
        raise UnsupportedMediaType()
    try:
        data = request.get_json(force=True, silent=False)
    except BadRequest:
        raise ApiProblem(400, "Bad Request", "The body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiProblem(422, "Unprocessable Content", "The body must be a JSON object.")
    return data


def _unprocessable(errors: list[dict]) -> ApiProblem:
    return ApiProblem(422, "Unprocessable Content", "The body failed validation.", errors)


def _text(data: dict, name: str, max_len: int, errors: list, required: bool) -> str | None:
    if name not in data or data[name] is None:
        if required:
            errors.append({"field": name, "message": "is required"})
        return None
    value = data[name]
    if not isinstance(value, str):
        errors.append({"field": name, "message": "must be a string"})
        return None
    if not value.strip():
        errors.append({"field": name, "message": "must not be blank"})
    elif len(value) > max_len:
        errors.append({"field": name, "message": f"must be at most {max_len} characters"})
    elif any(unicodedata.category(ch) in ("Cc", "Cs") for ch in value):
        # NUL and lone surrogates cannot be stored (PostgreSQL refuses NUL; UTF-8 refuses
        # surrogates); other control characters have no place in a name.
        errors.append({"field": name, "message": "must not contain control characters"})
    else:
        return value
    return None


def pet_body(data: dict) -> dict:
    """Validate a pet for create or full replace (name, species required)."""
    errors: list[dict] = []
    unknown = sorted(set(data) - {"name", "species", "status", "tag"})
    for key in unknown:
        errors.append({"field": str(key)[:50], "message": "is not a known field"})
    values = {
        "name": _text(data, "name", 100, errors, required=True),
        "species": _text(data, "species", 50, errors, required=True),
        "tag": _text(data, "tag", 50, errors, required=False),
    }
    status = data.get("status", "available")
    if status not in PET_STATUSES:
        errors.append({"field": "status", "message": f"must be one of {', '.join(PET_STATUSES)}"})
    values["status"] = status
    if errors:
        raise _unprocessable(errors)
    return values


def order_body(data: dict) -> int:
    errors: list[dict] = []
    for key in sorted(set(data) - {"pet_id"}):
        errors.append({"field": str(key)[:50], "message": "is not a known field"})
    pet_id = data.get("pet_id")
    if pet_id is None:
        errors.append({"field": "pet_id", "message": "is required"})
    elif isinstance(pet_id, bool) or not isinstance(pet_id, int) or not 1 <= pet_id <= MAX_ID:
        errors.append({"field": "pet_id", "message": "must be a positive integer"})
    if errors:
        raise _unprocessable(errors)
    return pet_id


def query_int(name: str, default: int, minimum: int, maximum: int, args=None) -> int:
    raw = (request.args if args is None else args).get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiProblem(400, "Bad Request", f"Query parameter {name!r} must be an integer.") from None
    if not minimum <= value <= maximum:
        raise ApiProblem(400, "Bad Request", f"Query parameter {name!r} must be between {minimum} and {maximum}.")
    return value


def query_choice(name: str, choices: tuple[str, ...], args=None) -> str | None:
    raw = (request.args if args is None else args).get(name)
    if raw is None or raw == "":
        return None
    if raw not in choices:
        raise ApiProblem(400, "Bad Request", f"Query parameter {name!r} must be one of {', '.join(choices)}.")
    return raw


def query_text(name: str, max_len: int, args=None) -> str | None:
    raw = (request.args if args is None else args).get(name)
    if raw is None or raw == "":
        return None
    if len(raw) > max_len or any(unicodedata.category(ch) in ("Cc", "Cs") for ch in raw):
        raise ApiProblem(400, "Bad Request", f"Query parameter {name!r} must be up to {max_len} printable characters.")
    return raw
