"""A paragraph for the terminal: wrapped to its width between words, each `command` in it
on a line of its own, whole and indented, so it can be copied as it is."""

from __future__ import annotations

import os
import re
import sys

COMMAND = re.compile(r"`([^`]+)`")
INDENT = "    "
FALLBACK = 80  # not a terminal (piped, redirected): the width most terminals open at


def terminal_width(stream=None) -> int:
    """The columns of the terminal `stream` (stdout when None) writes to: $COLUMNS first,
    as shutil reads it; FALLBACK when the stream is no terminal. Not stdout's width for
    text sent to stderr: `deploy > out.log` would wrap stderr's notes at 80 on a wide
    terminal, and stdout on a terminal would set the width of stderr sent to a file."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns > 0:
        return columns
    stream = sys.stdout if stream is None else stream
    try:
        if stream is not None and stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns or FALLBACK
    except (AttributeError, ValueError, OSError):  # no fileno, a closed stream, no ioctl
        pass
    return FALLBACK


def for_terminal(text: str, width: int | None = None, stream=None, hang: str = "") -> str:
    """`text` wrapped to `width` (when None, that of the terminal `stream` writes to, as
    terminal_width reads it); each `command` goes on its own line without its backquotes,
    indented, never broken even when longer than the width. The first line keeps the
    text's own leading spaces; every line after it starts with `hang` (a hanging indent
    under a marker such as "<== ")."""
    # start-up: `diagnose --json` imports this module for terminal_width only
    import textwrap

    width = max(20, width or terminal_width(stream))
    lead = text[:len(text) - len(text.lstrip(" "))]  # the first line's own indent, kept
    lines: list[str] = []
    parts = COMMAND.split(text)  # prose, command, prose, command, ..., prose
    for number, part in enumerate(parts):
        if number % 2:
            lines.append(hang + INDENT + part.strip())
            continue
        prose = " ".join(part.split())
        if number:  # the punctuation closing a command: its line is the command alone
            prose = prose[1:].lstrip() if prose[:1] in ".,;:" else prose
        if prose:
            lines.extend(textwrap.wrap(prose, width, initial_indent=hang if lines else lead, subsequent_indent=hang,
                                       break_long_words=False, break_on_hyphens=False))
    return "\n".join(lines)
