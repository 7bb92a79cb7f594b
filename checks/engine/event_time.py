"""When a log event happened: the ISO-8601 timestamp at its start, as epoch seconds."""

from __future__ import annotations

import re

_ISO = re.compile(
    rb"(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:[.,]\d+)?\s?(Z|[+-]\d\d:?\d\d)?"
)


def event_time_at_start(first_line: bytes, default: float) -> float:
    """The ISO-8601 timestamp at the start of an event (UTC when no offset), else default."""
    m = _ISO.search(first_line[:80])
    if not m:
        return default
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    if not (1 <= year <= 9999 and 1 <= month <= 12):
        return default  # what calendar.timegm rejects (through datetime.date)
    stamp = _timegm(year, month, day, hour, minute, second)
    zone = m.group(7)
    if zone and zone not in (b"Z", b"z"):
        sign = 1 if zone[:1] == b"+" else -1
        digits = zone[1:].replace(b":", b"")
        stamp -= sign * (int(digits[:2]) * 3600 + int(digits[2:4]) * 60)
    return float(stamp)


_DAYS_BEFORE_MONTH = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
_EPOCH_ORDINAL = 719163  # datetime.date(1970, 1, 1).toordinal()


def _timegm(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int:
    """calendar.timegm for a valid year and month (the day and time are not checked,
    as there): the same arithmetic as datetime's ordinals, without importing calendar,
    datetime and locale at every start."""
    before = year - 1
    ordinal = before * 365 + before // 4 - before // 100 + before // 400 + _DAYS_BEFORE_MONTH[month - 1] + 1
    if month > 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        ordinal += 1
    days = ordinal - _EPOCH_ORDINAL + day - 1
    return ((days * 24 + hour) * 60 + minute) * 60 + second
