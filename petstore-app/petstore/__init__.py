"""The Pet Store API: `create_app(config)` builds the Flask application."""

from __future__ import annotations

__version__ = "1.0.0"


def create_app(config: dict | None = None):
    """Build the app from the environment, with `config` (env-style keys) taking precedence."""
    from .factory import build_app

    return build_app(config)
