"""A paragraph for the terminal: wrapped to its width between words, each `command` in it
on a line of its own, whole and indented, so it can be copied as it is."""

from __future__ import annotations

import re
import shutil
import textwrap

COMMAND = re.compile(r"`([^`]+)`")
INDENT = "    "
FALLBACK = 80  # not a terminal (piped, redirected): the width most terminals open at


def terminal_width() -> int:
    """The terminal's columns ($COLUMNS first, as shutil reads them), FALLBACK when none."""
    return shutil.get_terminal_size((FALLBACK, 24)).columns or FALLBACK


def for_terminal(text: str, width: int | None = None) -> str:
    """`text` wrapped to `width` (the terminal's when None); each `command` goes on its own
    line without its backquotes, indented, never broken even when longer than the width."""
    width = max(20, width or terminal_width())
    lines: list[str] = []
    parts = COMMAND.split(text)  # prose, command, prose, command, ..., prose
    for number, part in enumerate(parts):
        if number % 2:
            lines.append(INDENT + part.strip())
            continue
        prose = " ".join(part.split())
        if number:  # the punctuation closing a command: its line is the command alone
            prose = prose[1:].lstrip() if prose[:1] in ".,;:" else prose
        if prose:
            lines.extend(textwrap.wrap(prose, width, break_long_words=False, break_on_hyphens=False))
    return "\n".join(lines)
