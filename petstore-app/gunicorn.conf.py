"""gunicorn settings for the Pet Store API: `gunicorn -c gunicorn.conf.py petstore.wsgi:app`."""

import os

# 3 workers by default (the pod has about one core); GUNICORN_WORKERS overrides.
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
# gthread, not sync: the service sits behind an ALB, which keeps connections to its targets
# open and reuses them. The sync worker closes the connection after every response (it
# does no keep-alive), so every request would pay a new TCP connection, and gunicorn's docs
# want sync workers behind a buffering proxy, which an ALB is not. gthread keeps idle
# keep-alive connections in its poller and runs requests on a few threads per worker, so
# a slow client or a PostgreSQL round trip does not stall the worker.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gthread")
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# PORT or a full GUNICORN_BIND (host:port, unix:PATH or fd://N) for tests and the sandbox.
bind = [os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8080')}"]
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Kubernetes sends SIGTERM and waits terminationGracePeriodSeconds (30 s by default):
# finish in-flight requests well inside that.
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
# Longer than the ALB's idle timeout (60 s by default): the load balancer, not gunicorn,
# must be the one to close an idle connection, or a request it sends just as gunicorn
# closes one gets a 502.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
# Worker heartbeat files in memory: a read-only root filesystem must not stall workers.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK) else None
# Recycle workers now and then so a slow leak cannot grow without bound. Not too often: a
# worker serves on the order of a thousand requests a second, and each restart re-imports
# the app, reconnects to the database and runs the schema check (a write transaction on
# SQLite), and closes the keep-alive connections it holds; 5000 meant a restart every few
# seconds under load.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
# Headers and request lines beyond these are refused before the app sees them.
limit_request_line = 8190
# gunicorn 25.1+ opens a control socket under $HOME by default: a read-only root filesystem
# or a second instance on the same host (tests, benchmarks) would trip over it.
control_socket_disable = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The JSON access line (request id, method, path, status, duration_ms, on stdout) is
# written by the app for every request; gunicorn's own access line would only duplicate it
# without the request id, so it is switched off (a logconfig_dict alone turns it on).
accesslog = None
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()
# gunicorn's own lines (boot, worker exits, timeouts) as JSON on stdout too.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "petstore.logs.JsonFormatter"}},
    "handlers": {"stdout": {"class": "petstore.logs.StdoutHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
        "gunicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
    },
    "root": {"handlers": ["stdout"], "level": "WARNING"},
}
