"""Record gunicorn's real `Worker failed to boot` and `WORKER TIMEOUT` logs.

Boot failure: gunicorn on a module that raises on import (a missing environment variable,
as a misconfigured pod has) and on the Flask 2.2 + Werkzeug 3 app. Timeout: a WSGI app
whose handler sleeps longer than `--timeout 1`.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    Skip,
    environ,
    free_port,
    interpreter_version,
    main_wrapper,
    make_venv,
    package_version,
    run,
    scratch_dir,
    write_sample,
)
from werkzeug_import_error import APP as FLASK_APP  # noqa: E402
from werkzeug_import_error import PACKAGES

BOOT = "gunicorn-worker-boot-failed"
TIMEOUT = "gunicorn-worker-timeout"

RAISES = '''\
import os

DATABASE_URL = os.environ["DATABASE_URL"]


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]
'''

SLOW = '''\
import time


def app(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(5)
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"status": "ok"}']
'''


def own_home(work: Path) -> dict:
    """gunicorn 22+ puts its control socket in ~/.gunicorn: keep ours in the scratch folder,
    apart from any other gunicorn running on this machine."""
    return environ(HOME=str(work))


def boot_failure(vpy: Path, work: Path, module: str, v: str, name: str) -> None:
    gunicorn = vpy.parent / "gunicorn"
    argv = [str(gunicorn), "--workers", "1", "--bind", f"127.0.0.1:{free_port()}", module]
    result = run(argv, timeout=60, cwd=work, env=own_home(work))
    if "Worker failed to boot" not in result.stderr:
        raise Skip(f"gunicorn did not report a boot failure: {result.stderr[-200:]}")
    write_sample(BOOT, "positive", name, "gunicorn_failures.py", v, result.stderr)


def healthy_and_timeout(vpy: Path, work: Path, v: str) -> None:
    gunicorn = vpy.parent / "gunicorn"
    port = free_port()
    argv = [str(gunicorn), "--workers", "2", "--timeout", "1", "--graceful-timeout", "1",
            "--bind", f"127.0.0.1:{port}", "slow:app"]
    log = work / "gunicorn.log"
    with log.open("w") as out:
        proc = subprocess.Popen(argv, cwd=work, stdout=out, stderr=subprocess.STDOUT,
                                env=own_home(work))
        try:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2)
                    break
                except (urllib.error.URLError, ConnectionError, OSError):
                    time.sleep(0.2)
            healthy = log.read_text()
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/slow", timeout=10)
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(2)
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
    text = log.read_text()
    if "Booting worker" in healthy:
        write_sample(BOOT, "negative", "recorded-healthy-boot.log", "gunicorn_failures.py", v,
                     healthy)
        write_sample(TIMEOUT, "negative", "recorded-healthy-boot.log", "gunicorn_failures.py",
                     v, healthy)
    if "WORKER TIMEOUT" not in text:
        raise Skip(f"no WORKER TIMEOUT in the log: {text[-300:]}")
    write_sample(TIMEOUT, "positive", "recorded-worker-timeout.log", "gunicorn_failures.py", v,
                 text)


def record(vpy: Path | None = None) -> None:
    work = scratch_dir("petstore-gunicorn-")
    if vpy is None:
        vpy = make_venv(work / "venv", PACKAGES)
    v = (f"Python {interpreter_version(str(vpy))}, gunicorn {package_version(vpy, 'gunicorn')}, "
         f"Flask {package_version(vpy, 'flask')}, Werkzeug {package_version(vpy, 'werkzeug')}")
    (work / "settings_app.py").write_text(RAISES)
    (work / "api.py").write_text(FLASK_APP)
    (work / "slow.py").write_text(SLOW)
    boot_failure(vpy, work, "settings_app:app", v, "recorded-missing-env.log")
    boot_failure(vpy, work, "api:app", v, "recorded-werkzeug3-import.log")
    healthy_and_timeout(vpy, work, v)


if __name__ == "__main__":
    sys.exit(main_wrapper(record))
