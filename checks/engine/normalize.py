"""Line normalisation: ANSI colour, NUL bytes, CR, paste damage, long lines; all on bytes."""

from __future__ import annotations

import re

MAX_LINE = 64 * 1024  # bytes of one line kept for matching and evidence
RAW_MAX_LINE = 1024 * 1024  # raw bytes read of one line before normalising (bounds memory)
EVIDENCE_CHARS = 400  # bytes of one evidence line kept (a window around the match)

# CSI sequences (colour, cursor), OSC sequences (titles, links) and two-byte escapes.
# None of them can span a newline, so block and per-line normalisation agree.
_ANSI = re.compile(rb"\x1b(?:\[[0-9;?<=>]*[ -/]*[@-~]|\][^\x07\x1b\n]*(?:\x07|\x1b\\)|[@-Z\\-_])")

# Paste damage: JSON-escaped quotes, HTML entities, curly quotes, exotic spaces. Every
# replacement is shorter than or as long as what it replaces and never makes a newline.
# (trigger, replacement); a replacement of None means the ANSI regex. The order is the
# order of application: removals first, `&amp;` after the other entities.
STEPS: tuple[tuple[bytes, bytes | None], ...] = (
    (b"\x1b", None), (b"\r", b""), (b"\x00", b""),
    (b'\\"', b'"'),
    (b"&quot;", b'"'), (b"&#34;", b'"'), (b"&#x22;", b'"'),
    (b"&#39;", b"'"), (b"&#x27;", b"'"), (b"&apos;", b"'"),
    (b"&lt;", b"<"), (b"&gt;", b">"), (b"&amp;", b"&"),
    (b"\xe2\x80\x98", b"'"), (b"\xe2\x80\x99", b"'"),  # ‘ ’
    (b"\xe2\x80\x9c", b'"'), (b"\xe2\x80\x9d", b'"'),  # “ ”
    (b"\xe2\x80\x89", b" "), (b"\xe2\x80\xaf", b" "),  # thin and narrow no-break space
    (b"\xe2\x80\x8b", b""),  # zero-width space
    (b"\xc2\xa0", b" "),  # no-break space
)
_REMOVALS = 3  # the first steps only delete bytes, which can bring a later trigger together
_ENTITY = re.compile(rb"&(?:quot|#34|#x22|#39|#x27|apos|lt|gt|amp);")


def damage(data: bytes) -> list[int]:
    """Indices of the STEPS whose trigger occurs in `data`. Multi-byte triggers are looked
    for only after their first byte is found (a memchr, at memory speed)."""
    found = []
    if b"\x1b" in data:
        found.append(0)
    if b"\r" in data:
        found.append(1)
    if b"\x00" in data:
        found.append(2)
    if b"\\" in data and b'\\"' in data:
        found.append(3)
    if b"&" in data and _ENTITY.search(data):
        found.extend(i for i in range(4, 13) if STEPS[i][0] in data)
    if b"\xe2" in data and b"\xe2\x80" in data:
        found.extend(i for i in range(13, 20) if STEPS[i][0] in data)
    if b"\xc2" in data and b"\xc2\xa0" in data:
        found.append(20)
    return found


REMOVAL_TRIGGERS = (b"\x1b", b"\r", b"\x00")
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
    gates = ((b"\\", (b'\\"',)), (b"&", None), (b"\xe2", DAMAGE_TRIGGERS[10:17]), (b"\xc2", (b"\xc2\xa0",)))
    for gate, triggers in gates:
        if gate not in block:
            continue
        if triggers is None:
            found.extend(m.start() for m in _ENTITY.finditer(block))
            continue
        for trigger in triggers:
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
        data = data.replace(trigger, replacement)
    return data


def _finish(data: bytes) -> bytes:
    for i in damage(data):
        if i >= _REMOVALS:
            data = data.replace(*STEPS[i])
    return data


def to_bytes(line: str | bytes | bytearray | memoryview) -> bytes:
    if isinstance(line, str):
        return line.encode("utf-8", "replace")
    return bytes(line)


def prepare_line(line: str | bytes) -> bytes:
    """One raw line -> the bytes the engine matches: cut, normalised, cut again."""
    raw = to_bytes(line)
    if raw.endswith(b"\n"):
        raw = raw[:-1]
    return normalise(raw[:RAW_MAX_LINE])[:MAX_LINE]


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
