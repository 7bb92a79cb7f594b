"""The app's lock file: every pin hashed, Flask and Werkzeug a pair that works together."""

from __future__ import annotations

import re
from pathlib import Path

LOCK = Path(__file__).resolve().parents[2] / "petstore-app" / "requirements.lock"


def _pins() -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) from pip-compile's output."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in LOCK.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", line)
        if match:
            current = match.group(1).lower().replace("_", "-")
            pins[current] = (match.group(2), 0)
        elif current and line.strip().startswith("--hash=sha256:"):
            version, count = pins[current]
            pins[current] = (version, count + 1)
    return pins


def _series(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


def test_every_pin_is_exact_and_hashed():
    """Stand-in: none (reads petstore-app/requirements.lock)."""
    pins = _pins()
    for name in ("flask", "werkzeug", "sqlalchemy", "psycopg", "psycopg-binary", "gunicorn"):
        assert name in pins, f"{name} missing from the lock"
    unhashed = [name for name, (_, hashes) in pins.items() if hashes == 0]
    assert unhashed == []
    assert not re.search(r"^(?!#)\S+\s*(>=|<=|~=|>|<)", LOCK.read_text(), re.M)


def test_flask_and_werkzeug_are_a_compatible_pair():
    """Stand-in: none. Flask 3.1 needs Werkzeug 3.1; Flask 2.2 broke on Werkzeug 3
    ("cannot import name 'url_quote'"), the failure this lock exists to prevent."""
    pins = _pins()
    flask, werkzeug = _series(pins["flask"][0]), _series(pins["werkzeug"][0])
    supported = {(3, 1): {(3, 1)}, (3, 0): {(3, 0)}, (2, 3): {(2, 3), (3, 0)}, (2, 2): {(2, 2)}}
    assert flask in supported, f"Flask {flask} is not a series this test knows"
    assert werkzeug in supported[flask], f"Flask {flask} with Werkzeug {werkzeug} is not a supported pair"


def test_installed_versions_match_the_lock():
    """Stand-in: none (the running .venv, which ./dev installs from the lock)."""
    from importlib.metadata import version

    pins = _pins()
    for name in ("flask", "werkzeug", "sqlalchemy", "psycopg", "gunicorn"):
        assert version(name) == pins[name][0], name
