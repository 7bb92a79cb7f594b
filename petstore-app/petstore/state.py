"""What the request handlers share: settings and the engine, kept on the Flask app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import Engine

from .config import Settings


@dataclass(frozen=True)
class AppState:
    settings: Settings
    engine: Engine


def state() -> AppState:
    return current_app.extensions["petstore"]


def now() -> datetime:
    return datetime.now(UTC)
