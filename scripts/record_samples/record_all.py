"""Record every sample this machine can produce, in a few minutes at most.

    .venv/bin/python scripts/record_samples/record_all.py

One scratch virtual environment (Flask 2.2.2 with whatever Werkzeug pip picks, gunicorn,
psycopg, psycopg2) serves the Python recorders, and the real Pet Store app gets its own
(from petstore-app/requirements.lock); each recorder skips with a printed reason
when its tool is missing. Samples land in checks/catalog/<id>/positive|negative/recorded-*.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import exec_format_error  # noqa: E402
import gunicorn_failures  # noqa: E402
import postgres_errors  # noqa: E402
import postgres_hba  # noqa: E402
import real_app  # noqa: E402
import sqlite_errors  # noqa: E402
import terraform_errors  # noqa: E402
import werkzeug_import_error  # noqa: E402
from _common import Skip, main_wrapper, make_venv, scratch_dir  # noqa: E402


def main() -> int:
    started = time.monotonic()
    for name, recorder in (("terraform", terraform_errors.record),
                           ("sqlite", sqlite_errors.record),
                           ("real app", real_app.record),
                           ("exec format error", exec_format_error.record)):
        print(f"[{name}]")
        main_wrapper(recorder)
    work = scratch_dir("petstore-record-venv-")
    try:
        print("[scratch venv] " + " ".join(werkzeug_import_error.PACKAGES))
        try:
            vpy = make_venv(work / "venv", werkzeug_import_error.PACKAGES)
        except Skip as skip:
            print(f"skipped the Python recorders: {skip}")
            vpy = None
        if vpy is not None:
            for name, module in (("werkzeug", werkzeug_import_error),
                                 ("gunicorn", gunicorn_failures),
                                 ("postgres", postgres_errors),
                                 ("postgres pg_hba", postgres_hba)):
                print(f"[{name}]")
                main_wrapper(lambda m=module: m.record(vpy))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"done in {time.monotonic() - started:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
