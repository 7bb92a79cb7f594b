"""Record SQLite's real `attempt to write a readonly database` and `unable to open
database file` as an unprivileged user (root bypasses file permissions).

Same shape as the container that ran as `petstore` over files owned by root: the
database file and its folder belong to root; uid 65534 opens it through Python's sqlite3.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import Skip, interpreter_version, main_wrapper, run, scratch_dir, write_sample  # noqa: E402

READONLY = "sqlite-readonly-database"
CANNOT_OPEN = "sqlite-unable-to-open-database"
# /usr/bin/python3: pyenv's interpreters live under /root, which uid 65534 cannot read.
PYTHON = "/usr/bin/python3"

APP = '''\
import os
import sqlite3

DB_PATH = os.environ.get("DB_PATH", "/app/data/petstore.db")


def create_pet(name, species):
    conn = sqlite3.connect(DB_PATH)
    with conn:
        conn.execute("INSERT INTO pets (name, species) VALUES (?, ?)", (name, species))
    conn.close()


def init_db():
    conn = sqlite3.connect(DB_PATH)
    conn.execute("CREATE TABLE IF NOT EXISTS pets (id INTEGER PRIMARY KEY, name TEXT, species TEXT)")
    conn.commit()


if __name__ == "__main__":
    import sys
    init_db() if sys.argv[1] == "init" else create_pet("Rex", "dog")
'''


def as_nobody(script: Path, db: Path, mode: str) -> str:
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise Skip("setpriv not found")
    if not Path(PYTHON).exists():
        raise Skip(f"{PYTHON} not found")
    argv = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", PYTHON,
            str(script), mode]
    env = {"PATH": "/usr/bin:/bin", "DB_PATH": str(db), "HOME": "/tmp"}
    return run(argv, timeout=30, env=env, cwd="/").stderr


def record() -> None:
    if os.geteuid() != 0:
        raise Skip("needs root to own the files and drop to uid 65534")
    work = scratch_dir("petstore-sqlite-")
    os.chmod(work, 0o755)
    (work / "data").mkdir(mode=0o755)
    script = work / "app_db.py"
    script.write_text(APP)
    os.chmod(script, 0o644)
    db = work / "data" / "petstore.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE pets (id INTEGER PRIMARY KEY, name TEXT, species TEXT)")
    conn.close()
    os.chmod(db, 0o644)
    v = f"Python {interpreter_version(PYTHON)}, SQLite {sqlite3.sqlite_version}, setpriv uid 65534"
    text = as_nobody(script, db, "insert")
    if "readonly database" not in text:
        raise Skip(f"no readonly database error: {text[-200:]}")
    write_sample(READONLY, "positive", "recorded-root-owned-db.log", "sqlite_errors.py", v, text)
    missing = work / "data" / "missing" / "petstore.db"
    text = as_nobody(script, missing, "init")
    if "unable to open database file" not in text:
        raise Skip(f"no unable-to-open error: {text[-200:]}")
    write_sample(CANNOT_OPEN, "positive", "recorded-missing-folder.log", "sqlite_errors.py", v,
                 text)
    # the folder exists but belongs to root: creating the file fails the same way
    fresh = work / "data" / "fresh.db"
    text = as_nobody(script, fresh, "init")
    if "unable to open database file" in text:
        write_sample(CANNOT_OPEN, "positive", "recorded-root-owned-folder.log",
                     "sqlite_errors.py", v, text)


if __name__ == "__main__":
    sys.exit(main_wrapper(record))
