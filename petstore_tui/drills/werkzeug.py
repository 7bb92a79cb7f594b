"""Drill: the app started with a Werkzeug its Flask cannot import (Flask 2.2 with Werkzeug 3).

With the app under the container stand-in, the image is built again from the app's lock
with Flask pinned back to 2.2.2 (the lock already holds Werkzeug 3) and played: the
container crashes at `import flask` with the real ImportError, and restarts. Undo plays
the unchanged image and removes the drill's.

Without containers: when a Python with Flask 2.2 and Werkzeug 3 is at hand (PETSTORE_DRILL_FLASK22_PYTHON, or
the scratch venv scripts/record_samples/werkzeug_import_error.py leaves), the crash is
produced for real; otherwise the recorded real crash from the catalog is replayed, since
this machine may not be able to install the broken pair.
"""

from __future__ import annotations

import asyncio
import glob
import os
import re
import shutil
from pathlib import Path

from petstore_core import process
from petstore_tui.drills import stand_in
from petstore_tui.drills.base import Drill, DrillError, DrillOutcome
from petstore_tui.services import docker, sandbox_engine, sandbox_inventory

CATALOG_SAMPLE = Path("checks/catalog/werkzeug-url-quote-import-error/positive/recorded-app-start.log")
# Flask 2.2.2 imports url_quote from werkzeug.urls, which Werkzeug 3.0 removed. The wheel's
# sha256 on PyPI, for the lock's --require-hashes.
BROKEN_PIN = ("flask==2.2.2 \\\n"
              "    --hash=sha256:b9c46cc36662a7949f34b52d8ec7bb59c0d74ba08ba6cb9ce9adc1d8676d9526\n")
CRASH_WORDS = ("cannot import name 'url_quote'", "url_quote")
IMAGE_TAG = "drill-werkzeug"


def broken_lock(lock: str) -> str:
    """The app's lock with Flask's entry replaced by Flask 2.2.2 (Werkzeug stays at 3)."""
    entry = re.compile(r"^flask==\S+(?:[ \t]*\\\n[ \t]+--hash=\S+)*[ \t]*\n", re.MULTILINE | re.IGNORECASE)
    if not entry.search(lock):
        raise DrillError("the app's lock has no flask entry to pin back")
    if not re.search(r"^werkzeug==3\.", lock, re.MULTILINE | re.IGNORECASE):
        raise DrillError("the app's lock does not hold Werkzeug 3: the drill's pair would import fine")
    return entry.sub(BROKEN_PIN, lock, count=1)


def broken_python() -> str | None:
    explicit = os.environ.get("PETSTORE_DRILL_FLASK22_PYTHON")
    if explicit and os.path.exists(explicit):
        return explicit
    for candidate in sorted(glob.glob("/tmp/petstore-record-venv-*/venv/bin/python")):
        return candidate
    return None


def recorded_crash(project: Path) -> list[str]:
    path = project / CATALOG_SAMPLE
    if not path.exists():
        path = Path(__file__).resolve().parents[2] / CATALOG_SAMPLE
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise DrillError(f"the recorded crash is missing ({exc.strerror}): {path}") from None
    return [line for line in lines if not line.startswith(("# source:", "$ "))]


class WerkzeugDrill(Drill):
    id = "werkzeug"
    title = "Flask 2.2 with Werkzeug 3"
    description = "the app crashes at import: url_quote gone from werkzeug.urls"
    failure_id = "werkzeug-url-quote-import-error"

    def plant(self) -> DrillOutcome:
        if self.planted:
            raise DrillError("already planted: undo it first")
        if stand_in.active():
            return self._plant_container()
        python = broken_python()
        if python:
            done = process.run([python, "-c", "from flask import Flask"], timeout=60)
            lines = (done.stdout + done.stderr).splitlines()
            if any("url_quote" in line for line in lines):
                self.save({"mode": "real", "python": python})
                return DrillOutcome(f"started Flask under {python}: it crashed at import",
                                    replay=[("app", line) for line in lines], resource="local-app",
                                    simulated=False)  # printed just now by that Flask
        lines = recorded_crash(self.target.project)
        self.save({"mode": "replay"})
        return DrillOutcome("replayed the real crash of Flask 2.2.2 with Werkzeug 3.1.9 recorded earlier by "
                            "scripts/record_samples/werkzeug_import_error.py (this machine has no such "
                            "environment): nothing crashed in this run, so its finding is marked simulated",
                            replay=[("app", line) for line in lines], resource="local-app")

    def _plant_container(self) -> DrillOutcome:
        engine = stand_in.engine()
        objects = stand_in.objects(self.target)
        repository = stand_in.app_image(objects).rsplit(":", 1)[0]
        image = f"{repository}:{IMAGE_TAG}-{sandbox_engine.sandbox_id()}"  # never another sandbox's
        context = stand_in.context_copy(self.target.project, self._context_folder())
        lock = context / "petstore-app" / "requirements.lock"
        lock.write_text(broken_lock(lock.read_text()))
        self.save({"mode": "container", "image": image})  # first: an interrupted drill can be undone
        sandbox_inventory.add_image(image)
        lines: list[str] = []
        try:
            stages = asyncio.run(docker.build(engine, context, [image], lines.append, network="host",
                                              dockerfile=self.target.project / "docker" / "Dockerfile"))
            sandbox_inventory.add_image(image, stages)  # removed with the sandbox's own
        except docker.EngineCallError as exc:
            raise DrillError(f"the drill's image did not build: {exc} ({' | '.join(lines[-3:])})") from None
        pods = stand_in.play_again(self.target, engine, image=image)
        said = stand_in.wait_failure(engine, CRASH_WORDS)
        return DrillOutcome(f"built {image} with Flask 2.2.2 and Werkzeug 3 and played {', '.join(pods)}; "
                            f"the container says: {said}", resource=f"pod/{pods[0]}" if pods else "")

    def _context_folder(self) -> Path:
        return self._memo_path().parent / "werkzeug-context"

    def undo(self) -> DrillOutcome:
        memo = self.load()
        if memo is None:
            raise DrillError("not planted")
        if memo.get("mode") == "container":
            url = stand_in.restore(self.target)
            removed = docker.remove_images(stand_in.engine(), [memo["image"]])
            sandbox_inventory.forget_images(removed)
            shutil.rmtree(self._context_folder(), ignore_errors=True)
            self.forget()
            return DrillOutcome(f"the app's own image is played again; healthy at {url}"
                                + (f"; {memo['image']} removed" if removed else ""))
        self.forget()
        return DrillOutcome("nothing was changed on disk: the drill only ran or replayed the crash")
