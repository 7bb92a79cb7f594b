"""Parse HCL expressions and string templates (as python-hcl2 serialises them) into small tuples for hcl_eval."""

from __future__ import annotations

import re

# A node is a tuple whose first item names it:
#   ("lit", value)  ("tmpl", parts)  ("name", id)  ("attr", node, id)  ("index", node, node)
#   ("splat", node, [step, ...])  ("call", fname, [node, ...], expand_last)  ("tuple", [node, ...])
#   ("object", [(key_node, value_node), ...])  ("for", kind, key_var, value_var, coll, key, value, cond)
#   ("unop", op, node)  ("binop", op, left, right)  ("cond", test, then, else)
# Template parts: str | ("interp", node) | ("if", test, then_parts, else_parts)
#   | ("forparts", key_var, value_var, coll, parts)


class HclSyntaxError(ValueError):
    """Text python-hcl2 accepted but this parser cannot read (callers treat the value as unknown)."""


_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_-]*(?:::[A-Za-z_][A-Za-z0-9_-]*)*)
  | (?P<op>\.\.\.|==|!=|<=|>=|&&|\|\||=>|\[\*\]|\.\*|[?:!<>+\-*/%.,\[\](){}=])
""", re.X)

_BINARY = [("||",), ("&&",), ("==", "!="), ("<", ">", "<=", ">="), ("+", "-"), ("*", "/", "%")]


def _scan_string(text: str, start: int) -> int:
    """Index just past the closing quote of the string opening at text[start] == '"'
    (quotes inside its ${...} interpolations do not close it)."""
    i, depth = start + 1, 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
        elif text.startswith(("$${", "%%{"), i):
            i += 3
        elif text.startswith(("${", "%{"), i):
            depth += 1
            i += 2
        elif text[i] == '"' and depth == 0:
            return i + 1
        elif text[i] == '"':
            i = _scan_string(text, i)
        else:
            depth += {"{": 1, "}": -1}.get(text[i], 0) if depth else 0
            i += 1
    raise HclSyntaxError("unterminated string")


def tokenize(text: str) -> list[tuple[str, str]]:
    tokens, i = [], 0
    while i < len(text):
        if text[i] == '"':
            end = _scan_string(text, i)
            tokens.append(("str", text[i + 1:end - 1]))
            i = end
            continue
        match = _TOKEN.match(text, i)
        if not match:
            raise HclSyntaxError(f"unexpected {text[i]!r} in {text[:80]!r}")
        if match.lastgroup != "ws":
            tokens.append((match.lastgroup, match.group()))
        i = match.end()
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.pos = 0

    def peek(self, offset: int = 0) -> tuple[str, str]:
        index = self.pos + offset
        return self.tokens[index] if index < len(self.tokens) else ("end", "")

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if value is not None and token[1] != value:
            raise HclSyntaxError(f"expected {value!r}, found {token[1]!r}")
        self.pos += 1
        return token

    def accept(self, value: str) -> bool:
        if self.peek()[1] == value and self.peek()[0] in ("op", "name"):
            self.pos += 1
            return True
        return False

    def expression(self):
        test = self.binary(0)
        if self.accept("?"):
            then = self.expression()
            self.take(":")
            return ("cond", test, then, self.expression())
        return test

    def binary(self, level: int):
        if level == len(_BINARY):
            return self.unary()
        node = self.binary(level + 1)
        while self.peek()[0] == "op" and self.peek()[1] in _BINARY[level]:
            op = self.take()[1]
            node = ("binop", op, node, self.binary(level + 1))
        return node

    def unary(self):
        if self.peek() in (("op", "!"), ("op", "-")):
            return ("unop", self.take()[1], self.unary())
        return self.postfix(self.primary())

    def postfix(self, node):
        while True:
            kind, value = self.peek()
            if value == "." and self.peek(1)[0] in ("name", "num"):
                self.take()
                step = self.take()[1]
                node = ("index", node, ("lit", int(step))) if step.isdigit() else ("attr", node, step)
            elif value == "[" and kind == "op":
                self.take()
                node = ("index", node, self.expression())
                self.take("]")
            elif value in ("[*]", ".*"):
                self.take()
                node = ("splat", node, self.splat_steps())
            else:
                return node

    def splat_steps(self) -> list:
        steps = []
        while True:
            if self.peek()[1] == "." and self.peek(1)[0] == "name":
                self.take()
                steps.append(("attr", self.take()[1]))
            elif self.peek() == ("op", "[") and self.peek(1)[1] != "*":
                self.take()
                steps.append(("index", self.expression()))
                self.take("]")
            else:
                return steps

    def primary(self):
        kind, value = self.take()
        if kind == "num":
            return ("lit", float(value) if any(c in value for c in ".eE") else int(value))
        if kind == "str":
            return ("tmpl", parse_template(value, quoted=True))
        if kind == "name":
            if value in ("true", "false"):
                return ("lit", value == "true")
            if value == "null":
                return ("lit", None)
            if self.peek() == ("op", "("):
                return self.call(value)
            return ("name", value)
        if value == "(":
            node = self.expression()
            self.take(")")
            return node
        if value == "[":
            return self.tuple_()
        if value == "{":
            return self.object_()
        raise HclSyntaxError(f"unexpected {value!r}")

    def call(self, name: str):
        self.take("(")
        args, expand = [], False
        while not self.accept(")"):
            args.append(self.expression())
            if self.accept("..."):
                expand = True
            if not self.accept(","):
                self.take(")")
                break
        return ("call", name, args, expand)

    def for_head(self):
        first = self.take()[1]
        second = self.take()[1] if self.accept(",") else None
        self.take("in")
        collection = self.expression()
        self.take(":")
        return (first, second, collection) if second else (None, first, collection)

    def tuple_(self):
        if self.peek() == ("name", "for"):
            self.take()
            key_var, value_var, coll = self.for_head()
            value = self.expression()
            cond = self.expression() if self.accept("if") else None
            self.take("]")
            return ("for", "tuple", key_var, value_var, coll, None, value, cond)
        items = []
        while not self.accept("]"):
            items.append(self.expression())
            if not self.accept(","):
                self.take("]")
                break
        return ("tuple", items)

    def object_(self):
        if self.peek() == ("name", "for"):
            self.take()
            key_var, value_var, coll = self.for_head()
            key = self.expression()
            self.take("=>")
            value = self.expression()
            self.accept("...")
            cond = self.expression() if self.accept("if") else None
            self.take("}")
            return ("for", "object", key_var, value_var, coll, key, value, cond)
        items = []
        while not self.accept("}"):
            if self.peek()[0] == "name" and self.peek(1)[1] in ("=", ":"):
                key = ("lit", self.take()[1])
            else:
                key = self.expression()
            if not (self.accept("=") or self.accept(":")):
                raise HclSyntaxError("expected = in object")
            items.append((key, self.expression()))
            self.accept(",")
        return ("object", items)


def parse_expression(text: str):
    parser = _Parser(text)
    node = parser.expression()
    if parser.peek()[0] != "end":
        raise HclSyntaxError(f"unexpected {parser.peek()[1]!r} after the expression")
    return node


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(text: str) -> str:
    def one(match: re.Match) -> str:
        code = match.group(1)
        if code[0] in "uU":
            return chr(int(code[1:], 16))
        return _ESCAPES.get(code, "\\" + code)
    return re.sub(r"\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)", one, text)


def _closing(text: str, start: int) -> int:
    """Index of the "}" closing the ${ or %{ whose body starts at text[start]."""
    depth, i = 1, start
    while i < len(text):
        if text[i] == '"':
            i = _scan_string(text, i)
            continue
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise HclSyntaxError("unclosed interpolation")


def parse_template(text: str, quoted: bool = False) -> list:
    """A template's parts; `quoted` strings carry backslash escapes (heredocs do not)."""
    flat: list = []  # str | ("interp", node) | ("directive", words)
    i = 0
    literal = []
    while i < len(text):
        if text.startswith(("$${", "%%{"), i):
            literal.append(text[i + 1:i + 3])
            i += 3
        elif text.startswith(("${", "%{"), i):
            end = _closing(text, i + 2)
            body = text[i + 2:end].strip().strip("~").strip()
            flat.append(_unescape("".join(literal)) if quoted else "".join(literal))
            literal = []
            flat.append(("interp", parse_expression(body)) if text[i] == "$" else ("directive", body))
            i = end + 1
        else:
            literal.append(text[i])
            i += 1
    flat.append(_unescape("".join(literal)) if quoted else "".join(literal))
    parts, rest = _nest(flat, 0)
    return parts


def _nest(flat: list, i: int, stop: tuple[str, ...] = ()) -> tuple[list, int]:
    parts: list = []
    while i < len(flat):
        item = flat[i]
        if isinstance(item, tuple) and item[0] == "directive":
            word = item[1].split(None, 1)[0]
            if word in stop:
                return parts, i
            if word == "if":
                then, i = _nest(flat, i + 1, ("else", "endif"))
                other: list = []
                if flat[i][1].split(None, 1)[0] == "else":
                    other, i = _nest(flat, i + 1, ("endif",))
                parts.append(("if", parse_expression(item[1][2:]), then, other))
            elif word == "for":
                head = re.fullmatch(r"for\s+(\w+)(?:\s*,\s*(\w+))?\s+in\s+(.+)", item[1], re.S)
                if not head:
                    raise HclSyntaxError(f"cannot read %{{{item[1]}}}")
                body, i = _nest(flat, i + 1, ("endfor",))
                key_var, value_var = (head.group(1), head.group(2)) if head.group(2) else (None, head.group(1))
                parts.append(("forparts", key_var, value_var, parse_expression(head.group(3)), body))
            else:
                raise HclSyntaxError(f"unknown directive %{{{item[1]}}}")
        elif item != "":
            parts.append(item)
        i += 1
    return parts, i


def heredoc_body(text: str) -> str | None:
    """The text of a heredoc as python-hcl2 keeps it ("<<-EOT\\n...\\n  EOT"), indentation
    removed for <<-; None when `text` is not one."""
    match = re.fullmatch(r"<<(-?)([A-Za-z_][A-Za-z0-9_]*)\n(.*?)\n?[ \t]*\2\s*", text, re.S)
    if not match:
        return None
    lines = match.group(3).split("\n")
    if match.group(1):
        indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
        cut = min(indents) if indents else 0
        lines = [line[cut:] for line in lines]
    return "\n".join(lines) + "\n"
