"""JSON log lines on stdout, one object a line, every line masked for passwords."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
import time

from .redact import mask, mask_known

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
    return _stamp_prefix + _MILLIS[int((now - second) * 1000)]


_MILLIS = tuple(f".{ms:03d}Z" for ms in range(1000))  # the tail of `ts`, by millisecond


def access_line(request_id: str, method: str, path: str, status: int, duration_ms: float | None,
                remote_addr: str | None) -> None:
    """Write the `petstore.access` line straight to stdout.

    Byte for byte the line that `access_log.info(...)` with these `extra` fields gives
    through JsonFormatter (same fields, order, spacing, escaping, masking), built with the
    encoder's own string escaper instead of the logging module's record, caller lookup and
    handler chain plus a dict encode: those were about a fifth of a cached read's CPU time.
    The caller checks the logger's level (LOG_LEVEL) first."""
    esc_path = _escape(path)
    line = (f'{{"ts": "{_timestamp(time.time())}", "level": "INFO", "logger": "petstore.access", '
            f'"message": {_escape(method)[:-1]} {esc_path[1:-1]} {int(status)!r}", '
            f'"request_id": {_escape(request_id)}, "method": {_escape(method)}, "path": {esc_path}, '
            f'"status": {int(status)!r}')
    if duration_ms is not None:
        line += f', "duration_ms": {float(duration_ms)!r}'
    if remote_addr is not None:
        line += f', "remote_addr": {_escape(remote_addr)}'
    line += "}\n"
    # mask()'s patterns can match only inside one field's value (see _needs_full_mask); a
    # secret registered with redact.register_secret is looked for in the whole line.
    if _needs_full_mask(method, path, request_id, remote_addr):
        line = mask(line)
    else:
        line = mask_known(line)
    _write(line)


def _needs_full_mask(method: str, path: str, request_id: str, remote_addr: str | None) -> bool:
    """Whether mask()'s URL-password or password=... pattern could match in an access line
    holding these values. The first needs `://`, the second a word password, passwd or
    pgpassword (case-insensitive: with non-ASCII text that takes Unicode case folding, so
    any non-ASCII value counts). The line's fixed text holds neither, each value sits
    between quotes (or is a number), and JSON escaping brings in only backslashes and
    `uXXXX` hex (no `:`, `/`, `p`, `s` or `w`): a match lies in one value's raw text.
    (Values run together here can only add false alarms, which cost a full mask().)"""
    text = method + path + request_id + (remote_addr or "")
    return not text.isascii() or "://" in text or "ass" in text.lower()


def _write(line: str) -> None:
    """One whole line out to stdout now, under a lock (threaded workers).

    Where stdout has a file descriptor (gunicorn's workers), the bytes go to it with one
    write(2) after whatever the text stream holds: the line is in the kernel when the
    request ends, as with a flush per line, so a worker that crashes or is killed later
    loses none of it. A stream without one (test capture) gets write and flush, as
    StreamHandler does."""
    global _fd_for
    stream = sys.stdout  # looked up now: test capture swaps it
    with _write_lock:
        if _fd_for[0] is not stream:
            _fd_for = (stream, *_descriptor(stream))
        fd = _fd_for[1]
        if fd is None:
            stream.write(line)
            stream.flush()
            return
        stream.flush()  # anything print() left in the stream's buffer goes first
        data = line.encode(_fd_for[2], _fd_for[3])
        while data:
            data = data[os.write(fd, data):]  # a pipe may take part of a long line


def _descriptor(stream) -> tuple[int | None, str, str]:
    """(file descriptor, encoding, errors) of a text stream, fd None where it has none."""
    try:
        return stream.fileno(), stream.encoding, stream.errors or "strict"
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is both
        return None, "utf-8", "strict"


_fd_for: tuple = (None, None, "utf-8", "strict")  # (stream, *_descriptor(stream)) last seen


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
