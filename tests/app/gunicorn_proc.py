"""Run the app (or any WSGI app) under real gunicorn on a loopback socket we bind first."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
APP_DIR = REPO / "petstore-app"


class GunicornProcess:
    """gunicorn -c petstore-app/gunicorn.conf.py APP, bound to 127.0.0.1:<free port>.

    The listening socket is made here and handed over as fd://N, so there is no window in
    which another process (or xdist worker) could take the port. stdout goes to `log_path`.
    """

    def __init__(self, log_path: Path, env: dict[str, str], app: str = "petstore.wsgi:app",
                 workers: int = 3, chdir: Path = APP_DIR, prefix: list[str] | None = None,
                 python: str = sys.executable, extra_path: list[str] | None = None) -> None:
        self.log_path = log_path
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(256)
        self.sock.set_inheritable(True)
        self.port = self.sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        path = [str(APP_DIR), *(extra_path or [])]
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "PYTHONPATH": os.pathsep.join(path),
            "GUNICORN_BIND": f"fd://{self.sock.fileno()}",
            "GUNICORN_WORKERS": str(workers),
            "ENVIRONMENT": "test",
            **env,
        }
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        cmd = [*(prefix or []), python, "-m", "gunicorn", "-c", str(APP_DIR / "gunicorn.conf.py"),
               "--chdir", str(chdir), app]
        self.proc = subprocess.Popen(cmd, env=full_env, stdout=self._log, stderr=subprocess.STDOUT,
                                     pass_fds=(self.sock.fileno(),), start_new_session=True)

    def wait_ready(self, path: str = "/api/v1/openapi.json", timeout: float = 30.0) -> None:
        """Poll until gunicorn answers `path` with anything; raise with the log when it dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}:\n{self.log_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answered: an error status is still an answer
            except OSError:
                time.sleep(0.1)
        raise TimeoutError(f"gunicorn did not answer {path} within {timeout}s:\n{self.log_text()[-3000:]}")

    def log_text(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")

    def log_entries(self) -> list[dict]:
        entries = []
        for line in self.log_text().splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:
                entries.append({"unparsed": line})
        return entries

    def stop(self) -> int:
        if self.proc.poll() is None:
            # SIGTERM: gunicorn's graceful shutdown; then the whole group if it lingers.
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.sock.close()
        if not self._log.closed:
            self._log.close()
        return self.proc.returncode

    def __enter__(self) -> GunicornProcess:
        return self

    def __exit__(self, *_exc) -> None:
        self.stop()


def request(base: str, method: str, path: str, body: dict | None = None,
            timeout: float = 30.0, headers: dict | None = None) -> tuple[int, dict | None]:
    """One HTTP request with urllib; returns (status, parsed JSON body or None)."""
    status, _type, parsed = request_full(base, method, path, body, timeout, headers)
    return status, parsed


def request_full(base: str, method: str, path: str, body: dict | None = None,
                 timeout: float = 30.0, headers: dict | None = None) -> tuple[int, str, dict | None]:
    """Like `request`, also returning the response's Content-Type."""
    data = json.dumps(body).encode() if body is not None else None
    all_headers = {"Content-Type": "application/json"} if data else {}
    all_headers.update(headers or {})
    req = urllib.request.Request(base + path, data=data, method=method, headers=all_headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw, status, ctype = resp.read(), resp.status, resp.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        raw, status, ctype = err.read(), err.code, err.headers.get("Content-Type", "")
    return status, ctype, (json.loads(raw) if raw else None)
