"""Small readers over a Terraform configuration's values: booleans, integers, strings and counts (None when only apply can tell), references by text, and nested blocks with dynamic ones expanded."""

from __future__ import annotations

import re
from typing import Any

from checks.project.hcl_values import contains_unknown, is_unknown
from checks.project.terraform import Terraform
from checks.project.terraform_files import TfBlock


def truthy(value: Any) -> bool | None:
    """A bool from an evaluated true/false (or "true"/"false"); None when not known."""
    if isinstance(value, bool):
        return value
    if str(value).strip().lower() in ("true", "false") and not is_unknown(value):
        return str(value).strip().lower() == "true"
    return None


def as_int(tf: Terraform, raw: Any, block: TfBlock | None = None, key: Any = None) -> int | None:
    value = tf.evaluate(raw, block, key)
    if isinstance(value, bool) or is_unknown(value) or value is None:
        return None
    if isinstance(value, (int, float)):
        return int(value)
    return int(value) if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()) else None


def interpolate(tf: Terraform, raw: Any, block: TfBlock | None = None, key: Any = None) -> str | None:
    """A string value with its variables and locals filled in; None when it holds anything
    known only after apply."""
    if raw is None:
        return None
    value = tf.evaluate(raw, block, key)
    if contains_unknown(value) or isinstance(value, (dict, list)) or value is None:
        return None
    return "true" if value is True else "false" if value is False else str(value)


def count_of(tf: Terraform, block: TfBlock) -> int | None:
    """How many instances a block makes (1 without count/for_each); None when unknown."""
    keys = tf.instances(block)
    return None if is_unknown(keys) else len(keys)


def exists(tf: Terraform, block: TfBlock) -> bool:
    """A block that makes at least one instance (or may: count unknown)."""
    count = count_of(tf, block)
    return count is None or count > 0


def refs(value: Any, type_: str) -> list[str]:
    """Names of `type_` resources (or "data.<type>" sources) an expression's text mentions:
    refs("${aws_subnet.private[*].id}", "aws_subnet") -> ["private"]."""
    prefix = r"(?<![\w.])" if not type_.startswith("data.") else ""
    return re.findall(prefix + re.escape(type_) + r"\.([A-Za-z0-9_-]+)", str(value))


def blocks(body: dict, name: str) -> list[dict]:
    """A nested block as written (a list of dicts in hcl2's output), plus the content of a
    dynamic block of that name."""
    found = body.get(name) or []
    found = [b for b in (found if isinstance(found, list) else [found]) if isinstance(b, dict)]
    for dynamic in body.get("dynamic") or []:
        if isinstance(dynamic, dict) and name in dynamic:
            content = (dynamic[name] or {}).get("content") or []
            found += [c for c in (content if isinstance(content, list) else [content]) if isinstance(c, dict)]
    return found


def expanded_blocks(tf: Terraform, block: TfBlock, name: str, key: Any = None) -> list[dict] | None:
    """A nested block's evaluated instances: static ones, and a dynamic block's content once
    per item of its for_each (with the iterator named after the block); None when a
    for_each is known only after apply."""
    out = []
    for static in (block.body.get(name) or []):
        value = tf.evaluate(static, block, key)
        out += value if isinstance(value, list) else [value]
    for dynamic in block.body.get("dynamic") or []:
        spec = dynamic.get(name) if isinstance(dynamic, dict) else None
        if not spec:
            continue
        items = tf.evaluate(spec.get("for_each"), block, key)
        if is_unknown(items):
            return None
        iterator = spec.get("iterator") or name
        pairs = items.items() if isinstance(items, dict) else enumerate(items or [])
        for item_key, item in pairs:
            for content in spec.get("content") or []:
                out.append(tf.evaluate(content, block, key, **{iterator: {"key": item_key, "value": item}}))
    return [b for b in out if isinstance(b, dict)]
