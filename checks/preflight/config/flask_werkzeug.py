"""config.flask-werkzeug: the app's Flask and Werkzeug pins fit together (Flask 2.2 with Werkzeug 3 fails importing url_quote)."""

from __future__ import annotations

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import requirements
from checks.preflight.context import CheckContext

# Releases pip could pick, newest last (the newest allowed is what pip takes).
FLASK = ["1.1.4", "2.0.3", "2.1.3", "2.2.5", "2.3.3", "3.0.3", "3.1.3"]
WERKZEUG = ["1.0.1", "2.0.3", "2.1.2", "2.2.3", "2.3.8", "3.0.6", "3.1.9"]
# What each Flask series itself requires of Werkzeug (its package metadata): no upper
# bound, which is how Flask 2.2 met Werkzeug 3.
FLASK_NEEDS = {"1.1": ">=0.15", "2.0": ">=2.0", "2.1": ">=2.0", "2.2": ">=2.2.2", "2.3": ">=2.3.7",
               "3.0": ">=3.0.0", "3.1": ">=3.1"}
# Flask's own dependencies (blinker since 2.3): a hashed lock must hold every one, or
# `pip install --require-hashes` refuses the whole file and the image does not build.
FLASK_DEPENDENCIES = ("werkzeug", "jinja2", "itsdangerous", "click")


def flask_dependencies(flask: Version) -> tuple[str, ...]:
    return FLASK_DEPENDENCIES + (("blinker",) if flask >= Version("2.3") else ())


def incompatibility(flask: Version, werkzeug: Version) -> str | None:
    """Why this pair fails at import or start, or None."""
    if flask < Version("2.3") and werkzeug >= Version("3.0"):
        return (f"Flask {flask} imports url_quote from werkzeug.urls, which Werkzeug {werkzeug} removed "
                "(ImportError: cannot import name 'url_quote')")
    if flask < Version("2.1") and werkzeug >= Version("2.1"):
        return f"Flask {flask} uses Werkzeug APIs removed in 2.1 (BaseResponse, safe_str_cmp...)"
    series = f"{flask.major}.{flask.minor}"
    need = FLASK_NEEDS.get(series)
    if need and werkzeug not in SpecifierSet(need):
        return f"Flask {flask} requires Werkzeug {need}, not {werkzeug}"
    return None


def resolve(spec: str | None, candidates: list[str], extra: str = "") -> Version | None:
    """The newest candidate a specifier allows (what pip would install)."""
    try:
        specifier = SpecifierSet((spec or "") + ("," + extra if extra and spec else extra))
    except InvalidSpecifier:
        return None
    exact = [s.version for s in specifier if s.operator in ("==", "===") and "*" not in s.version]
    if exact:
        return Version(exact[0])
    allowed = [Version(c) for c in candidates if Version(c) in specifier]
    return max(allowed) if allowed else None


class FlaskWerkzeugCheck(BlockingCheck):
    id = "config.flask-werkzeug"
    group = "config"
    title = "Flask and Werkzeug pins fit"
    failure_id = "werkzeug-url-quote-import-error"

    def _check(self, ctx: CheckContext) -> CheckResult:
        source, pins = requirements(ctx)
        if source is None:
            return self.skipped("no requirements file in petstore-app/")
        if "flask" not in pins:
            return self.skipped(f"petstore-app/{source} does not use Flask")
        flask = resolve(pins["flask"], FLASK)
        if flask is None:
            return self.warned(f"cannot tell which Flask petstore-app/{source} installs ({pins['flask']!r})")
        lock = ctx.project_dir / "petstore-app" / source
        if "--hash=" in lock.read_text(errors="replace"):
            left_out = [name for name in flask_dependencies(flask) if name not in pins]
            if left_out:
                return self.failed(f"petstore-app/{source} pins Flask {flask} but not {', '.join(left_out)}",
                                   "the lock has hashes, so the image builds with pip install --require-hashes, "
                                   "which refuses a lock that leaves out a dependency (\"Hashes are required in "
                                   "--require-hashes mode, but they are missing from some requirements\")",
                                   "re-lock the full dependency set: pip-compile --generate-hashes --allow-unsafe "
                                   "--output-file requirements.lock requirements.in (petstore-app/)",
                                   "flask-dependency-import-error")
        own = FLASK_NEEDS.get(f"{flask.major}.{flask.minor}", "")
        werkzeug_spec = pins.get("werkzeug")
        werkzeug = resolve(werkzeug_spec, WERKZEUG, own)
        if werkzeug is None:
            return self.failed(f"no Werkzeug release satisfies {werkzeug_spec!r} with Flask {flask}",
                               fix="pin Werkzeug to the series the Flask release supports")
        how = f"Werkzeug {werkzeug_spec}" if werkzeug_spec else "Werkzeug unpinned (pip takes the newest)"
        problem = incompatibility(flask, werkzeug)
        failure_id = ("werkzeug-url-quote-import-error" if problem and "url_quote" in problem
                      else "werkzeug-removed-api-import-error" if problem and "removed in 2.1" in problem
                      else "flask-dependency-import-error")
        if problem:
            return self.failed(f"Flask {flask} with Werkzeug {werkzeug} ({how}) in petstore-app/{source}",
                               problem, "pin Werkzeug to the series that Flask release supports (e.g. "
                               "werkzeug<3 for Flask 2.2), or move both forward together; re-lock with "
                               "pip-compile --generate-hashes", failure_id)
        if not werkzeug_spec:
            return self.warned(f"Flask {flask} with Werkzeug unpinned in petstore-app/{source}",
                               "it works today with the newest Werkzeug; a lock keeps it so",
                               "pin Werkzeug (and lock the full dependency set)")
        return self.passed(f"Flask {flask} and Werkzeug {werkzeug} fit (petstore-app/{source})")
