"""Event grouping: which lines make one event (the text signatures are matched against).

- A Python traceback is one event, with the exception line and the lines indented under
  it (libpq's hint under a psycopg2 exception).
- An indented line continues the line before it (pastes wrap long lines).
- Per-line tool prefixes do not count as indentation and are dropped from continuation
  lines, so a message reads on across them: `kubectl logs --timestamps` / `--prefix`,
  docker compose's `web-1  | `, journald's `May 15 23:09:27 host unit[pid]: `, Markdown
  `> ` quote marks, editor line-number gutters.
- The lines of one box (Terraform's `│` diagnostics, k9s panes, rich's tracebacks and
  the panels nested in them) make one event, their borders dropped on both sides:
  Terraform wraps a diagnostic's detail over several `│` lines, rich a local's value.
- A line ending in a wrap mark (`↵`, `⏎`: tools that show where they folded a line)
  continues on the next line.
- A line exactly WRAP_WIDTH bytes long was cut there by a terminal (or `fold`), often
  inside a word: the next line joins the event, and the event also holds the run of such
  lines glued back together (one extra line after them), so a message cut mid-word
  still reads whole.
- Every event is matched with the line after it (`Grouper.push_peeking`): a message
  wrapped at a word boundary, its next words on a line of their own, still reads whole.
  Blank lines in between are skipped (and lines of backticks only, a Markdown paste's
  code fence or span split around the message): an event followed by a blank line peeks
  at the first line after the blank ones (Prisma's CLI prints its `Datasource "db":
  PostgreSQL database ...` line, a blank line, then `Error: P1000: ...`).
- PostgreSQL's server log writes a message's DETAIL, HINT, CONTEXT, STATEMENT and QUERY
  lines each behind the same log_line_prefix as the message's own line (elog.c's
  send_message_to_server_log), not indented: such a line joins the event of the
  `FATAL:`/`ERROR:`/... line before it when the two prefixes are the same bytes.

docs/knowledge/paste-damage.md says where each shape comes from.
"""

from __future__ import annotations

import re

from checks.engine.normalize import normalise

TRACEBACK_HEAD = b"Traceback (most recent call last):"
MAX_EVENT_LINES = 100  # an event never holds more lines: memory stays bounded
WRAP_WIDTH = 80  # bytes: the terminal width `fold` and most terminals default to
WRAP_MARKS = ("\u21b5".encode(), "\u23ce".encode())  # ↵ ⏎
_WS = (b" ", b"\t")
# a line of these only is skipped by a peek: blank, or a Markdown paste's lone backticks
# (a code span or fence split around a message: "`" / "```" lines)
SKIPPED = b" \t`\""  # backticks reach the Grouper as double quotes (checks/engine/normalize.py)

# Prefixes that tools put before every line (one or two of them, e.g. kubectl's --prefix
# then --timestamps). Each alternative is anchored on what it starts with, so a plain
# line fails it at once. checks/engine/_line_scan.c tests lines against these (and BOX)
# by hand: change it with them (tests/checks/test_rewritten_lines.py pins the two).
KUBECTL_TIMESTAMP = rb"\d{4}-\d\d-\d\dT[0-9:.]+(?:Z|[+-]\d\d:?\d\d)?\x20"  # kubectl logs --timestamps
KUBECTL_PREFIX = rb"\[pod/[^\]\s]+\]\x20"  # kubectl logs --prefix: [pod/<pod>/<container>]
PREFIX_ALTERNATIVES = (
    KUBECTL_TIMESTAMP,
    KUBECTL_PREFIX,
    rb"[A-Z][a-z]{2}\x20[\x20\d]\d\x20\d\d:\d\d:\d\d\x20[^\s:]+\x20[^\s:\[]+(?:\[\d+\])?:\x20",  # journald, syslog
    rb"[\w.-]+\x20*\|\x20",  # docker compose: `web-1  | `
    rb"(?:>\x20?)+",  # Markdown quote marks
    rb"\x20{0,4}\d{1,5}(?:\x20?\|\x20?|\t|\x20\x20)",  # editor line numbers
)
PREFIX = rb"(?:" + rb"|".join(PREFIX_ALTERNATIVES) + rb"){1,2}"
_PREFIX = re.compile(PREFIX)
_BORDERS = ("\u2502".encode(), "\u2503".encode(), "\u2551".encode())  # │ ┃ ║
# a box's left border; k9s doubles it, and a box nested in a box (rich's tracebacks with
# their locals panel and indent guides) adds its own after the outer one
BOX = rb"(?:[\x20\t]*(?:\xe2\x94\x82|\xe2\x94\x83|\xe2\x95\x91)+\x20?)+"
_BOX = re.compile(BOX)

# The lines whose event text differs from the raw line (a prefix dropped from an indented
# line, a box border, a wrap mark). The Hyperscan matcher sees raw lines, so it flags
# these (multiline regexes, case-sensitive) and the bulk path then matches their events
# in full (checks/engine/matcher.py). Lines cut at WRAP_WIDTH the bulk path finds itself,
# and the Hyperscan matcher the prefixed and boxed ones, at less cost than a regex
# (checks/engine/line_scan.py).
PREFIXED_OR_BOXED: tuple[bytes, ...] = (
    rb"^" + PREFIX + rb"[\x20\t]",
    rb"^" + BOX,
)
REGROUP_PATTERNS: tuple[bytes, ...] = (*PREFIXED_OR_BOXED, *WRAP_MARKS)

PLAIN, PREFIXED, BOXED = 0, 1, 2
# PostgreSQL's server log (elog.c): a message's own line `PREFIX SEVERITY:  text`, then its
# secondary fields, each `PREFIX LABEL:  text` behind the same log_line_prefix
_PG_SECONDARY = re.compile(rb"(?:DETAIL|HINT|CONTEXT|STATEMENT|QUERY):\s")
_PG_SEVERITY = re.compile(rb"(?:FATAL|PANIC|ERROR|WARNING|LOG|NOTICE|INFO|DEBUG[1-5]?):\s")
_KUBECTL_POD = re.compile(rb"(?:" + KUBECTL_TIMESTAMP + rb")?\[(pod/[^\]\s]+)\]\x20")


def prefixed_pod(line: bytes) -> str:
    """`pod/<pod>/<container>` when the line starts with kubectl's --prefix (after its
    --timestamps or not), else "": the pod that printed it, in a stream of many pods."""
    m = _KUBECTL_POD.match(line)
    return m.group(1).decode("utf-8", "replace") if m else ""


def split(line: bytes) -> tuple[int, bytes]:
    """(kind, body): the line without a per-line tool prefix or box border."""
    first = line[:1]
    if first in b" \t\xe2":
        m = _BOX.match(line)
        if m:
            return BOXED, _right_borders_dropped(line[m.end():])
    m = _PREFIX.match(line)
    if m and m.end():
        return PREFIXED, line[m.end():]
    return PLAIN, line


def _right_borders_dropped(text: bytes) -> bytes:
    """A boxed line's text without the right borders a box draws (k9s panes, rich's
    nested panels): a message wrapped inside the box reads on into its next line."""
    end = text.rstrip(b" \t")
    if not end.endswith(_BORDERS):
        return text
    while end.endswith(_BORDERS):
        end = end[:-3].rstrip(b" \t")
    return end


def body(line: bytes) -> bytes:
    return split(line)[1]


def is_continuation(line: bytes) -> bool:
    """True when `line` is indented under whatever came before it."""
    return body(line)[:1] in _WS


def is_head(line: bytes) -> bool:
    return TRACEBACK_HEAD in line


def _marked(line: bytes) -> int:
    """Bytes of a trailing wrap mark (and the spaces after it), or 0."""
    stripped = line.rstrip()
    for mark in WRAP_MARKS:
        if stripped.endswith(mark):
            return len(line) - len(stripped) + len(mark)
    return 0


def joins(kind: int, text: bytes, line: bytes, previous_kind: int, previous: bytes, previous_width: int) -> bool:
    """Whether a line (split as kind, text) continues the event that `previous` is in,
    outside a traceback. `previous_width`: the previous line's length as printed (before
    paste damage was undone: a terminal cut `\\"` as two characters)."""
    return (
        text[:1] in _WS
        or (kind == BOXED and previous_kind == BOXED)
        or (previous_width == WRAP_WIDTH and TRACEBACK_HEAD not in line)
        or bool(_marked(previous))
        or _postgres_secondary(text, previous)
    )


def _postgres_secondary(text: bytes, previous: bytes) -> bool:
    """True when `text` is a PostgreSQL server log's DETAIL/HINT/... line of the message
    on `previous`: the label stands where the previous line's severity stands, after the
    same log_line_prefix bytes (a tool prefix before both is dropped first)."""
    m = _PG_SECONDARY.search(text, 0, 200)
    if m is None:
        return False
    at = m.start()
    before = body(previous)
    return _PG_SEVERITY.match(before, at) is not None and before[:at] == text[:at]


def is_sync_point(line: bytes, previous: bytes, previous_width: int | None = None) -> bool:
    """True when a new event starts at `line` whatever came before `previous`.

    After a line whose body is non-empty, not indented and not a traceback head, no
    traceback is open; a new event starts at `line` unless it joins `previous` (indented,
    both boxed, `previous` cut or wrap-marked). The bulk scanner starts and ends its
    regions only at such lines, so it groups exactly as a line-by-line Grouper does.
    `previous_width` as for `joins` (default: its length)."""
    if not line or not previous:
        return False
    previous_kind, previous_text = split(previous)
    if not previous_text or previous_text[:1] in _WS or TRACEBACK_HEAD in previous:
        return False
    kind, text = split(line)
    width = len(previous) if previous_width is None else previous_width
    return bool(text) and not joins(kind, text, line, previous_kind, previous, width)


def is_sync_point_split(line: bytes, parts: tuple[int, bytes], previous: bytes, previous_parts: tuple[int, bytes],
                        previous_width: int) -> bool:
    """is_sync_point(line, previous, previous_width) with split(line) and split(previous)
    given: the bulk path's sync-point walks split each line they read once, where each
    line was split twice before, as the line and then as the next step's previous line
    (~0.9 of the ~1.8 ms `split` cost on bench_diagnose's log: diagnose-speed.md)."""
    if not line or not previous:
        return False
    previous_kind, previous_text = previous_parts
    if not previous_text or previous_text[:1] in _WS or TRACEBACK_HEAD in previous:
        return False
    kind, text = parts
    return bool(text) and not joins(kind, text, line, previous_kind, previous, previous_width)


class Grouper:
    """Turns lines into events (lists of lines). `push` returns the events it closed.

    An event is matched together with the line that follows it (its peek), and a match
    counts for the event when it starts in the event: a message wrapped at a word boundary
    onto a line of its own (Terraform 0.12-0.14's unboxed detail, a GUI dialog, a mail)
    still reads whole, and a match wholly in the next line is that line's own."""

    __slots__ = ("_lines", "_traceback", "_previous", "_previous_kind", "_previous_width", "_run", "_held")

    def __init__(self) -> None:
        self._lines: list[bytes] = []
        self._traceback = False
        self._previous = b""  # the last line pushed into the pending event, as pushed
        self._previous_kind = PLAIN
        self._previous_width = 0
        self._run: bytes | None = None  # the cut lines of the current run, glued
        self._held: list[bytes] | None = None  # an event closed by a blank line, waiting for its peek

    def push(self, line: bytes, width: int | None = None) -> list[list[bytes]]:
        return [event for event, _ in self.push_peeking(line, width)]

    def push_peeking(self, line: bytes, width: int | None = None) -> list[tuple[list[bytes], bytes | None]]:
        """Like push, each closed event with the line after it (the next event's first
        line: a message wrapped at a word boundary reads on there; past blank lines), or
        None when that line is not known yet (a traceback closed at MAX_EVENT_LINES).
        `width`: the line's length before paste damage was undone (default: its length).

        An event closed by a blank (or backticks-only) line waits (`_held`, never more than one: only an event
        with text is held, and the next such event closes after a line with text) until a
        line with text arrives, and peeks at that line."""
        closed = self._push_peeking(line, width)
        if not closed:
            return closed
        held = self._held
        out: list[tuple[list[bytes], bytes | None]] = []
        for event, peek in closed:
            if peek is not None and not peek.strip(SKIPPED):
                if held is None and (len(event) > 1 or event[0].strip()):
                    held = event
                    continue
            elif held is not None:
                out.append((held, peek))
                held = None
            out.append((event, peek))
        self._held = held
        return out

    def _push_peeking(self, line: bytes, width: int | None) -> list[tuple[list[bytes], bytes | None]]:
        width = len(line) if width is None else width
        lines = self._lines
        kind, text = split(line)
        if lines and self._traceback:
            # every line until the exception line; then the event goes on while lines
            # are indented under the exception (a multi-line exception message)
            lines.append(text if text[:1] in _WS else line)
            if text and text[:1] not in _WS:
                self._traceback = False
            if len(lines) >= MAX_EVENT_LINES:
                return [(self._take(), None)]
            self._remember(kind, line, width)
            return []
        if lines and len(lines) < MAX_EVENT_LINES and joins(kind, text, line, self._previous_kind, self._previous,
                                                             self._previous_width):
            previous = self._previous
            mark = _marked(previous)
            if mark:
                lines[-1] = lines[-1][:len(lines[-1]) - mark].rstrip(b" \t")
            if self._previous_width == WRAP_WIDTH:
                self._run = (self._run or previous) + line
            else:
                self._end_run()
            lines.append(text)
            self._remember(kind, line, width)
            return []
        closed = [(self._take(), line)] if lines else []
        self._lines = [_right_borders_dropped(line) if kind == BOXED else line]
        self._traceback = TRACEBACK_HEAD in text
        self._remember(kind, line, width)
        return closed

    def _remember(self, kind: int, line: bytes, width: int) -> None:
        self._previous, self._previous_kind, self._previous_width = line, kind, width

    def _end_run(self) -> None:
        """The run glued back, as one more line right after its pieces (paste damage cut
        in two, a backslash | a quote, is whole again)."""
        if self._run is not None:
            self._lines.append(normalise(self._run))
            self._run = None

    def flush(self) -> list[list[bytes]]:
        held, self._held = self._held, None
        return ([held] if held is not None else []) + ([self._take()] if self._lines else [])

    @property
    def pending(self) -> bool:
        return bool(self._lines) or self._held is not None

    def _take(self) -> list[bytes]:
        self._end_run()
        lines = self._lines
        self._lines, self._traceback = [], False
        self._previous, self._previous_kind, self._previous_width = b"", PLAIN, 0
        return lines
