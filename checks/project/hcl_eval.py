"""Evaluate HCL expressions the way Terraform plans them: variables, locals, functions, for-expressions and templates; anything known only after apply stays an Unknown, never a guess."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from checks.project import hcl_functions
from checks.project.hcl_parse import HclSyntaxError, heredoc_body, parse_template
from checks.project.hcl_values import RefPath, Unknown, contains_unknown, is_unknown, template_text


class Scope:
    """Names an expression can see. `names` holds plain values or Mappings (var, local,
    count, each, path, iterators); any other root name is a reference to a resource, data
    source or module, handed to `resolve_ref` with its whole path."""

    def __init__(self, names: Mapping[str, Any], resolve_ref: Callable[[tuple], Any] | None = None,
                 folder: Path | None = None):
        self.names = dict(names)
        self.resolve_ref = resolve_ref
        self.folder = folder

    def child(self, **names: Any) -> Scope:
        return Scope({**self.names, **names}, self.resolve_ref, self.folder)

    def resolve(self, value: Any) -> Any:
        if isinstance(value, RefPath):
            if self.resolve_ref is None:
                return Unknown(f"{value} is not known here", ref=value.path)
            return self.resolve_ref(value.path)
        return value


def evaluate_value(raw: Any, scope: Scope) -> Any:
    """A value as python-hcl2 gives it (dicts, lists, numbers, template strings) evaluated."""
    if isinstance(raw, dict):
        out: dict = {}
        for key, value in raw.items():
            if key.startswith("__"):  # python-hcl2's markers
                continue
            name = evaluate_string(key.strip('"'), scope) if "${" in key else key.strip('"')
            if is_unknown(name):
                return Unknown(f"a key is known only after apply ({name.why})")
            out[str(name)] = evaluate_value(value, scope)
        return out
    if isinstance(raw, list):
        return [evaluate_value(item, scope) for item in raw]
    if isinstance(raw, str):
        return evaluate_string(raw, scope)
    return raw


def evaluate_string(text: str, scope: Scope) -> Any:
    body = heredoc_body(text)
    try:
        parts = parse_template(body if body is not None else text, quoted=body is None)
    except HclSyntaxError as exc:
        return Unknown(f"cannot read the expression {text[:60]!r} ({exc})")
    return render(parts, scope)


def render(parts: list, scope: Scope) -> Any:
    """A template's value: one interpolation alone keeps its type (as in Terraform)."""
    if len(parts) == 1 and isinstance(parts[0], tuple) and parts[0][0] == "interp":
        return evaluate(parts[0][1], scope)
    pieces: list[Any] = []
    for part in parts:
        if isinstance(part, str):
            pieces.append(part)
        elif part[0] == "interp":
            pieces.append(template_text(evaluate(part[1], scope)))
        elif part[0] == "if":
            test = evaluate(part[1], scope)
            pieces.append(test if is_unknown(test) else render(part[2] if test else part[3], scope))
        else:
            _, key_var, value_var, coll, body = part
            items = _items(evaluate(coll, scope))
            if is_unknown(items):
                pieces.append(items)
                continue
            for key, value in items:
                names = {value_var: value, **({key_var: key} if key_var else {})}
                pieces.append(template_text(render(body, scope.child(**names))))
    unknown = next((p for p in pieces if is_unknown(p)), None)
    if unknown is not None:
        return Unknown(unknown.why, partial="".join(p if isinstance(p, str) else "${?}" for p in pieces))
    return "".join(pieces)


def _items(value: Any) -> Any:
    if is_unknown(value):
        return value
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return list(enumerate(value))
    return Unknown(f"cannot iterate over {value!r}")


def evaluate(node: tuple, scope: Scope) -> Any:
    return scope.resolve(_eval(node, scope))


def _eval(node: tuple, scope: Scope) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "tmpl":
        return render(node[1], scope)
    if kind == "name":
        if node[1] in scope.names:
            return scope.names[node[1]]
        return RefPath((node[1],))
    if kind == "attr":
        return _step(_eval(node[1], scope), node[2], scope)
    if kind == "index":
        return _step(_eval(node[1], scope), evaluate(node[2], scope), scope)
    if kind == "splat":
        return _splat(_eval(node[1], scope), node[2], scope)
    if kind == "call":
        args = [evaluate(a, scope) for a in node[2]]
        if node[3] and args:
            last = args.pop()
            if is_unknown(last):
                return Unknown(f"{node[1]}() with expanded arguments known only after apply")
            args += list(last)
        return hcl_functions.call(node[1], args, scope)
    if kind == "tuple":
        return [evaluate(item, scope) for item in node[1]]
    if kind == "object":
        out = {}
        for key_node, value_node in node[1]:
            key = evaluate(key_node, scope)
            if is_unknown(key):
                return Unknown(f"an object key is known only after apply ({key.why})")
            out[template_text(key)] = evaluate(value_node, scope)
        return out
    if kind == "for":
        return _for(node, scope)
    if kind == "unop":
        return hcl_functions.unary(node[1], evaluate(node[2], scope))
    if kind == "binop":
        return _binop(node, scope)
    if kind == "cond":
        test = evaluate(node[1], scope)
        if is_unknown(test):
            then, other = evaluate(node[2], scope), evaluate(node[3], scope)
            if not contains_unknown(then) and then == other:
                return then
            return Unknown(f"a condition known only after apply ({test.why})")
        return evaluate(node[2] if hcl_functions.as_bool(test) else node[3], scope)
    raise HclSyntaxError(f"unknown node {kind}")


def _step(base: Any, key: Any, scope: Scope) -> Any:
    if isinstance(base, RefPath):
        return RefPath(base.path + (key,)) if not is_unknown(key) else Unknown(f"{base}[?]")
    base = scope.resolve(base)
    if is_unknown(base) or is_unknown(key):
        source = base if is_unknown(base) else key
        ref = base.ref + (key,) if is_unknown(base) and base.ref and not is_unknown(key) else None
        return Unknown(source.why + (f"[{key!r}]" if ref else ""), ref=ref)
    if isinstance(base, Mapping):
        if key in base:
            return base[key]
        return Unknown(f"no attribute or key {key!r}")
    if isinstance(base, (list, tuple)):
        index = hcl_functions.as_number(key)
        if isinstance(index, (int, float)) and 0 <= int(index) < len(base):
            return base[int(index)]
        return Unknown(f"index {key!r} out of range")
    return Unknown(f"cannot take {key!r} of {base!r}")


def _splat(base: Any, steps: list, scope: Scope) -> Any:
    if isinstance(base, RefPath):
        path = base.path + ("*",)
        for step in steps:
            value = step[1] if step[0] == "attr" else evaluate(step[1], scope)
            path += (value,)
        return RefPath(path)
    base = scope.resolve(base)
    if is_unknown(base):
        return base
    items = [] if base is None else list(base) if isinstance(base, (list, tuple)) else [base]
    out = []
    for item in items:
        for step in steps:
            item = _step(item, step[1] if step[0] == "attr" else evaluate(step[1], scope), scope)
        out.append(scope.resolve(item))
    return out


def _for(node: tuple, scope: Scope) -> Any:
    _, kind, key_var, value_var, coll, key_node, value_node, cond = node
    items = _items(evaluate(coll, scope))
    if is_unknown(items):
        return items
    out_list, out_map = [], {}
    for key, value in items:
        inner = scope.child(**{value_var: value, **({key_var: key} if key_var else {})})
        if cond is not None:
            keep = evaluate(cond, inner)
            if is_unknown(keep):
                return Unknown(f"a for-expression filter known only after apply ({keep.why})")
            if not hcl_functions.as_bool(keep):
                continue
        if kind == "tuple":
            out_list.append(evaluate(value_node, inner))
        else:
            new_key = evaluate(key_node, inner)
            if is_unknown(new_key):
                return Unknown(f"a for-expression key known only after apply ({new_key.why})")
            out_map[template_text(new_key)] = evaluate(value_node, inner)
    return out_list if kind == "tuple" else out_map


def _binop(node: tuple, scope: Scope) -> Any:
    op = node[1]
    left = evaluate(node[2], scope)
    if op in ("&&", "||") and not is_unknown(left):
        if hcl_functions.as_bool(left) == (op == "||"):
            return op == "||"
        return hcl_functions.binary(op, left, evaluate(node[3], scope))
    right = evaluate(node[3], scope)
    if op in ("&&", "||") and not is_unknown(right) and hcl_functions.as_bool(right) == (op == "||"):
        return op == "||"
    return hcl_functions.binary(op, left, right)


def literal(text: str) -> Any:
    """A TF_VAR_ value or -var value of a non-string type: an HCL literal expression."""
    return evaluate_string("${" + text + "}", Scope({}))


def templatefile(args: list, scope: Scope) -> Any:
    """templatefile(path, vars): the file rendered as a template with only `vars` in scope."""
    text = hcl_functions.read_file(args[:1], scope)
    if is_unknown(text):
        return text
    try:
        parts = parse_template(text)
    except HclSyntaxError as exc:
        return Unknown(f"templatefile({args[0]!r}) cannot be read ({exc})")
    names = args[1] if len(args) > 1 and isinstance(args[1], dict) else {}
    return render(parts, Scope(names, None, scope.folder))


hcl_functions.SCOPED["templatefile"] = templatefile
