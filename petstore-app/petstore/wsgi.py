"""The WSGI entry point for gunicorn: `petstore.wsgi:app`."""

import logging
import sys

from petstore import create_app
from petstore.config import ConfigError
from petstore.logs import configure_logging

try:
    app = create_app()
except ConfigError as exc:
    # A bad setting is the operator's to fix: one clear line, no traceback, worker exits.
    configure_logging("INFO")
    logging.getLogger("petstore.app").critical("configuration error: %s", exc)
    sys.exit(4)  # gunicorn reads exit code 4 as "App failed to load" and halts, no restart loop
