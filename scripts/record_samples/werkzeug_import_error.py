"""Record the real `cannot import name 'url_quote' from 'werkzeug.urls'` traceback.

Installs Flask 2.2.2 alone into a scratch venv, so pip picks the newest Werkzeug (3.x),
exactly as the first deployment did, then runs `flask --version` and a tiny app. Flask
2.2.5 no longer imports `url_quote` (it was adapted to Werkzeug 2.3) but still breaks
under Werkzeug 3: `flask --version` raises `module 'werkzeug' has no attribute
'__version__'`; that variant is recorded too, from a second scratch venv.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    Skip,
    interpreter_version,
    main_wrapper,
    make_venv,
    package_version,
    run,
    scratch_dir,
    write_sample,
)

ENTRY = "werkzeug-url-quote-import-error"
PACKAGES = ["flask==2.2.2", "gunicorn", "psycopg[binary]", "psycopg2-binary"]

APP = '''\
from flask import Flask

app = Flask(__name__)


@app.get("/api/v1/health")
def health():
    return {"status": "ok"}


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8080)
'''


def versions(vpy: Path) -> str:
    return (f"Python {interpreter_version(str(vpy))}, Flask {package_version(vpy, 'flask')}, "
            f"Werkzeug {package_version(vpy, 'werkzeug')}")


def record(vpy: Path | None = None) -> None:
    work = scratch_dir("petstore-werkzeug-")
    if vpy is None:
        vpy = make_venv(work / "venv", PACKAGES)
    if not package_version(vpy, "werkzeug").startswith("3."):
        raise Skip("pip did not resolve Werkzeug 3.x; the failure does not reproduce")
    v = versions(vpy)
    flask_bin = vpy.parent / "flask"
    result = run([str(flask_bin), "--version"], timeout=60, cwd=work)
    if "url_quote" not in result.stderr:
        raise Skip(f"flask --version did not fail as expected: {result.stderr[-200:]}")
    write_sample(ENTRY, "positive", "recorded-flask-version.log", "werkzeug_import_error.py", v,
                 "$ flask --version\n" + result.stderr)
    (work / "app.py").write_text(APP)
    result = run([str(vpy), "app.py"], timeout=60, cwd=work)
    write_sample(ENTRY, "positive", "recorded-app-start.log", "werkzeug_import_error.py", v,
                 "$ python app.py\n" + result.stderr)
    later = make_venv(work / "venv-2.2.5", ["flask==2.2.5"])
    result = run([str(later.parent / "flask"), "--version"], timeout=60, cwd=work)
    if "__version__" in result.stderr:
        write_sample(ENTRY, "positive", "recorded-flask-2.2.5-version.log",
                     "werkzeug_import_error.py", versions(later),
                     "$ flask --version\n" + result.stderr)


if __name__ == "__main__":
    sys.exit(main_wrapper(record))
