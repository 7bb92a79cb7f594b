"""Fix: make the app's Werkzeug pin fit its Flask pin (petstore-app/requirements.in), then re-lock with `pip-compile --generate-hashes` as the file's header says, through the process helper with a timeout. Flask's pin is kept: Werkzeug moves to the series that Flask release supports (checks/preflight/config/flask_werkzeug.py holds which)."""

from __future__ import annotations

import asyncio
import re
import sys
from typing import Any

from packaging.version import Version

from checks.model import Status
from checks.preflight.config.flask_werkzeug import (
    FLASK,
    FLASK_NEEDS,
    WERKZEUG,
    FlaskWerkzeugCheck,
    incompatibility,
    resolve,
)
from checks.preflight.runner import run_check
from checks.project.app_files import parse_requirements
from petstore_core import process
from petstore_core.redact import redact
from petstore_tui.fixes import files
from petstore_tui.fixes.base import FixContext
from petstore_tui.fixes.model import Change, FixError, FixRefused, NothingToFix, Plan, command_for
from petstore_tui.fixes.repository import RepositoryFix

APP = "petstore-app"
REQUIREMENTS_IN = f"{APP}/requirements.in"
LOCK = f"{APP}/requirements.lock"
# requirements.in's header: the lock is compiled with exactly these options
PIP_COMPILE_ARGS = ("--generate-hashes", "--allow-unsafe", "--strip-extras", "--no-emit-index-url",
                    "--no-emit-find-links", "--output-file", "requirements.lock", "requirements.in")
LOCK_TIMEOUT = 600.0  # resolving and hashing from PyPI
# pip-compile keeps what the lock already pins, hashes included; the two pins the fix is
# about are resolved afresh (a lock whose Flask line was edited by hand otherwise fails
# with HashMismatch), every other pin stays as locked.
UPGRADE = ("--upgrade-package", "flask", "--upgrade-package", "werkzeug")


def werkzeug_for(flask: Version) -> str:
    """The Werkzeug specifier that Flask release works with: its own lower bound, and the
    first series that breaks it as the upper one (url_quote gone in 3.0, APIs in 2.1)."""
    lower = FLASK_NEEDS.get(f"{flask.major}.{flask.minor}", "").removeprefix(">=")
    upper = "2.1" if flask < Version("2.1") else "3" if flask < Version("2.3") else f"{flask.major}.{flask.minor + 1}"
    return ",".join(filter(None, [f">={lower}" if lower else "", f"<{upper}"]))


def pip_compile_argv() -> list[str]:
    """pip-compile from PATH, else pip-tools in this interpreter."""
    if process.which("pip-compile"):
        return ["pip-compile", *UPGRADE, *PIP_COMPILE_ARGS]
    return [sys.executable, "-m", "piptools", "compile", *UPGRADE, *PIP_COMPILE_ARGS]


def _name(line: str) -> str | None:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", line.split("#", 1)[0])
    return re.sub(r"[-_.]+", "-", match.group(1)).lower() if match else None


class FlaskWerkzeugFix(RepositoryFix):
    id = "flask-werkzeug-pins"
    title = "Fit Werkzeug's pin to Flask's and re-lock (petstore-app/requirements.in)"
    catalog_ids = ("werkzeug-url-quote-import-error", "werkzeug-removed-api-import-error",
                   "flask-dependency-import-error")
    check_ids = ("config.flask-werkzeug",)
    check = "config.flask-werkzeug"
    needs = ("write access to the checkout", "pip-compile (pip-tools) and PyPI")

    def plan(self, ctx: FixContext, failure_id: str, resource: str | None) -> Plan:
        result = asyncio.run(run_check(FlaskWerkzeugCheck(), ctx.checks))
        if result.status in (Status.PASS, Status.SKIP):
            # the checkout is right: an app still crashing with the ImportError runs an image
            # built from other files (the werkzeug drill's build, an old tag): the fix is a rebuild
            raise NothingToFix(f"{self.check}: {result.summary}. An app still failing so runs an image "
                               "built from other files: build and deploy the checkout's again "
                               f"({command_for(ctx.target, 'deploy', '--from', 'image-build', '--yes')})")
        try:
            before = files.read(ctx.project, REQUIREMENTS_IN)
        except OSError:
            raise FixRefused(f"no {REQUIREMENTS_IN} to re-lock from") from None
        pins = parse_requirements(before)
        flask = resolve(pins.get("flask"), FLASK)
        if flask is None:
            raise FixRefused(f"cannot tell which Flask {REQUIREMENTS_IN} asks for ({pins.get('flask')!r})")
        werkzeug = resolve(pins.get("werkzeug"), WERKZEUG, FLASK_NEEDS.get(f"{flask.major}.{flask.minor}", ""))
        plan = self.new_plan(ctx, failure_id, REQUIREMENTS_IN)
        if werkzeug is None or incompatibility(flask, werkzeug) or "werkzeug" not in pins:
            spec = werkzeug_for(flask)
            lines = before.splitlines(keepends=True)
            at = next((i for i, line in enumerate(lines) if _name(line) == "werkzeug"), None)
            if at is not None:
                lines[at] = f"werkzeug{spec}\n"
            else:
                at = next(i for i, line in enumerate(lines) if _name(line) == "flask")
                lines.insert(at + 1, f"werkzeug{spec}\n")
            self.add_edit(plan, REQUIREMENTS_IN, before, "".join(lines),
                          f"pin werkzeug{spec}, the series Flask {flask} supports")
        argv = pip_compile_argv()
        plan.changes.append(Change("command", f"re-lock {LOCK} (in {APP}/, timeout {LOCK_TIMEOUT:.0f}s)",
                                   " ".join(argv), {"argv": argv, "cwd": APP}))
        plan.notes.append(f"{self.check} now: {result.summary}")
        plan.notes.append(f"{LOCK} is rewritten by pip-compile: its diff is shown after the change")
        plan.notes.append("rebuild and push the image (the deploy's image steps) for it to take effect")
        plan.state["argv"] = argv
        plan.state["lock_before"] = files.read(ctx.project, LOCK) if (ctx.project / LOCK).exists() else ""
        return plan

    def apply(self, ctx: FixContext, plan: Plan) -> dict[str, Any]:
        lock_path = ctx.project / LOCK
        current_lock = lock_path.read_text(encoding="utf-8") if lock_path.exists() else ""
        if current_lock != plan.state["lock_before"]:
            raise FixRefused(f"{LOCK} changed since the plan was made: plan again")
        undo = super().apply(ctx, plan)
        # the lock's backup first: pip-compile rewrites it in place
        lock_record = files.apply_edit(ctx.project, LOCK, current_lock, current_lock, ctx.backups)
        lock_record["after_sha256"] = None  # whatever pip-compile writes, even half-way, goes back on undo
        undo["files"].append(lock_record)
        ctx.record(undo)
        try:
            done = process.run(plan.state["argv"], timeout=LOCK_TIMEOUT, cwd=ctx.project / APP)
        except process.ToolNotFound as exc:
            raise FixError(f"{exc}: install pip-tools (pip install pip-tools)") from None
        if not done.ok:
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            why = "timed out" if done.timed_out else f"exit {done.returncode}"
            raise FixError(redact(f"pip-compile failed ({why}): " + " | ".join(tail)))
        after_lock = lock_path.read_text(encoding="utf-8")
        undo["files"][-1]["after_sha256"] = files.sha256(after_lock)
        ctx.record(undo)
        undo["report"] = [files.unified(LOCK, current_lock, after_lock) or f"{LOCK}: unchanged"]
        return undo
