"""Terraform's built-in functions and operators, on plain values; an Unknown argument gives an Unknown result unless the function can say more (slice and element keep the list's length)."""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from checks.project.hcl_values import (
    Unknown,
    contains_unknown,
    first_unknown,
    is_unknown,
    template_text,
    to_json_text,
)


def as_number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return Unknown(f"{value!r} is not a number")
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value.strip()):
        number = float(value)
        return int(number) if number.is_integer() and "." not in value else number
    return Unknown(f"{value!r} is not a number")


def as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value)


def unary(op: str, value: Any) -> Any:
    if is_unknown(value):
        return value
    if op == "!":
        return not as_bool(value)
    number = as_number(value)
    return number if is_unknown(number) else -number


_ARITHMETIC = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
               "/": lambda a, b: a / b if b else math.inf, "%": lambda a, b: a % b if b else math.nan}
_COMPARE = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b, ">=": lambda a, b: a >= b}


def binary(op: str, left: Any, right: Any) -> Any:
    for side in (left, right):
        if is_unknown(side):
            return side
    if op in ("==", "!="):
        same = _same(left, right)
        return same if op == "==" else not same
    if op in ("&&", "||"):
        return (as_bool(left) and as_bool(right)) if op == "&&" else (as_bool(left) or as_bool(right))
    a, b = as_number(left), as_number(right)
    if is_unknown(a) or is_unknown(b):
        return a if is_unknown(a) else b
    if op in _COMPARE:
        return _COMPARE[op](a, b)
    result = _ARITHMETIC[op](a, b)
    return int(result) if isinstance(result, float) and result.is_integer() and op != "/" else result


def _same(left: Any, right: Any) -> bool:
    if isinstance(left, (int, float)) and isinstance(right, (int, float)) and not isinstance(left, bool):
        return float(left) == float(right)
    return left == right


def _slice(args: list) -> Any:
    seq, start, end = args
    if is_unknown(start) or is_unknown(end):
        return Unknown("slice() bounds known only after apply")
    start, end = int(as_number(start)), int(as_number(end))
    if is_unknown(seq):  # the items stay unknown, but there are end - start of them
        return [Unknown(f"{seq.why}[{i}]", ref=(seq.ref or (seq.why,)) + (i,)) for i in range(start, end)]
    return list(seq)[start:end]


def _element(args: list) -> Any:
    seq, index = args
    if is_unknown(index):
        return index
    if is_unknown(seq):
        return Unknown(f"{seq.why}[{index}]", ref=(seq.ref or (seq.why,)) + (int(index),))
    return list(seq)[int(index) % len(seq)] if seq else Unknown("element() of an empty list")


def _merge(args: list) -> Any:
    out: dict = {}
    for arg in args:
        if arg is None:
            continue
        if is_unknown(arg):
            return Unknown(arg.why, partial=out)
        out.update(arg)
    return out


def _lookup(args: list) -> Any:
    table, key = args[0], args[1]
    if is_unknown(table) or is_unknown(key):
        return table if is_unknown(table) else key
    if key in table:
        return table[key]
    return args[2] if len(args) > 2 else Unknown(f"lookup(): no key {key!r}")


def _format(args: list) -> Any:
    spec, values = args[0], list(args[1:])

    def one(match: re.Match) -> str:
        if match.group(0) == "%%":
            return "%"
        value = values.pop(0) if values else ""
        if match.group(1) == "q":
            return json.dumps(value)
        if match.group(1) == "d":
            return str(int(as_number(value)))
        return str(template_text(value))
    return re.sub(r"%%|%[-+# 0-9.]*([a-zA-Z])", one, spec)


def _cidrsubnet(args: list) -> Any:
    network = ipaddress.ip_network(args[0], strict=False)
    prefix = network.prefixlen + int(args[1])
    start = int(network.network_address) + int(args[2]) * 2 ** (network.max_prefixlen - prefix)
    return str(ipaddress.ip_network((start, prefix)))


def _cidrhost(args: list) -> Any:
    network = ipaddress.ip_network(args[0], strict=False)
    return str(network.network_address + int(args[1]))


def _flatten(value: Any) -> list:
    out = []
    for item in value:
        out += _flatten(item) if isinstance(item, list) else [item]
    return out


def _distinct(value: list) -> list:
    out = []
    for item in value:
        if item not in out:
            out.append(item)
    return out


def read_file(args: list, scope) -> Any:
    """file(path): the text of a file, a relative path read from the module's folder."""
    path = Path(args[0])
    if not path.is_absolute() and scope.folder is not None:
        path = scope.folder / path
    try:
        return path.read_text()
    except OSError as exc:
        return Unknown(f"file({args[0]!r}) cannot be read ({exc.strerror})")


def _can(args: list) -> Any:
    return not contains_unknown(args[0]) if not is_unknown(args[0]) else args[0]


def _try(args: list) -> Any:
    for arg in args:
        if not is_unknown(arg):
            return arg
    return args[-1] if args else Unknown("try() with no argument")


_PLAIN = {
    "abs": lambda a: abs(as_number(a[0])), "ceil": lambda a: math.ceil(as_number(a[0])),
    "floor": lambda a: math.floor(as_number(a[0])), "max": lambda a: max(as_number(x) for x in a),
    "min": lambda a: min(as_number(x) for x in a), "parseint": lambda a: int(str(a[0]), int(a[1])),
    "tonumber": lambda a: as_number(a[0]), "tostring": lambda a: template_text(a[0]),
    "tobool": lambda a: as_bool(a[0]), "tolist": lambda a: list(a[0]), "toset": lambda a: _distinct(list(a[0])),
    "tomap": lambda a: dict(a[0]), "length": lambda a: len(a[0]), "upper": lambda a: str(a[0]).upper(),
    "lower": lambda a: str(a[0]).lower(), "title": lambda a: str(a[0]).title(),
    "trimspace": lambda a: str(a[0]).strip(), "chomp": lambda a: str(a[0]).rstrip("\r\n"),
    "trim": lambda a: str(a[0]).strip(str(a[1])), "trimprefix": lambda a: str(a[0]).removeprefix(str(a[1])),
    "trimsuffix": lambda a: str(a[0]).removesuffix(str(a[1])),
    "startswith": lambda a: str(a[0]).startswith(str(a[1])), "endswith": lambda a: str(a[0]).endswith(str(a[1])),
    "strcontains": lambda a: str(a[1]) in str(a[0]),
    "substr": lambda a: str(a[0])[int(a[1]):(None if int(a[2]) < 0 else int(a[1]) + int(a[2]))],
    "replace": lambda a: (re.sub(str(a[1])[1:-1], str(a[2]).replace("$", "\\"), str(a[0]))
                          if len(str(a[1])) > 1 and str(a[1]).startswith("/") and str(a[1]).endswith("/")
                          else str(a[0]).replace(str(a[1]), str(a[2]))),
    "split": lambda a: str(a[1]).split(str(a[0])), "join": lambda a: str(a[0]).join(template_text(x) for x in a[1]),
    "format": _format, "concat": lambda a: [x for seq in a for x in seq], "coalesce": lambda a: next(
        (x for x in a if x not in (None, "")), None), "coalescelist": lambda a: next((x for x in a if x), []),
    "compact": lambda a: [x for x in a[0] if x not in (None, "")], "contains": lambda a: a[1] in a[0],
    "distinct": lambda a: _distinct(a[0]), "flatten": lambda a: _flatten(a[0]), "keys": lambda a: sorted(a[0]),
    "values": lambda a: [a[0][k] for k in sorted(a[0])], "reverse": lambda a: list(a[0])[::-1],
    "sort": lambda a: sorted(a[0]), "sum": lambda a: sum(as_number(x) for x in a[0]),
    "range": lambda a: list(range(*(int(as_number(x)) for x in a))),
    "zipmap": lambda a: dict(zip(a[0], a[1], strict=True)), "one": lambda a: a[0][0] if a[0] else None,
    "alltrue": lambda a: all(as_bool(x) for x in a[0]), "anytrue": lambda a: any(as_bool(x) for x in a[0]),
    "jsondecode": lambda a: json.loads(a[0]), "basename": lambda a: Path(str(a[0])).name,
    "dirname": lambda a: str(Path(str(a[0])).parent), "cidrsubnet": _cidrsubnet, "cidrhost": _cidrhost,
    "index": lambda a: list(a[0]).index(a[1]), "setunion": lambda a: _distinct([x for s in a for x in s]),
}
# Functions that need the evaluator's scope beyond `file`; hcl_eval adds templatefile,
# which renders a template with the evaluator (so this module does not import it).
SCOPED: dict[str, Callable[[list, Any], Any]] = {}
# Functions that see Unknown arguments themselves.
_AWARE = {"slice": _slice, "element": _element, "merge": _merge, "lookup": _lookup, "can": _can, "try": _try}


def call(name: str, args: list, scope) -> Any:
    if name in _AWARE:
        return _AWARE[name](args)
    if name == "jsonencode":
        return to_json_text(args[0])
    if name in ("length", "tolist", "toset", "concat", "compact", "flatten", "distinct") and \
            all(isinstance(a, (list, tuple)) for a in args):
        pass  # collections may hold unknown items: these functions only count or move them
    else:
        unknown = first_unknown(args)
        if unknown is not None:
            return Unknown(f"{name}() of a value known only after apply ({unknown.why})")
    try:
        if name == "file":
            return read_file(args, scope)
        if name == "fileexists":
            return not is_unknown(read_file(args, scope))
        if name in SCOPED:
            return SCOPED[name](args, scope)
        if name in _PLAIN:
            return _PLAIN[name](args)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, ZeroDivisionError) as exc:
        return Unknown(f"{name}() failed here ({type(exc).__name__}: {exc})")
    return Unknown(f"{name}() is not evaluated by this reader")
