"""Settings from the environment (API_VERSION, DATABASE_URL, ...), overridable by a dict."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

_TRUE = {"1", "true", "yes", "on"}
_LEVELS = {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}


class ConfigError(ValueError):
    """A setting has a value the app cannot use; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    api_version: str = "v1"
    environment: str = "development"
    log_level: str = "INFO"
    pagination_limit: int = 100
    cors_origins: tuple[str, ...] = ()
    database_url: str | None = None
    data_dir: Path = field(default_factory=lambda: Path("data"))
    auto_init_db: bool = True
    max_content_length: int = 64 * 1024

    @property
    def api_prefix(self) -> str:
        return f"/api/{self.api_version}"


def _int(name: str, raw: object, minimum: int) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ConfigError(f"{name} must be an integer, got {str(raw)[:40]!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def load_settings(overrides: dict | None = None) -> Settings:
    """Read the environment, then apply `overrides` (keys as the env names, any case)."""
    raw: dict[str, object] = {
        key: os.environ[key]
        for key in ("API_VERSION", "ENVIRONMENT", "LOG_LEVEL", "PAGINATION_LIMIT", "CORS_ORIGINS",
                    "DATABASE_URL", "DATA_DIR", "AUTO_INIT_DB", "MAX_CONTENT_LENGTH")
        if key in os.environ
    }
    raw.update({str(k).upper(): v for k, v in (overrides or {}).items()})

    api_version = str(raw.get("API_VERSION") or "v1").strip().strip("/")
    if not re.fullmatch(r"[A-Za-z0-9._-]{1,20}", api_version):
        raise ConfigError(f"API_VERSION must be a short path segment such as v1, got {api_version[:40]!r}")
    level = str(raw.get("LOG_LEVEL") or "INFO").strip().upper()
    if level not in _LEVELS:
        raise ConfigError(f"LOG_LEVEL must be one of {', '.join(sorted(_LEVELS))}, got {level[:20]!r}")
    origins = raw.get("CORS_ORIGINS") or ()
    if isinstance(origins, str):
        origins = tuple(o.strip().rstrip("/") for o in origins.split(",") if o.strip())
    url = raw.get("DATABASE_URL")
    return Settings(
        api_version=api_version,
        environment=str(raw.get("ENVIRONMENT") or "development").strip(),
        log_level=level,
        pagination_limit=_int("PAGINATION_LIMIT", raw.get("PAGINATION_LIMIT", 100), 1),
        cors_origins=tuple(origins),
        database_url=str(url).strip() if url and str(url).strip() else None,
        data_dir=Path(str(raw.get("DATA_DIR") or "data")),
        auto_init_db=str(raw.get("AUTO_INIT_DB", "true")).strip().lower() in _TRUE,
        max_content_length=_int("MAX_CONTENT_LENGTH", raw.get("MAX_CONTENT_LENGTH", 64 * 1024), 1024),
    )
