"""JSON log lines on stdout, one object a line, every line masked for passwords."""

from __future__ import annotations

import json
import logging
import sys
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
        return mask(json.dumps(entry, ensure_ascii=False, default=str))


def _current_request_id() -> str | None:
    try:
        from flask import g, has_request_context
    except ImportError:  # gunicorn's master process logs before Flask is imported
        return None
    if has_request_context():
        return g.get("request_id")
    return None


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
