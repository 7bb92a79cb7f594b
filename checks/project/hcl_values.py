"""The values HCL evaluation yields beside plain Python ones: Unknown (known only after apply, or not computable here) and RefPath (a reference to a resource, data source or module attribute)."""

from __future__ import annotations

import json
from typing import Any


class Unknown:
    """A value nobody can know before apply (an id, an ARN, a data source) or that this
    reader cannot compute. `why` says which; `ref` is the path of the resource attribute it
    stands for (("aws_subnet", "public", 0, "id")) when it is one; `partial` is what is
    known of it (the object jsonencode was given, a template rendered around the gaps)."""

    __slots__ = ("why", "ref", "partial")

    def __init__(self, why: str, ref: tuple | None = None, partial: Any = None):
        self.why, self.ref, self.partial = why, ref, partial

    def __repr__(self) -> str:
        return f"Unknown({self.why!r})"

    def __eq__(self, other: object) -> bool:  # two unknowns are never known to be equal
        return self is other

    __hash__ = object.__hash__


class RefPath:
    """A reference being built (aws_subnet.public[0].id) before it is looked up."""

    __slots__ = ("path",)

    def __init__(self, path: tuple):
        self.path = path

    def __str__(self) -> str:
        text = ""
        for step in self.path:
            text += f"[{step!r}]" if isinstance(step, int) or step == "*" else ("." if text else "") + str(step)
        return text


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def contains_unknown(value: Any) -> bool:
    if isinstance(value, Unknown):
        return True
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(contains_unknown(v) for v in value)
    return False


def first_unknown(value: Any) -> Unknown | None:
    if isinstance(value, Unknown):
        return value
    children = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else ()
    for child in children:
        found = first_unknown(child)
        if found is not None:
            return found
    return None


def template_text(value: Any) -> Any:
    """How Terraform writes a value into a string: 1 -> "1", true -> "true"."""
    if isinstance(value, Unknown):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return Unknown("null written into a string")
    if isinstance(value, (dict, list)):
        return Unknown("a collection written into a string")
    return str(value)


def as_text(value: Any) -> str:
    """Any evaluated value as text for matching and messages: what is known of an Unknown,
    "${?}" for the rest (an ARN built from a data source reads "arn:${?}:iam::aws:policy/X")."""
    if isinstance(value, Unknown):
        partial = value.partial
        return partial if isinstance(partial, str) else "${?}" if partial is None else as_text(partial)
    if isinstance(value, (dict, list)):
        def mark(v: Any) -> Any:
            if isinstance(v, Unknown):
                return as_text(v)
            if isinstance(v, dict):
                return {k: mark(x) for k, x in v.items()}
            return [mark(x) for x in v] if isinstance(v, list) else v
        return json.dumps(mark(value))
    if value is None:
        return ""
    text = template_text(value)
    return text if isinstance(text, str) else "${?}"


def to_json_text(value: Any) -> Any:
    """jsonencode(value): compact JSON, or an Unknown when part of it is known only after apply."""
    if contains_unknown(value):
        return Unknown("jsonencode of a value known only after apply", partial=value)
    return json.dumps(value, separators=(",", ":"))
