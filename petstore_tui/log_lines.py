"""Log lines as the panel shows them: time, level, origin, message, then the other fields.

Pure functions, no Textual and no Rich: `parse` splits one line (JSON of any logger, a
plain line with a leading time and level, a Python traceback's parts), `message_of` gives
the part a reader wants (a JSON line's message). The shapes it knows and the layout it
serves are in docs/knowledge/log-display.md.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field

# Field names by meaning, in the order they are tried: the app's JsonFormatter
# (petstore-app/petstore/logs.py: ts, level, logger, message), controller-runtime's zap
# (docs/knowledge/log-wordings.md: level, ts, logger, msg), docker's json-file (log),
# and the common others.
TIME_KEYS = ("ts", "time", "timestamp", "@timestamp", "T", "date")
LEVEL_KEYS = ("level", "levelname", "severity", "lvl", "L", "log.level")
MESSAGE_KEYS = ("message", "msg", "M", "log", "event")
ORIGIN_KEYS = ("logger", "name", "logger_name", "pod", "container", "controller", "caller")

LEVELS = {"trace": "DEBUG", "debug": "DEBUG", "info": "INFO", "information": "INFO",
          "notice": "INFO", "warn": "WARN", "warning": "WARN", "error": "ERROR", "err": "ERROR",
          "critical": "CRIT", "crit": "CRIT", "fatal": "FATAL", "panic": "FATAL", "dpanic": "FATAL",
          "alert": "CRIT", "emergency": "FATAL"}
KLOG_LEVELS = {"I": "INFO", "W": "WARN", "E": "ERROR", "F": "FATAL"}

_TIME_OF_DAY = re.compile(r"\d{2}:\d{2}:\d{2}(?:[.,]\d{1,3})?")
# a leading timestamp: ISO date and time, gunicorn's "[2026-12-05 03:00:00 +0000]", klog's "I1205 03:00:00.1"
_PLAIN_HEAD = re.compile(
    r"^\[?(?P<time>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|\s?[+-]\d{2}:?\d{2})?)\]?\s*")
_KLOG_HEAD = re.compile(r"^(?P<level>[IWEF])\d{4}\s+(?P<time>\d{2}:\d{2}:\d{2}\.\d+)\s+\d+\s+(?P<caller>[^\]\s]+)\]\s?")
_PLAIN_LEVEL = re.compile(
    r"^(?:\[\d+\]\s*)?\[?(?P<level>TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|CRITICAL|FATAL|PANIC)\]?[:\s]\s*",
    re.IGNORECASE)
TRACEBACK_START = "Traceback (most recent call last):"
_TB_END = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Fault)\b(?::|$)")
_TAG = re.compile(r"^\[(?P<tag>[^\]]{1,200})\] ")
_LEVEL_WORDS = {"TRACE", "DEBUG", "INFO", "NOTICE", "WARN", "WARNING", "ERROR", "ERR", "CRITICAL", "FATAL", "PANIC"}


@dataclass(frozen=True)
class LogLine:
    kind: str  # "json" | "plain" | "traceback-start" | "traceback-body" | "traceback-end"
    message: str
    time: str = ""  # time of day, as printed (HH:MM:SS, milliseconds when given)
    level: str = ""  # one of LEVELS' values, or ""
    origin: str = ""  # logger, pod or container named by the line itself
    extras: tuple[tuple[str, str], ...] = field(default=())
    raw: str = ""


def pod_name(origin: str) -> str:
    """`pod/<pod>/<container>` (kube_follow's prefix) as the pod's name; others as they are."""
    if origin.startswith("pod/"):
        parts = origin.split("/")
        return parts[-2] if len(parts) >= 3 else parts[-1]
    return origin


def split_tag(line: str) -> tuple[str, str]:
    """The panel's `[source] ` prefix and the line as its source printed it."""
    match = _TAG.match(line)
    if not match:
        return "", line
    return match.group("tag"), line[match.end():]


def _time_of_day(value: object) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = float(value) / 1000 if value > 1e11 else float(value)  # zap: epoch seconds; some: ms
        return time.strftime("%H:%M:%S", time.gmtime(seconds)) + f".{int(seconds % 1 * 1000):03d}"
    match = _TIME_OF_DAY.search(str(value))
    return match.group(0).replace(",", ".") if match else ""


def _level(value: object) -> str:
    return LEVELS.get(str(value).strip().lower(), str(value).upper()[:5] if value else "")


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=str)


def _first(record: dict, keys: tuple[str, ...]) -> tuple[str, object]:
    for key in keys:
        if key in record and record[key] not in (None, ""):
            return key, record[key]
    return "", None


def parse_json(body: str) -> LogLine | None:
    """A JSON object line, or None. The message is the message field (a nested docker
    `log` holding JSON is opened once more); no message field: the whole object."""
    stripped = body.strip()
    if not (stripped.startswith("{") and stripped.endswith("}")):
        return None
    try:
        record = json.loads(stripped)
    except ValueError:
        return None
    if not isinstance(record, dict):
        return None
    used: set[str] = set()
    time_key, ts = _first(record, TIME_KEYS)
    level_key, level = _first(record, LEVEL_KEYS)
    message_key, message = _first(record, MESSAGE_KEYS)
    origin_key, origin = _first(record, ORIGIN_KEYS)
    used.update(k for k in (time_key, level_key, message_key, origin_key) if k)
    if message_key == "log" and isinstance(message, str):  # docker json-file around a JSON line
        inner = parse_json(message)
        if inner is not None:
            return LogLine("json", inner.message, inner.time or _time_of_day(ts), inner.level,
                           inner.origin, inner.extras, body)
        message = message.rstrip("\n")
    extras = tuple((key, _text(value)) for key, value in record.items() if key not in used)
    if message is None:
        message, extras = _text({k: v for k, v in record.items() if k not in used}), ()
    return LogLine("json", _text(message), _time_of_day(ts) if ts is not None else "",
                   _level(level) if level is not None else "", _text(origin) if origin is not None else "",
                   extras, body)


def parse(body: str, in_traceback: bool = False) -> LogLine:
    """One line as its source printed it (no panel tag). A leading `[pod/name/container] `
    (kube_follow, container_follow) or `[step] ` (the runbook) names the line's origin.
    `in_traceback`: a traceback of the same source is open, so any indented line (the
    source lines under each `File`) belongs to it."""
    inner, rest = split_tag(body)
    if inner and not inner[0].isdigit() and inner.upper() not in _LEVEL_WORDS and " " not in inner:
        parsed = parse(rest, in_traceback)
        extras = parsed.extras
        if parsed.origin:  # the pod or container names the line; its logger goes with the fields
            extras = (("logger", parsed.origin), *extras)
        return LogLine(parsed.kind, parsed.message, parsed.time, parsed.level, pod_name(inner), extras, body)
    parsed = parse_json(body)
    if parsed is not None:
        return parsed
    if body.startswith(TRACEBACK_START):
        return LogLine("traceback-start", body, raw=body)
    if body[:1] in (" ", "\t") and (in_traceback or body.lstrip().startswith(("File \"", "^", "~"))):
        return LogLine("traceback-body", body, raw=body)
    if _TB_END.match(body):
        return LogLine("traceback-end", body, level="ERROR", raw=body)
    klog = _KLOG_HEAD.match(body)
    if klog:
        return LogLine("plain", body[klog.end():], _time_of_day(klog.group("time")), KLOG_LEVELS[klog.group("level")],
                       klog.group("caller"), raw=body)
    rest, stamp = body, ""
    head = _PLAIN_HEAD.match(rest)
    if head:
        stamp, rest = _time_of_day(head.group("time")), rest[head.end():]
    level = _PLAIN_LEVEL.match(rest)
    if level:
        return LogLine("plain", rest[level.end():], stamp, _level(level.group("level")), raw=body)
    return LogLine("plain", rest if stamp else body, stamp, raw=body)


def message_of(line: str) -> str:
    """What a reader wants of an evidence line: a JSON line's message (its level and
    origin before it when it has them), any other line as it is."""
    tag, body = split_tag(line)
    parsed = parse_json(body)
    if parsed is None:
        return line
    head = " ".join(part for part in (parsed.level, parsed.origin) if part)
    return f"{head}: {parsed.message}" if head else parsed.message
