"""Find top-level blocks (resource, output, ...) in Terraform source text with their exact character span, so a fix can cut one out or insert beside it without reformatting the rest of the file.

A small scanner rather than a parser: it skips strings (with ${...} interpolation and
nested quotes), comments and heredocs so that braces inside them do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER = re.compile(r'([A-Za-z_][\w-]*)((?:\s+"[^"\n]*"|\s+[A-Za-z_][\w-]*)*)\s*\{')
_LABEL = re.compile(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')
_HEREDOC = re.compile(r"<<-?([A-Za-z_]\w*)[ \t]*\n")


@dataclass(frozen=True)
class Block:
    kind: str  # resource, output, variable, ...
    labels: tuple[str, ...]
    start: int  # index of the header's first character
    end: int  # index just after the closing brace
    line: int  # 1-based line of the header

    @property
    def address(self) -> str:
        return ".".join(self.labels) if self.kind == "resource" else f"{self.kind}.{'.'.join(self.labels)}"


def _skip_string(text: str, i: int) -> int:
    """From just after an opening quote, to just after its closing quote."""
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            return i + 1
        if text.startswith("${", i) or text.startswith("%{", i):
            i = _skip_braces(text, i + 2, 1)
            continue
        i += 1
    return i


def _skip_braces(text: str, i: int, depth: int) -> int:
    """From inside `depth` open braces, to just after the brace that closes them."""
    while i < len(text) and depth:
        ch = text[i]
        if ch == '"':
            i = _skip_string(text, i + 1)
            continue
        if ch == "#" or text.startswith("//", i):
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline
            continue
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = len(text) if close < 0 else close + 2
            continue
        heredoc = _HEREDOC.match(text, i)
        if heredoc:
            marker = re.compile(rf"^[ \t]*{re.escape(heredoc.group(1))}[ \t]*$", re.M)
            found = marker.search(text, heredoc.end())
            i = len(text) if found is None else found.end()
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        i += 1
    return i


def top_level_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in " \t\r\n":
            i += 1
            continue
        if ch == "#" or text.startswith("//", i):
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline + 1
            continue
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = len(text) if close < 0 else close + 2
            continue
        header = _HEADER.match(text, i)
        if header is None:  # an attribute at top level (not valid HCL for Terraform): skip the line
            newline = text.find("\n", i)
            i = len(text) if newline < 0 else newline + 1
            continue
        labels = tuple(a or b for a, b in _LABEL.findall(header.group(2)))
        end = _skip_braces(text, header.end(), 1)
        blocks.append(Block(header.group(1), labels, i, end, text.count("\n", 0, i) + 1))
        i = end
    return blocks


def cut_block(text: str, block: Block) -> str:
    """The text without the block, the comment lines directly above it (they describe
    it), and one of the blank lines that separated it from its neighbours."""
    start = text.rfind("\n", 0, block.start) + 1
    lines_above = text[:start].splitlines(keepends=True)
    while lines_above and lines_above[-1].lstrip().startswith(("#", "//")):
        start -= len(lines_above.pop())
    end = block.end
    newline = text.find("\n", end)
    end = len(text) if newline < 0 else newline + 1
    if lines_above and not lines_above[-1].strip():  # a blank line before: drop it with the block
        start -= len(lines_above[-1])
    elif text[end:end + 1] == "\n":  # else the blank line after
        end += 1
    return text[:start] + text[end:]
