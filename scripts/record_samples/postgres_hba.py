"""Record real PostgreSQL refusals by pg_hba.conf: a server that only accepts SSL.

A scratch cluster (initdb as the `postgres` user, its own port and socket folder) whose
pg_hba.conf holds one `hostssl` rule and runs with SSL off, so a plain TCP login matches
no rule: what RDS for PostgreSQL with `rds.force_ssl=1` answers a client without
`sslmode=require` (docs/knowledge/log-wordings.md, "PostgreSQL clients"). Recorded:
psql, psycopg 3 and psycopg2 on the client side, and the server's own log lines.
"""

from __future__ import annotations

import glob
import os
import shutil
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
from postgres_errors import connect  # noqa: E402
from werkzeug_import_error import PACKAGES  # noqa: E402

HBA = "postgres-hba-rejected"
# Role and database need not exist: pg_hba.conf is read before either is looked up.
URL = "postgresql://petstore:Wr0ng-EXAMPLE-pass@127.0.0.1:{port}/petstore"
PG_HBA = "local all postgres trust\nhostssl all all 127.0.0.1/32 scram-sha-256\n"


def _server_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise Skip(f"{name} not found under /usr/lib/postgresql")
    return found[-1]


def _as_postgres(argv: list[str], timeout: float):
    if os.geteuid() != 0:
        raise Skip("needs root to run the scratch cluster as the postgres user")
    return run(["runuser", "-u", "postgres", "--", *argv], timeout=timeout)


def _start_cluster(work: Path, port: int) -> Path:
    data = work / "data"
    shutil.chown(work, user="postgres")
    result = _as_postgres([_server_bin("initdb"), "-D", str(data), "-A", "trust",
                           "-U", "postgres"], timeout=120)
    if result.returncode != 0:
        raise Skip(f"initdb failed: {result.stderr.strip()[-200:]}")
    (data / "pg_hba.conf").write_text(PG_HBA)
    shutil.chown(data / "pg_hba.conf", user="postgres")
    log = work / "server.log"
    result = _as_postgres([_server_bin("pg_ctl"), "-D", str(data), "-l", str(log), "-w",
                           "-t", "60", "-o",
                           f"-p {port} -k {work} -c listen_addresses=127.0.0.1",
                           "start"], timeout=90)
    if result.returncode != 0:
        raise Skip(f"pg_ctl start failed: {result.stderr.strip()[-200:]}")
    return log


def _stop_cluster(work: Path) -> None:
    _as_postgres([_server_bin("pg_ctl"), "-D", str(work / "data"), "-m", "immediate",
                  "-w", "-t", "30", "stop"], timeout=60)


def record(vpy: Path | None = None) -> None:
    work = scratch_dir("petstore-pghba-")
    if vpy is None:
        vpy = make_venv(work / "venv", PACKAGES)
    psql = shutil.which("psql")
    cluster = work / "cluster"
    cluster.mkdir()
    work.chmod(0o711)  # the postgres user must reach its folder inside ours
    port = free_port()
    log = _start_cluster(cluster, port)
    try:
        url = URL.format(port=port)
        py = interpreter_version(str(vpy))
        for module, dist in (("psycopg", "psycopg"), ("psycopg2", "psycopg2-binary")):
            text = connect(vpy, work, module, url)
            if "no pg_hba.conf entry" not in text:
                raise Skip(f"{module}: no pg_hba.conf refusal: {text.strip()[-200:]}")
            write_sample(HBA, "positive", f"recorded-{module}.log", "postgres_hba.py",
                         f"Python {py}, {dist} {package_version(vpy, dist)}", text)
        if psql:
            result = run([psql, url, "-c", "select 1"], timeout=30,
                         env=environ(PGCONNECT_TIMEOUT="5"))
            version = run([psql, "--version"], timeout=30).stdout.strip()
            write_sample(HBA, "positive", "recorded-psql.log", "postgres_hba.py", version,
                         result.stderr)
        server = run([_server_bin("postgres"), "--version"], timeout=30).stdout.strip()
        lines = log.read_text().splitlines()
        write_sample(HBA, "positive", "recorded-server-log.log", "postgres_hba.py", server,
                     "\n".join(line for line in lines if "pg_hba.conf entry" in line))
        # The start-up warning about the same rule is a configuration notice, not a refusal.
        write_sample(HBA, "negative", "recorded-server-start.log", "postgres_hba.py", server,
                     "\n".join(line for line in lines if "LOG:" in line or "HINT:" in line
                               or "CONTEXT:" in line))
    finally:
        _stop_cluster(cluster)


if __name__ == "__main__":
    sys.exit(main_wrapper(record))
