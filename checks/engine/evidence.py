"""What a finding shows of the lines that matched, and its details as JSON."""

from __future__ import annotations

import re

from checks.engine.normalize import evidence_text


def match_evidence(lines: list[bytes], pattern: re.Pattern[bytes]) -> str:
    """The lines the match spans (at most three), a long one cut to a window around the
    match so the words that matter are in it. Not yet redacted."""
    event = lines[0] if len(lines) == 1 else b"\n".join(lines)
    m = pattern.search(event)
    if m is None:  # cannot happen for a verified event; show its head
        return evidence_text(lines[0])
    first = event.count(b"\n", 0, m.start())
    last = event.count(b"\n", 0, max(m.end() - 1, m.start()))
    line_start = event.rfind(b"\n", 0, m.start()) + 1
    out = []
    for number in range(first, min(last, first + 2) + 1):
        line = lines[number]
        at = m.start() - line_start if number == first else 0
        out.append(evidence_text(line, at))
    return "\n".join(out)


def jsonable(value):
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)
