"""Line normalisation: ANSI colour, NUL bytes, CR, paste damage, long lines; all on bytes."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

REMOVAL_TRIGGERS = (b"\x1b", b"\r", b"\x00")

MAX_LINE = 64 * 1024  # bytes of one line kept for matching and evidence
RAW_MAX_LINE = 1024 * 1024  # raw bytes read of one line before normalising (bounds memory)
EVIDENCE_CHARS = 400  # bytes of one evidence line kept (a window around the match)

# CSI sequences (colour, cursor), OSC sequences (titles, links) and two-byte escapes.
# None of them can span a newline, so block and per-line normalisation agree.
_ANSI = re.compile(rb"\x1b(?:\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b\n]*(?:\x07|\x1b\\)|[@-Z\\-_])")

# Markdown autolinks that issue trackers put into pasted log words (`[main.tf](http://main.tf)`,
# `[https://host/x](https://host/x)`): the link text is what the program printed.
_AUTOLINK = re.compile(rb"\[([^\]\n]{1,300})\]\(https?://[^)\s]{0,500}\)")


def _unlink(data: bytes) -> bytes:
    return _AUTOLINK.sub(rb"\1", data)


# JSON's \uXXXX escapes: Go's encoder writes <, > and & so (`\u003ccluster name\u003e`),
# Python's json.dumps every non-ASCII character (curly quotes, no-break spaces).
_UNICODE_ESCAPE = re.compile(rb"\\u(00[2-7][0-9a-fA-F]|00[aA]0|20(?:0[9bB]|1[89cCdD]|2[fF]))")
_UNESCAPED = {b"00a0": b" ", b"2009": b" ", b"202f": b" ", b"200b": b"",
              b"2018": b"'", b"2019": b"'", b"201c": b'"', b"201d": b'"'}


def _unescape(data: bytes) -> bytes:
    def char(m: re.Match) -> bytes:
        code = m.group(1).lower()
        return _UNESCAPED.get(code) if code in _UNESCAPED else bytes((int(code, 16),))

    return _UNICODE_ESCAPE.sub(char, data)


# One log record per line, as docker's json-file driver and log shippers store it:
# `{"log":"  File \"app.py\"...\n","stream":"stderr","time":"2026-11-27T10:00:00.1Z"}`
# (docker, Fluentd and Fluent Bit keep the line under "log"; Filebeat, Logstash, Vector and
# CloudWatch exports under "message", beside a timestamp). The record reads as the line the
# program printed (its time and stream dropped, as a tool prefix would be): indentation,
# tracebacks and wraps group as in a plain log, and the line after an event is read whole.
# A JSON object without a timestamp under "message" (an AWS error body) is left as it is.
_RECORD = re.compile(rb"^[ \t]*\{[^\n]*\}[ \t]*$", re.MULTILINE)
_RECORD_TIMES = ("time", "@timestamp", "timestamp", "date")


def _record_line(m: re.Match) -> bytes:
    line = m.group(0)
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested beyond reason
        return line
    if not isinstance(record, dict):
        return line
    text = record.get("log")
    if not isinstance(text, str):
        text = record.get("message") if any(k in record for k in _RECORD_TIMES) else None
        if not isinstance(text, str):
            return line
    text = text.removesuffix("\n").replace("\r", "").replace("\n", " ")
    return remove_noise(text.encode("utf-8", "replace"))


def _unwrap_records(data: bytes) -> bytes:
    return _RECORD.sub(_record_line, data)


# JSON's \n and \t escapes read as the space they stand for, except in a Windows path
# (`C:\Users\x\node_modules\pg`, `C:\temp\tools`), where they are a separator and a name.
# A JSON string's own backslashes are doubled, and the `\\` step has halved them by now, so
# a path looks the same either way: inside a path token (a drive letter, a colon, a
# backslash, then no space, quote or bracket) an escape counts as a newline or tab only right
# after a file name (`client.js:1:2\n    at ...`, a stack trace's next frame), and as the
# path's own backslash after a folder or the drive (`C:\new`, `x\node_modules\`).
_WIN_PATH = re.compile(rb"(?<![\w.\\/-])[A-Za-z]:\\[^\s\"'`<>|()\[\]{},;*?]*")
_FILE_NAME = re.compile(rb"\.[A-Za-z0-9]{1,8}(?::\d+)*$")


def _escape_in_path(token: bytes, letter: bytes) -> bytes:
    parts = token.split(b"\\")
    out = [parts[0]]
    previous = parts[0]
    for part in parts[1:]:
        if part.startswith(letter) and _FILE_NAME.search(previous):
            out.append(b" " + part[1:])  # after a file name: the escape ended the line
        else:
            out.append(b"\\" + part)
        previous = part
    return b"".join(out)


def _json_space(data: bytes, letter: bytes) -> bytes:
    escape = b"\\" + letter
    if b":\\" not in data:
        return data.replace(escape, b" ")
    pieces = []
    pos = 0
    for m in _WIN_PATH.finditer(data):
        pieces.append(data[pos:m.start()].replace(escape, b" "))
        pieces.append(_escape_in_path(m.group(0), letter) if escape in m.group(0) else m.group(0))
        pos = m.end()
    pieces.append(data[pos:].replace(escape, b" "))
    return b"".join(pieces)


def _newline_escape(data: bytes) -> bytes:
    return _json_space(data, b"n")


def _tab_escape(data: bytes) -> bytes:
    return _json_space(data, b"t")


# Paste damage: JSON records, JSON escapes, HTML entities, Markdown marks, curly quotes,
# exotic spaces. Every replacement is shorter than or as long as what it replaces and
# never makes a newline. (trigger, replacement); a replacement of None means the ANSI
# regex, a callable one is applied to the data. The order is the order of application: removals first,
# `&amp;` after the other entities.
STEPS: tuple[tuple[bytes, bytes | Callable[[bytes], bytes] | None], ...] = (
    (b"\x1b", None), (b"\r", b""), (b"\x00", b""),
    (b'"log":', _unwrap_records), (b'"message":', _unwrap_records),  # a JSON record a line
    (b"\\u", _unescape),  # JSON's \u escapes of printable characters
    (b"\\\\", b"\\"),  # a JSON string inside a JSON string (a shipped log line): \\\" is \"
    (b'\\"', b'"'), (b"\\n", _newline_escape), (b"\\t", _tab_escape),  # a log line inside a JSON string
    (b"&quot;", b'"'), (b"&#34;", b'"'), (b"&#x22;", b'"'),
    (b"&#39;", b"'"), (b"&#x27;", b"'"), (b"&apos;", b"'"),
    (b"&lt;", b"<"), (b"&gt;", b">"), (b"&nbsp;", b" "), (b"&#160;", b" "), (b"&#xa0;", b" "),
    (b"&amp;", b"&"),
    (b"](http", _unlink), (b"**", b""),  # Markdown: autolinks, bold marks inside a line
    (b"`", b'"'),  # quotes retyped as Markdown code marks (Go's %q quotes are double)
    (b"\xe2\x80\x98", b"'"), (b"\xe2\x80\x99", b"'"),  # ‘ ’
    (b"\xe2\x80\x9c", b'"'), (b"\xe2\x80\x9d", b'"'),  # “ ”
    (b"\xe2\x80\x89", b" "), (b"\xe2\x80\xaf", b" "),  # thin and narrow no-break space
    (b"\xe2\x80\x8b", b""),  # zero-width space
    (b"\xc2\xa0", b" "),  # no-break space
)
_REMOVALS = 3  # the first steps only delete bytes, which can bring a later trigger together
# The replacing steps by the first byte of their trigger: a memchr for that byte decides
# whether the (rarer) whole triggers are looked for at all.
_GATES: dict[bytes, tuple[int, ...]] = {}
for _index in range(_REMOVALS, len(STEPS)):
    _first = STEPS[_index][0][:1]
    _GATES[_first] = (*_GATES.get(_first, ()), _index)
del _index, _first


def python_damage(data: bytes) -> list[int]:
    """Indices of the STEPS whose trigger occurs in `data`, in order of application."""
    found = [i for i, trigger in enumerate(REMOVAL_TRIGGERS) if trigger in data]
    for gate, indices in _GATES.items():
        if gate in data:
            found.extend(i for i in indices if STEPS[i][0] in data)
    return sorted(found)


# damage(data): python_damage's answer from one native pass over `data` where
# checks/engine/_line_scan.c was built (its VERSION 6 Triggers): normalise() asks it of
# every line it is given (the live feed's every line, the bulk path's sync-point walks),
# and ~20 `in` tests, each a pass of its own over the line, cost ~5 us a line where the
# native pass costs a few hundred ns (docs/knowledge/diagnose-speed.md, round 7).
try:
    from checks.engine._line_scan import Triggers as _Triggers
except ImportError:  # not built (no compiler where the project was installed), or older than VERSION 6
    _Triggers = None
damage: Callable[[bytes], list[int]] = (
    python_damage if _Triggers is None else _Triggers(tuple(trigger for trigger, _ in STEPS)).present
)


# Triggers of the steps that replace rather than delete: the bulk path finds them in the
# same pass as the signatures and normalises only the lines that hold one.
DAMAGE_TRIGGERS: tuple[bytes, ...] = tuple(trigger for trigger, _ in STEPS[_REMOVALS:])


def remove_noise(block: bytes) -> bytes:
    """The deleting steps (ANSI, CR, NUL) over a whole block: cheap to test for, common
    on every line when present (coloured or CRLF logs), and safe to do block-wide."""
    if b"\x1b" in block:
        block = _ANSI.sub(b"", block)
    if b"\r" in block:
        block = block.replace(b"\r", b"")
    if b"\x00" in block:
        block = block.replace(b"\x00", b"")
    return block


NOISY_LINES = 64  # noisy lines cleaned one by one before one pass takes the rest


def remove_noise_into(parts: list, data: bytes, lo: int, hi: int) -> None:
    """Append `remove_noise(data[lo:hi])` to `parts` (for `b"".join`), where data[lo:hi]
    is whole lines. No step reaches across a newline (an escape sequence never spans
    one), so only the lines holding a trigger (found by memchr) are cleaned, and the
    lines between them go in as memoryview slices, uncopied. A block noisy on most lines
    gets one `remove_noise` of the rest after the first NOISY_LINES of them."""
    find, rfind = data.find, data.rfind
    nxt = [find(t, lo, hi) for t in REMOVAL_TRIGGERS]
    pos = lo
    cleaned = 0
    view = memoryview(data)  # slices of it join the parts: left unreleased
    while True:
        live = [p for p in nxt if p >= 0]
        if not live:
            break
        if cleaned >= NOISY_LINES:
            parts.append(remove_noise(data[pos:hi]))
            return
        at = min(live)
        start = max(rfind(b"\n", pos, at) + 1, pos)
        end = find(b"\n", at, hi)
        if end < 0:
            end = hi
        if start > pos:
            parts.append(view[pos:start])
        parts.append(remove_noise(data[start:end]))
        cleaned += 1
        pos = end
        nxt = [p if p < 0 or p >= end else find(t, end, hi) for p, t in zip(nxt, REMOVAL_TRIGGERS, strict=True)]
    if pos < hi:
        parts.append(view[pos:hi])


def damage_offsets(block: bytes) -> list[int]:
    """Offsets in `block` of the replacing steps' triggers (the Python way)."""
    found: list[int] = []
    for gate, indices in _GATES.items():
        if gate not in block:
            continue
        for i in indices:
            trigger = STEPS[i][0]
            pos = block.find(trigger)
            while pos >= 0:
                found.append(pos)
                pos = block.find(trigger, pos + 1)
    return found


def normalise(data: bytes, present: list[int] | None = None) -> bytes:
    """Normalise one line or a whole block of lines (same result either way).

    `present` is the list of STEPS found in `data` when the caller already knows it (the
    Hyperscan matcher finds them all in one pass); otherwise `damage` looks."""
    steps = damage(data) if present is None else present
    if not steps:
        return data
    removed = False
    for i in steps:
        trigger, replacement = STEPS[i]
        if i < _REMOVALS:
            data = _ANSI.sub(b"", data) if replacement is None else data.replace(trigger, replacement)
            removed = True
            continue
        if removed:  # deleting bytes may have made new triggers: look again, once
            return _finish(data)
        if STEPS[i][1] is _unwrap_records:  # a record's text may hold any trigger: look again, once
            unwrapped = _unwrap_records(data)
            if unwrapped != data:
                return _finish(unwrapped)
            continue
        data = _apply(i, data)
    return data


# The bulk path asks for the same damaged line up to four times (the sync-point walks
# before and after each hit, the peek test, then the region's grouping, which comes after
# the walks over a whole block of such lines): on a log of JSON records every line is
# damaged, and normalising it (json.loads) was most of the scan (docs/knowledge/
# diagnose-speed.md, round 15). normalise is a pure function of the bytes, so its answers
# are kept in two generations: when the newer holds RECENT_BYTES (more than a block's
# lines: BLOCK_SIZE is 2 MiB) it becomes the older and the older is dropped. A line longer
# than RECENT_LINE is not kept.
RECENT_BYTES = 8 * 1024 * 1024
RECENT_LINE = 16 * 1024
_recent: list = [{}, {}, 0]  # newer, older, bytes held by the newer


def normalise_line(line: bytes) -> bytes:
    """normalise(line), remembered (see RECENT_BYTES)."""
    recent = _recent
    got = recent[0].get(line)
    if got is not None:
        return got
    got = recent[1].get(line)
    if got is None:
        got = normalise(line)
        if len(line) > RECENT_LINE:
            return got
    if recent[2] >= RECENT_BYTES:
        recent[:] = [{}, recent[0], 0]
    recent[0][line] = got
    recent[2] += len(line) + len(got) + 100  # ~ two bytes objects and a dict slot
    return got


def _apply(index: int, data: bytes) -> bytes:
    trigger, replacement = STEPS[index]
    return replacement(data) if callable(replacement) else data.replace(trigger, replacement)


def _finish(data: bytes) -> bytes:
    for i in damage(data):
        if i >= _REMOVALS:
            data = _apply(i, data)
    return data


def to_bytes(line: str | bytes | bytearray | memoryview) -> bytes:
    if isinstance(line, str):
        return line.encode("utf-8", "replace")
    return bytes(line)


def prepare_line(line: str | bytes) -> bytes:
    """One raw line -> the bytes the engine matches: cut, normalised, cut again."""
    return prepare_line_and_width(line)[0]


def prepare_line_and_width(line: str | bytes) -> tuple[bytes, int]:
    """prepare_line, and the line's length as a terminal printed it (noise removed,
    paste damage not yet undone): the grouping's cue for a line cut at the wrap width."""
    raw = to_bytes(line)
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    raw = remove_noise(raw[:RAW_MAX_LINE])
    return normalise(raw)[:MAX_LINE], len(raw)


def decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def evidence_text(line: bytes, at: int = 0) -> str:
    """One line for evidence: at most EVIDENCE_CHARS bytes, taken around offset `at`
    (where the match starts) when the line is longer."""
    line = line.strip()
    if len(line) <= EVIDENCE_CHARS:
        return decode(line)
    start = max(0, min(at - EVIDENCE_CHARS // 4, len(line) - EVIDENCE_CHARS))
    end = start + EVIDENCE_CHARS
    # A cut through a token could leave a piece of a secret too short for redaction to
    # know it: the window drops a cut token (within EDGE_SLACK bytes of the edge).
    if start > 0:
        start = _token_start(line, start, max(start, at))
    if end < len(line):
        end = _token_end(line, start, end)
    # "ignore" at the cut edges: half a UTF-8 character there is not worth a U+FFFD
    text = line[start:end].decode("utf-8", "ignore")
    return ("… " if start > 0 else "") + text + (" …" if end < len(line) else "")


EDGE_SLACK = 120  # bytes a window edge may move to a token boundary
_BOUNDARY = re.compile(rb"[\s\"'`,;{}\[\]()<>|&=]")


def _token_start(line: bytes, start: int, limit: int) -> int:
    """`start`, moved forward past the token it cuts (never past `limit`, the match)."""
    if _BOUNDARY.match(line, start - 1):
        return start
    m = _BOUNDARY.search(line, start, min(limit, start + EDGE_SLACK))
    return m.end() if m else start


def _token_end(line: bytes, start: int, end: int) -> int:
    """`end`, moved back before the token it cuts."""
    if _BOUNDARY.match(line, end):
        return end
    return max((m.end() for m in _BOUNDARY.finditer(line, max(start, end - EDGE_SLACK), end)), default=end)
