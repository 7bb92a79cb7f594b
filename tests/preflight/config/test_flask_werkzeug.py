"""config.flask-werkzeug (checks/preflight/config/flask_werkzeug.py): the Flask and
Werkzeug the image would install fit together (requirements.in and the lock)."""

from __future__ import annotations

import re

from checks.model import Status
from checks.preflight.config.flask_werkzeug import FlaskWerkzeugCheck
from checks.preflight.runner import run_check
from tests.preflight.conftest import make_ctx
from tests.support.plants import Plants
from tests.support.project_copy import edit

PLANTS = Plants(FlaskWerkzeugCheck)
REQUIREMENTS = "petstore-app/requirements.in"
LOCK = "petstore-app/requirements.lock"


def lock_pin(r, name: str, old: str, new: str) -> None:
    edit(r / LOCK, f"{name}=={old} \\", f"{name}=={new} \\")


@PLANTS.defect("werkzeug-url-quote-import-error")
def flask_225_werkzeug_301_in_and_lock(r):
    edit(r / REQUIREMENTS, "flask>=3.1,<3.2", "flask==2.2.5")
    edit(r / REQUIREMENTS, "werkzeug>=3.1,<3.2", "werkzeug==3.0.1")
    lock_pin(r, "flask", "3.1.3", "2.2.5")
    lock_pin(r, "werkzeug", "3.1.9", "3.0.1")


@PLANTS.defect("werkzeug-url-quote-import-error")
def flask_225_werkzeug_301_lock_only(r):
    lock_pin(r, "flask", "3.1.3", "2.2.5")
    lock_pin(r, "werkzeug", "3.1.9", "3.0.1")


@PLANTS.defect("werkzeug-url-quote-import-error")
def werkzeug_unpinned_with_flask_225(r):
    # Flask pinned back, Werkzeug left to pip: the lock then takes the newest Werkzeug 3
    edit(r / REQUIREMENTS, "flask>=3.1,<3.2", "flask==2.2.5")
    edit(r / REQUIREMENTS, "werkzeug>=3.1,<3.2\n", "")
    lock_pin(r, "flask", "3.1.3", "2.2.5")


@PLANTS.defect("werkzeug-url-quote-import-error")
def flask_225_without_a_lock(r):
    app = r / "petstore-app"
    (app / "requirements.lock").unlink()
    (app / "requirements.txt").unlink(missing_ok=True)
    (app / "requirements.in").write_text("flask==2.2.5\ngunicorn\n")


@PLANTS.defect("flask-dependency-import-error")
def werkzeug_missing_from_lock(r):
    path = r / LOCK
    text = path.read_text()
    m = re.search(r"^werkzeug==[^\n]*\n(?:[ \t]+[^\n]*\n)*", text, re.M)
    assert m, "plant out of date: no werkzeug entry in the lock"
    path.write_text(text[: m.start()] + text[m.end() :])


@PLANTS.harmless()
def ok_flask_30_werkzeug_30(r):
    lock_pin(r, "flask", "3.1.3", "3.0.3")
    lock_pin(r, "werkzeug", "3.1.9", "3.0.6")


@PLANTS.harmless()
def ok_flask_22_werkzeug_22(r):
    # old but a pair that fits (Werkzeug 2.2 still has url_quote)
    edit(r / REQUIREMENTS, "flask>=3.1,<3.2", "flask==2.2.5")
    edit(r / REQUIREMENTS, "werkzeug>=3.1,<3.2", "werkzeug==2.2.3")
    lock_pin(r, "flask", "3.1.3", "2.2.5")
    lock_pin(r, "werkzeug", "3.1.9", "2.2.3")


test_plant_on_a_copy = PLANTS.test()


async def test_unpinned_werkzeug_with_flask_3_warns(project):
    """No stand-in: Flask pinned, Werkzeug left to pip."""
    app = project / "petstore-app"
    (app / "requirements.lock").unlink()
    (app / "requirements.in").write_text("flask==3.1.3\n")
    result = await run_check(FlaskWerkzeugCheck(), make_ctx(project))
    assert result.status == Status.WARN
