"""Record the Pet Store app's own failures: SQLite as an unprivileged user, boot failure.

The real app (petstore-app/, its locked requirements, its gunicorn.conf.py) in a scratch
virtual environment built from /usr/bin/python3 (pyenv's interpreters live under /root,
which uid 65534 cannot read). The database is created by root, then gunicorn runs as
uid 65534, as the container ran as `petstore` over root-owned files:

- POST /api/v1/pets against the root-owned database: "attempt to write a readonly
  database" in the app's JSON log (the healthy start-up before it is a negative sample);
- `python -m petstore init-db` over a root-owned, empty data folder: "unable to open
  database file";
- gunicorn with a DATABASE_URL the app refuses (a MySQL URL): the worker raises while the
  app is built (exit code 4) and gunicorn stops with "Reason: App failed to load." in the
  app's JSON log.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    REPO,
    Skip,
    free_port,
    interpreter_version,
    main_wrapper,
    package_version,
    run,
    scratch_dir,
    write_sample,
)

BOOT = "gunicorn-worker-boot-failed"
READONLY = "sqlite-readonly-database"
CANNOT_OPEN = "sqlite-unable-to-open-database"
SYSTEM_PYTHON = "/usr/bin/python3"
APP = REPO / "petstore-app"
NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"]


def build(work: Path) -> Path:
    if not (APP / "petstore").is_dir() or not (APP / "requirements.lock").is_file():
        raise Skip("petstore-app/ (package and requirements.lock) not found")
    if not Path(SYSTEM_PYTHON).exists():
        raise Skip(f"{SYSTEM_PYTHON} not found")
    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        raise Skip("needs root and setpriv to own the files and drop to uid 65534")
    os.chmod(work, 0o755)
    result = run([SYSTEM_PYTHON, "-m", "venv", str(work / "venv")], timeout=120)
    if result.returncode != 0:
        raise Skip(f"venv failed: {result.stderr.strip()[-200:]}")
    vpy = work / "venv" / "bin" / "python"
    result = run([str(vpy), "-m", "pip", "install", "--quiet", "-r", str(APP / "requirements.lock")],
                 timeout=300)
    if result.returncode != 0:
        raise Skip(f"pip install -r requirements.lock failed: {result.stderr.strip()[-300:]}")
    shutil.copytree(APP / "petstore", work / "app" / "petstore",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(APP / "gunicorn.conf.py", work / "app" / "gunicorn.conf.py")
    return vpy


def app_env(work: Path, data: Path, port: int) -> dict:
    return {"PATH": f"{work / 'venv' / 'bin'}:/usr/bin:/bin", "HOME": str(work),
            "DATA_DIR": str(data), "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "1",
            "ENVIRONMENT": "development", "LOG_LEVEL": "INFO", "PYTHONDONTWRITEBYTECODE": "1"}


def wait_answering(port: int, proc: subprocess.Popen, seconds: float = 20) -> int:
    """The health endpoint's status once the app answers (200, or 503 when the database
    check fails), 0 if it never answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=2) as r:
                return r.status
        except urllib.error.HTTPError as exc:
            return exc.code
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.3)
    return 0


def serve_and_post(work: Path, data: Path, log: Path) -> str:
    """Start the app as uid 65534 on `data`, ask for health, create a pet, stop."""
    port = free_port()
    proc = gunicorn_as_nobody(work, data, port, log)
    try:
        if not wait_answering(port, proc):
            raise Skip(f"the app did not answer: {log.read_text()[-400:]}")
        answer = post_pet(port)
        time.sleep(1)
    finally:
        stop(proc)
    return f"$ curl -s -X POST http://127.0.0.1:{port}/api/v1/pets\n{answer}\n"


def post_pet(port: int) -> str:
    body = json.dumps({"name": "Rex", "species": "dog"}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/pets", data=body,
                                     method="POST", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return f"HTTP {r.status} {r.read().decode()}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code} {exc.read().decode()}"


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


def gunicorn_as_nobody(work: Path, data: Path, port: int, log: Path) -> subprocess.Popen:
    argv = [shutil.which("setpriv"), *NOBODY, str(work / "venv" / "bin" / "gunicorn"),
            "-c", "gunicorn.conf.py", "petstore.wsgi:app"]
    with log.open("w") as out:
        return subprocess.Popen(argv, cwd=work / "app", env=app_env(work, data, port),
                                stdout=out, stderr=subprocess.STDOUT)


def record() -> None:
    work = scratch_dir("petstore-realapp-")
    vpy = build(work)
    v = (f"Python {interpreter_version(str(vpy))}, Flask {package_version(vpy, 'flask')}, "
         f"SQLAlchemy {package_version(vpy, 'sqlalchemy')}, gunicorn "
         f"{package_version(vpy, 'gunicorn')}, petstore-app as uid 65534")
    name = "real_app.py"

    # 1. root creates the database; uid 65534 serves it and tries to write
    data = work / "data"
    data.mkdir(mode=0o755)
    result = run([str(vpy), "-m", "petstore", "init-db"], timeout=60, cwd=work / "app",
                 env={**app_env(work, data, 0), "PATH": "/usr/bin:/bin"})
    if result.returncode != 0:
        raise Skip(f"init-db as root failed: {(result.stdout + result.stderr).strip()[-300:]}")
    log = work / "readonly.log"
    answer = serve_and_post(work, data, log)
    text = log.read_text()
    if "readonly database" not in text:
        raise Skip(f"no readonly database error in the app log: {text[-400:]}")
    write_sample(READONLY, "positive", "recorded-real-app-post.log", name, v, text + answer)

    # the fix: the data folder and file belong to the app user (chown in the Dockerfile)
    for path in (data, *data.iterdir()):
        os.chown(path, 65534, 65534)
    log = work / "fixed.log"
    answer = serve_and_post(work, data, log)
    text = log.read_text()
    if "readonly database" not in text:
        write_sample(READONLY, "negative", "recorded-real-app-owned-by-app-user.log", name, v,
                     text + answer)

    # 2. an empty data folder owned by root: nothing can be created in it
    empty = work / "data-root-owned"
    empty.mkdir(mode=0o755)
    argv = [shutil.which("setpriv"), *NOBODY, str(vpy), "-m", "petstore", "init-db"]
    result = run(argv, timeout=60, cwd=work / "app", env=app_env(work, empty, 0))
    text = result.stdout + result.stderr
    if "unable to open database file" in text:
        write_sample(CANNOT_OPEN, "positive", "recorded-real-app-init-db.log", name, v,
                     "$ python -m petstore init-db\n" + text)
    else:
        print(f"  init-db did not report 'unable to open database file': {text.strip()[-300:]}")

    # 3. a DATABASE_URL the app refuses: the worker cannot build the app
    env = {**app_env(work, data, free_port()),
           "DATABASE_URL": "mysql://petstore:Wr0ng-EXAMPLE-pass@db.petstore.svc:3306/petstore"}
    argv = [shutil.which("setpriv"), *NOBODY, str(work / "venv" / "bin" / "gunicorn"),
            "-c", "gunicorn.conf.py", "petstore.wsgi:app"]
    result = run(argv, timeout=60, cwd=work / "app", env=env)
    text = result.stdout + result.stderr
    if "Worker failed to boot" in text or "App failed to load" in text:
        write_sample(BOOT, "positive", "recorded-real-app-bad-database-url.log", name, v, text)
    else:
        print(f"  gunicorn did not report a boot failure: {text.strip()[-300:]}")


if __name__ == "__main__":
    sys.exit(main_wrapper(record))
