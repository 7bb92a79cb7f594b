"""Drill: SQLite unable to write. In containers: the app played again without its writable data volume.

With the app under the container stand-in (the deploy's app-apply), the Deployment is
played again without the volume mounted at its DATA_DIR: the image's read-only root
filesystem leaves SQLite nowhere to create its file, and the container itself prints
"unable to open database file" and restarts. Undo plays the unchanged Deployment.

Without containers, the local app's files are made read-only instead. It runs as root
here, and root ignores file modes. So the drill does what a
non-root container user meets: the files go 0444 and the folder 0555, and the app is
restarted by setpriv without the capabilities that let root bypass modes
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER). SQLite then refuses writes for real
and the app logs SQLite's own message, which the panel reads from the app's log.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import urllib.error
import urllib.request

from petstore_core import process, sandbox_state
from petstore_tui.drills import stand_in
from petstore_tui.drills.base import Drill, DrillError, DrillOutcome
from petstore_tui.services import local_app

DROP = "-dac_override,-dac_read_search,-fowner"
START_WAIT = 20.0  # seconds for the restarted app to listen


def _post_pet(url: str) -> str:
    body = json.dumps({"name": "drill", "species": "cat"}).encode()
    request = urllib.request.Request(f"{url}/api/v1/pets", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError) as exc:
        return f"no answer ({getattr(exc, 'reason', exc)})"


CONTAINER_WORDS = ("unable to open database file", "readonly database")


class SqliteReadonlyDrill(Drill):
    id = "sqlite-readonly"

    @property
    def _containers(self) -> bool:
        memo = self.load()
        return memo.get("mode") == "container" if memo else stand_in.active()

    @property
    def title(self) -> str:
        return "SQLite without its writable volume" if self._containers else "SQLite file read-only"

    @property
    def description(self) -> str:
        if self._containers:
            return "the Deployment played again without the volume at DATA_DIR (read-only root filesystem)"
        return "files 0444, folder 0555, app restarted without root's override (setpriv)"

    @property
    def failure_id(self) -> str:
        return "sqlite-unable-to-open-database" if self._containers else "sqlite-readonly-database"

    def _paths(self):
        data = local_app.folder() / "data"
        return data, sorted(p for p in data.glob("petstore.db*") if p.is_file())

    def plant(self) -> DrillOutcome:
        if self.planted:
            raise DrillError("already planted: undo it first")
        if self._containers:
            return self._plant_container()
        if not shutil.which("setpriv"):
            raise DrillError("setpriv is not installed: the denial cannot be made real for root")
        state = sandbox_state.read()
        if state is None or not state.app_url:
            raise DrillError("the local app is not running: run the sandbox deploy first")
        port = int(state.app_url.rsplit(":", 1)[1])
        local_app.stop()
        data, files = self._paths()
        if not files:
            raise DrillError(f"no SQLite file in {data}")
        modes = {str(p): os.stat(p).st_mode & 0o7777 for p in [data, *files]}
        self.save({"modes": modes, "port": port})  # first: an interrupted drill can be undone
        for path in files:
            os.chmod(path, 0o444)
        os.chmod(data, 0o555)
        app_dir = self.target.project / "petstore-app"
        argv = ["setpriv", f"--bounding-set={DROP}", "--inh-caps=-all", sys.executable, "-m",
                "gunicorn", "-c", "gunicorn.conf.py", "petstore.wsgi:app"]
        pid = process.spawn_detached(argv, log_path=local_app.log_file(), cwd=app_dir,
                                     env=local_app.app_env(port))
        url = f"http://127.0.0.1:{port}"
        state = sandbox_state.read() or state
        state.app_pid, state.app_url = pid, url
        sandbox_state.write(state)
        self.save({"modes": modes, "port": port, "pid": pid})
        answer = "no answer"
        deadline = time.monotonic() + START_WAIT
        while time.monotonic() < deadline:
            answer = _post_pet(url)  # a write: the app logs SQLite's refusal
            if answer.startswith("HTTP"):
                break
            time.sleep(0.3)
        return DrillOutcome(f"database read-only, app restarted without override; a write got {answer}",
                            resource="local-app")

    def _plant_container(self) -> DrillOutcome:
        engine = stand_in.engine()
        mount = stand_in.data_mount(stand_in.objects(self.target))
        self.save({"mode": "container", "mount": mount})  # first: an interrupted drill can be undone
        pods = stand_in.play_again(self.target, engine, drop_mount=mount)
        said = stand_in.wait_failure(engine, CONTAINER_WORDS)
        return DrillOutcome(f"played {', '.join(pods)} without the volume at {mount}; the container "
                            f"says: {said}", resource=f"pod/{pods[0]}" if pods else "")

    def undo(self) -> DrillOutcome:
        memo = self.load()
        if memo is None:
            raise DrillError("not planted")
        if memo.get("mode") == "container":
            url = stand_in.restore(self.target)
            self.forget()
            return DrillOutcome(f"the Deployment is played with its data volume again; healthy at {url}")
        if memo.get("pid"):
            process.stop_pid(int(memo["pid"]), grace=5)
        state = sandbox_state.read()
        if state is not None:
            state.app_pid, state.app_url = None, None
            sandbox_state.write(state)
        for path, mode in memo["modes"].items():
            try:
                os.chmod(path, mode)
            except FileNotFoundError:
                pass
        self.forget()
        url = local_app.start(self.target.project)
        return DrillOutcome(f"database writable again; local app back at {url}")
