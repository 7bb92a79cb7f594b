"""Mask database passwords (and other URL credentials) in text before it is logged."""

from __future__ import annotations

import re
import threading

MASK = "****"

# scheme://user:password@host keeps user and host; the password goes.
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@'\"]*:)([^\s@'\"]+)(@)")
# password=... in libpq keyword strings and error texts.
_KEY_VALUE = re.compile(r"(?i)\b(password|passwd|pgpassword)(\s*[=:]\s*)(?!\*\*\*\*)([^\s'\",;&]+)")

_lock = threading.Lock()
_known: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a literal secret (the DATABASE_URL password) to mask wherever it shows up."""
    if value and len(value) >= 3:
        with _lock:
            _known.add(value)


def mask(text: str) -> str:
    """Return `text` with URL passwords, password=... pairs and registered secrets masked."""
    if not text:
        return text
    text = mask_known(text)
    # Cheap substring tests first: this runs on every log line of every request.
    if "://" in text:
        text = _URL_PASSWORD.sub(rf"\1{MASK}\3", text)
    if "ass" in text.lower():
        text = _KEY_VALUE.sub(rf"\1\2{MASK}", text)
    return text


def mask_known(text: str) -> str:
    """`text` with the registered secrets masked (mask()'s first step)."""
    for secret in tuple(_known):
        if secret in text:
            text = text.replace(secret, MASK)
    return text
