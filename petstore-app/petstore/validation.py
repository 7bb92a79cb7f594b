"""Check request bodies and query strings; failures become 400, 415 or 422 problems."""

from __future__ import annotations

import re

from flask import request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from .problems import ApiProblem
from .schema import PET_STATUSES

MAX_ID = 2**63 - 1
MAX_OFFSET = 2**31 - 1

# What a name, species or tag may hold; openapi.py publishes the same rule as a `pattern`,
# so the document and this check cannot drift apart. No control characters (Unicode Cc:
# C0, DEL, C1): NUL cannot be stored in PostgreSQL and the rest have no place in a name.
# At least one character that is not white space (what str.isspace() calls space, less
# what CONTROL already excludes). Unpaired surrogates (JSON "\ud800") are refused too,
# since UTF-8 cannot store them; the pattern leaves them out because JSON Schema's regex
# engines (ECMA-262 without the u flag, Rust's) cannot name them, and the document's
# description says it instead.
CONTROL = r"\u0000-\u001f\u007f-\u009f"
SPACE = r" \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
TEXT_PATTERN = rf"^[^{CONTROL}]*[^{CONTROL}{SPACE}][^{CONTROL}]*$"
_UNSTORABLE = re.compile(rf"[{CONTROL}\ud800-\udfff]")
_VISIBLE = re.compile(f"[^{CONTROL}{SPACE}]")


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
    problem = text_problem(value, max_len)
    if problem is None:
        return value
    errors.append({"field": name, "message": problem})
    return None


def text_problem(value: str, max_len: int) -> str | None:
    """Why `value` is not a valid name, species or tag (TEXT_PATTERN, 1 to max_len
    characters), or None when it is."""
    if len(value) > max_len:
        return f"must be at most {max_len} characters"
    if _UNSTORABLE.search(value):
        return "must not contain control characters"
    if not _VISIBLE.search(value):
        return "must not be blank"
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


# A query parameter that is present must be valid: an empty value (`?status=`) is not a
# value of any parameter's schema, so it is refused like any other, never read as absent.
# Integers are plain decimal digits (int() would also take " 5", "+5", "5_000" and other
# scripts' digits, which the document's `integer` does not promise).
_INTEGER = re.compile(r"-?[0-9]{1,20}")


def query_int(name: str, default: int, minimum: int, maximum: int, args=None) -> int:
    raw = (request.args if args is None else args).get(name)
    if raw is None:
        return default
    if not _INTEGER.fullmatch(raw):
        raise ApiProblem(400, "Bad Request", f"Query parameter {name!r} must be an integer.")
    value = int(raw)
    if not minimum <= value <= maximum:
        raise ApiProblem(400, "Bad Request", f"Query parameter {name!r} must be between {minimum} and {maximum}.")
    return value


def query_choice(name: str, choices: tuple[str, ...], args=None) -> str | None:
    raw = (request.args if args is None else args).get(name)
    if raw is None:
        return None
    if raw not in choices:
        raise ApiProblem(400, "Bad Request", f"Query parameter {name!r} must be one of {', '.join(choices)}.")
    return raw


def query_text(name: str, max_len: int, args=None) -> str | None:
    raw = (request.args if args is None else args).get(name)
    if raw is None:
        return None
    if text_problem(raw, max_len) is not None:
        raise ApiProblem(400, "Bad Request", f"Query parameter {name!r} must be 1 to {max_len} printable "
                                             "characters, not all blank.")
    return raw
