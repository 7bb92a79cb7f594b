"""JSON log lines on stdout, one object a line, every line masked for passwords."""

from __future__ import annotations

import json
import logging
import sys
import threading
import time

from .redact import mask

# Attributes a caller may pass with `extra=` that become top-level JSON fields.
_FIELDS = ("request_id", "method", "path", "status", "duration_ms", "remote_addr",
           "user_agent", "error", "database")
_HANDLER_MARK = "_petstore_json_handler"


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object; also used by gunicorn's logconfig_dict."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if getattr(record, "request_id", None) is None:
            rid = _current_request_id()
            if rid:
                entry["request_id"] = rid
        for name in _FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            # One line still: the traceback goes into a field, never onto stdout raw.
            entry["exception"] = self.formatException(record.exc_info)
        return mask(_ENCODER.encode(entry))


def _current_request_id() -> str | None:
    try:
        from flask import has_request_context, request
    except ImportError:  # gunicorn's master process logs before Flask is imported
        return None
    if has_request_context():
        return request.environ.get("petstore.request_id")  # set by middleware.RequestIdAndAccessLog
    return None


# One encoder for every line: json.dumps with non-default options builds a new encoder
# per call, a measurable share of an access line.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=str)
# The escaper that encoder uses for every string (the C one when available).
_escape = json.encoder.encode_basestring
_write_lock = threading.Lock()
_stamp_second = -1
_stamp_prefix = ""


def _timestamp(now: float) -> str:
    """`ts` as JsonFormatter writes it; the date-and-seconds part is built once a second."""
    global _stamp_second, _stamp_prefix
    second = int(now)
    if second != _stamp_second:
        _stamp_prefix = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _stamp_second = second
    return f"{_stamp_prefix}.{int((now - second) * 1000):03d}Z"


def access_line(request_id: str, method: str, path: str, status: int, duration_ms: float | None,
                remote_addr: str | None) -> None:
    """Write the `petstore.access` line straight to stdout.

    Byte for byte the line that `access_log.info(...)` with these `extra` fields gives
    through JsonFormatter (same fields, order, spacing, escaping, masking), built with the
    encoder's own string escaper instead of the logging module's record, caller lookup and
    handler chain plus a dict encode: those were about a fifth of a cached read's CPU time.
    The caller checks the logger's level (LOG_LEVEL) first."""
    line = (f'{{"ts": "{_timestamp(time.time())}", "level": "INFO", "logger": "petstore.access", '
            f'"message": {_escape(f"{method} {path} {status}")}, "request_id": {_escape(request_id)}, '
            f'"method": {_escape(method)}, "path": {_escape(path)}, "status": {int(status)!r}')
    if duration_ms is not None:
        line += f', "duration_ms": {float(duration_ms)!r}'
    if remote_addr is not None:
        line += f', "remote_addr": {_escape(remote_addr)}'
    line = mask(line + "}") + "\n"
    stream = sys.stdout  # looked up now: test capture swaps it
    with _write_lock:  # whole lines even with threaded workers
        stream.write(line)
        stream.flush()  # as StreamHandler does: a line is out when the request is


class StdoutHandler(logging.StreamHandler):
    """Writes to whatever sys.stdout is now (test capture swaps it after configuration)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    @property
    def stream(self):  # noqa: D401
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure_logging(level: str) -> None:
    """Send the `petstore` loggers to stdout as JSON at `level`; safe to call again."""
    # Thread, process and multiprocessing names are not in our lines: skip collecting them
    # (documented switches; they cost a few microseconds on every record).
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logger = logging.getLogger("petstore")
    logger.setLevel(level)
    logger.propagate = False
    if not any(getattr(h, _HANDLER_MARK, False) for h in logger.handlers):
        handler = StdoutHandler()
        handler.setFormatter(JsonFormatter())
        setattr(handler, _HANDLER_MARK, True)
        logger.addHandler(handler)
