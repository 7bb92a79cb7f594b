"""Drill: the app started with a Werkzeug its Flask cannot import (Flask 2.2 with Werkzeug 3).

When a Python with Flask 2.2 and Werkzeug 3 is at hand (PETSTORE_DRILL_FLASK22_PYTHON, or
the scratch venv scripts/record_samples/werkzeug_import_error.py leaves), the crash is
produced for real; otherwise the recorded real crash from the catalog is replayed, since
this machine may not be able to install the broken pair.
"""

from __future__ import annotations

import glob
import os
from pathlib import Path

from petstore_tui.drills import Drill, DrillError, DrillOutcome

CATALOG_SAMPLE = Path("checks/catalog/werkzeug-url-quote-import-error/positive/recorded-app-start.log")


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
        from petstore_tui.services import process

        python = broken_python()
        if python:
            done = process.run([python, "-c", "from flask import Flask"], timeout=60)
            lines = (done.stdout + done.stderr).splitlines()
            if any("url_quote" in line for line in lines):
                self.save({"mode": "real", "python": python})
                return DrillOutcome(f"started Flask under {python}: it crashed at import",
                                    replay=[("app", line) for line in lines], resource="local-app")
        lines = recorded_crash(self.target.project)
        self.save({"mode": "replay"})
        return DrillOutcome("replayed the recorded real crash (Flask 2.2.2, Werkzeug 3.1.9): "
                            "this machine has no such environment",
                            replay=[("app", line) for line in lines], resource="local-app")

    def undo(self) -> DrillOutcome:
        if self.load() is None:
            raise DrillError("not planted")
        self.forget()
        return DrillOutcome("nothing was changed on disk: the drill only ran or replayed the crash")
