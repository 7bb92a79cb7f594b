#!/bin/sh
# Entrypoint of the Pet Store API image (also runs outside a container: set APP_DIR).
#  1. When DATABASE_URL points at PostgreSQL, wait for it to answer, at most
#     DB_WAIT_TIMEOUT seconds (default 60), then fail with a message naming host:port.
#  2. Create the schema if it is missing (`python -m petstore init-db` is idempotent).
#  3. exec the command (default: gunicorn), so it becomes this process and gets the
#     signals Kubernetes and docker stop send.
# The password in DATABASE_URL is never printed, and the URL never goes on a command line.
set -eu

APP_DIR=${APP_DIR:-/app}
DB_WAIT_TIMEOUT=${DB_WAIT_TIMEOUT:-60}

log() {
    printf 'entrypoint: %s\n' "$*" >&2
}

case $DB_WAIT_TIMEOUT in
    '' | *[!0-9]*)
        log "DB_WAIT_TIMEOUT must be a whole number of seconds, not '$DB_WAIT_TIMEOUT'"
        exit 2
        ;;
esac

if ! cd "$APP_DIR" 2>/dev/null; then
    log "APP_DIR '$APP_DIR' is not a folder (set APP_DIR to where the petstore package lives)"
    exit 2
fi

if ! command -v python >/dev/null 2>&1; then
    log "python is not on PATH"
    exit 2
fi

case ${DATABASE_URL:-} in
    postgres://* | postgresql://* | postgres+*://* | postgresql+*://*)
        # A PostgreSQL-level probe, not a bare TCP connect: send SSLRequest and wait for the
        # one-byte answer. A port that accepts connections but is not (yet) PostgreSQL, or a
        # firewall that swallows packets, does not count as ready.
        python - "$DB_WAIT_TIMEOUT" <<'PY'
import os
import socket
import struct
import sys
import time
from urllib.parse import parse_qs, urlsplit

SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def say(message):
    print("entrypoint: " + message, file=sys.stderr, flush=True)


limit = int(sys.argv[1])
url = urlsplit(os.environ["DATABASE_URL"])
try:
    port = url.port or 5432
except ValueError:
    say("DATABASE_URL has a port that is not a number (or names several hosts)")
    sys.exit(2)
host = url.hostname or (parse_qs(url.query).get("host") or ["localhost"])[0]
unix_path = "%s/.s.PGSQL.%d" % (host, port) if host.startswith("/") else None
where = unix_path or ("[%s]:%d" % (host, port) if ":" in host else "%s:%d" % (host, port))


def answers(wait):
    try:
        if unix_path:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(wait)
            sock.connect(unix_path)
        else:
            sock = socket.create_connection((host, port), timeout=wait)
        with sock:
            sock.settimeout(wait)
            sock.sendall(SSL_REQUEST)
            return sock.recv(1) in (b"S", b"N", b"E")
    except OSError:
        return False


say("waiting up to %ds for PostgreSQL at %s" % (limit, where))
deadline = time.monotonic() + limit
while True:
    left = deadline - time.monotonic()
    if answers(min(2.0, max(0.2, left))):
        say("PostgreSQL at %s answers" % where)
        sys.exit(0)
    left = deadline - time.monotonic()
    if left <= 0:
        say(
            "PostgreSQL at %s did not answer within %ds (DB_WAIT_TIMEOUT): check the host "
            "and port in DATABASE_URL, that the database is running, and that security "
            "groups or network policies let this pod reach it" % (where, limit)
        )
        sys.exit(1)
    time.sleep(min(1.0, left))
PY
        ;;
esac

if python -m petstore init-db; then
    :
else
    status=$?
    log "schema initialisation failed: 'python -m petstore init-db' exited with $status"
    exit "$status"
fi

if [ "$#" -eq 0 ]; then
    set -- gunicorn -c gunicorn.conf.py petstore.wsgi:app
fi
exec "$@"
