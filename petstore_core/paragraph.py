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


# Spans a wrapped line never breaks (wrap): a `quoted` span; a JSON key with
# its value (a value alone on its line loses what names it: a private_key_id's hex read
# as a secret by tests/secrets/test_outputs.py's scanner); and a shell command written
# into the text (aws eks update-kubeconfig --name x --region <region>): its program, the
# bare words after it up to a word of prose (_PROSE: "kubectl or helm could not open..."
# is no command, and kept whole it ran 5 columns past a 60-column report), then options
# each with at most one value, so "... --profile p writes it" ends at "p". Addresses
# have no spaces: no word is ever broken.
_PROGRAMS = r"(?:aws|kubectl|helm|terraform|docker|podman|eksctl|petstore-tui|git|\./dev)"
_PROSE = (r"(?:a|after|again|an|and|are|as|at|be|before|but|by|can|cannot|could|did|does|for|from|has|have|if|in|"
          r"into|is|it|its|once|until|while|"
          r"lists|needs|not|of|on|or|piped|says|so|that|the|their|then|there|this|to|was|when|which|will|with|"
          r"would|writes)\b")
_WORD = r"(?!" + _PROSE + r")[a-z0-9<][^\s,;()`]*"
WHOLE = (r"`[^`]*`|\"[^\"\s]*\": \"[^\"]*\"|(?<![\w./-])" + _PROGRAMS + r"(?: " + _WORD + r")*"
         r"(?: --?[\w-]+(?:[= ](?!-)[^\s,;()`]+)?)*")
_KEEP = "\x00"  # stands for a space that must not break (any NUL of the text is dropped first)


def wrap(text: str, width: int, *, first: str = "", hang: str = "", whole: tuple[str, ...] = ()) -> list[str]:
    """`text`, its whitespace collapsed, on lines of `width` columns: the first starting
    with `first`, each after it with `hang`. Never broken: a word (an address, an ARN,
    a-hyphenated-name), a span WHOLE finds (a `quoted` span, a command, a JSON "key":
    "value") and each span of `whole`; one longer than the room stands alone on its
    line, past the width. The one wrap of every text report (diagnose, preflight, the
    headless runbook's notes). At least 20 columns after `hang`: on a very narrow
    terminal a line overflows rather than shrinking to a word a line."""
    # start-up: `diagnose --json` imports this module for terminal_width only
    import textwrap

    kept = " ".join(text.replace(_KEEP, "").split())
    for span in whole:
        span = " ".join(span.split())
        if span:
            kept = kept.replace(span, span.replace(" ", _KEEP))
    # re.sub's own cache compiles WHOLE once: not at import, which `diagnose --json` pays
    kept = re.sub(WHOLE, lambda m: m.group(0).replace(" ", _KEEP), kept)
    lines = textwrap.wrap(kept, max(width, len(hang) + 20), initial_indent=first, subsequent_indent=hang,
                          break_long_words=False, break_on_hyphens=False) or [first.rstrip()]
    return [line.replace(_KEEP, " ") for line in lines]


def for_terminal(text: str, width: int | None = None, stream=None, hang: str = "") -> str:
    """`text` wrapped to `width` (when None, that of the terminal `stream` writes to, as
    terminal_width reads it); each `command` goes on its own line without its backquotes,
    indented, never broken even when longer than the width. The first line keeps the
    text's own leading spaces; every line after it starts with `hang` (a hanging indent
    under a marker such as "<== ")."""
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
            lines.extend(wrap(prose, width, first=hang if lines else lead, hang=hang))
    return "\n".join(lines)
