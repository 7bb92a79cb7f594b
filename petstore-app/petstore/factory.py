"""Assemble the Flask app: settings, logging, engine, routes, error handlers."""

from __future__ import annotations

import logging

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from . import meta, middleware, openapi, pets, problems, store
from .config import load_settings
from .db import database_url, make_engine
from .leanflask import LeanFlask
from .logs import configure_logging
from .problems import database_message
from .redact import mask
from .schema import init_db
from .state import AppState

log = logging.getLogger("petstore.app")


def build_app(config: dict | None = None) -> Flask:
    settings = load_settings(config)
    configure_logging(settings.log_level)
    url = database_url(settings)
    engine = make_engine(url)

    app = LeanFlask("petstore")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_content_length
    app.json.sort_keys = False
    app.url_map.strict_slashes = False
    app.extensions["petstore"] = AppState(settings=settings, engine=engine)
    app.extensions["petstore_openapi"] = openapi.build(settings)
    for blueprint in (meta.bp, pets.bp, store.bp):
        app.register_blueprint(blueprint, url_prefix=settings.api_prefix)
    middleware.register(app, settings.cors_origins)
    problems.register(app)

    log.info("starting: environment=%s api=%s database=%s", settings.environment,
             settings.api_prefix, mask(url))
    if settings.auto_init_db:
        try:
            before, after = init_db(engine)
            if before != after:
                log.info("schema migrated from version %s to %s", before, after)
        except SQLAlchemyError as exc:
            # Keep serving: health answers 503 and every log line says why.
            log.error("database initialisation failed: %s", database_message(exc))
    return app
