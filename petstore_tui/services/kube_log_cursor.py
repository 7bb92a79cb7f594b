"""Where a container's log was shown up to: its timestamps split off, repeats after a reconnect told apart."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime

_STAMP = re.compile(rb"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) ")


def split_stamp(raw: bytes) -> tuple[tuple[str, int] | None, str, bytes]:
    """A `timestamps=true` log line as (sortable key, the stamp as sent, the line). The
    kubelet writes RFC3339Nano (trailing zeros cut, so texts do not sort), in UTC."""
    m = _STAMP.match(raw)
    if m is None:
        return None, "", raw
    seconds, fraction, zone = m.group(1).decode(), (m.group(2) or b"").decode(), m.group(3)
    if zone != b"Z":
        seconds = datetime.fromisoformat(f"{seconds}{zone.decode()}").astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return (seconds, int(fraction.ljust(9, "0"))), m.group(0)[:-1].decode(), raw[m.end():]


class LogCursor:
    """How far a container's log has been shown: the newest timestamp, and how often each
    text was shown at it. After a reconnect (`sinceTime` is cut to whole seconds on its way
    to the kubelet, so some lines come again) a line older than that timestamp is a repeat,
    and so is a line at it whose text was shown there, as many times as it was shown."""

    def __init__(self) -> None:
        self.newest: tuple[str, int] | None = None
        self.since = ""  # the newest line's stamp, as sent: the next sinceTime
        self._at_newest: Counter[bytes] = Counter()
        self._repeats: Counter[bytes] = Counter()

    def reconnected(self) -> None:
        self._repeats = Counter(self._at_newest)

    def fresh(self, key: tuple[str, int] | None, stamp: str, text: bytes) -> bool:
        if key is None:  # no timestamp (an old server): nothing to compare, show it
            return True
        if self.newest is None or key > self.newest:
            self.newest, self.since = key, stamp
            self._at_newest = Counter((text,))
            self._repeats.clear()
            return True
        if key < self.newest:
            return False
        if self._repeats[text] > 0:
            self._repeats[text] -= 1
            return False
        self._at_newest[text] += 1
        return True
