"""Record real PostgreSQL client errors: connection refused and password authentication.

Connection refused: a loopback port nothing listens on. Authentication: the role
`petstore` on this machine's PostgreSQL (127.0.0.1:5432, see scripts/start-postgres) with
a wrong password. Both with psycopg 3 and psycopg2, as the app may use either.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    Skip,
    environ,
    free_port,
    interpreter_version,
    main_wrapper,
    make_venv,
    package_version,
    run,
    scratch_dir,
    write_sample,
)
from werkzeug_import_error import PACKAGES  # noqa: E402

REFUSED = "postgres-connection-refused"
AUTH = "postgres-auth-failed"
PG_HOST = os.environ.get("PETSTORE_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("PETSTORE_PG_PORT", "5432"))

CONNECT = '''\
import os
import {module}

conn = {module}.connect(os.environ["DATABASE_URL"], connect_timeout=5)
'''


def connect(vpy: Path, work: Path, module: str, url: str) -> str:
    script = work / f"connect_{module}.py"
    script.write_text(CONNECT.format(module=module))
    result = run([str(vpy), script.name], timeout=30, cwd=work,
                 env=environ(DATABASE_URL=url, PGCONNECT_TIMEOUT="5"))
    return result.stderr


def record(vpy: Path | None = None) -> None:
    work = scratch_dir("petstore-pg-")
    if vpy is None:
        vpy = make_venv(work / "venv", PACKAGES)
    py = interpreter_version(str(vpy))
    for module, dist in (("psycopg", "psycopg"), ("psycopg2", "psycopg2-binary")):
        v = f"Python {py}, {dist} {package_version(vpy, dist)}"
        # The password is fake and wrong on purpose: the sample proves it gets masked.
        refused_url = f"postgresql://petstore:Wr0ng-EXAMPLE-pass@127.0.0.1:{free_port()}/petstore"
        text = connect(vpy, work, module, refused_url)
        if "refused" not in text.lower():
            raise Skip(f"{module}: no connection refused: {text[-200:]}")
        write_sample(REFUSED, "positive", f"recorded-{module}.log", "postgres_errors.py", v,
                     text)
        auth_url = f"postgresql://petstore:Wr0ng-EXAMPLE-pass@{PG_HOST}:{PG_PORT}/petstore_test"
        text = connect(vpy, work, module, auth_url)
        if "password authentication failed" not in text:
            print(f"  {module}: PostgreSQL on {PG_HOST}:{PG_PORT} did not refuse the password"
                  f" (is it running? scripts/start-postgres): {text.strip()[-200:]}")
            continue
        write_sample(AUTH, "positive", f"recorded-{module}.log", "postgres_errors.py", v, text)


if __name__ == "__main__":
    sys.exit(main_wrapper(record))
