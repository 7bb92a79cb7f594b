"""config.dockerfile-user (checks/preflight/config/dockerfile_user.py): the image runs as a
non-root user that owns /app, where the SQLite database is written."""

from __future__ import annotations

from checks.preflight.config.dockerfile_user import DockerfileUserCheck
from tests.support.plants import Plants
from tests.support.project_copy import edit

PLANTS = Plants(DockerfileUserCheck)
DOCKERFILE = "docker/Dockerfile"


@PLANTS.defect("sqlite-readonly-database")
def dockerfile_user_before_chown(r):
    edit(r / DOCKERFILE,
         "# Numeric, so Kubernetes can verify runAsNonRoot (10001 is the petstore user made above).\n"
         "USER 10001:10001\n", "")
    edit(r / DOCKERFILE, "# Byte code is compiled now", "USER 10001:10001\n# Byte code is compiled now")


@PLANTS.defect("sqlite-readonly-database")
def user_line_moved_above_the_chown_run(r):
    path = r / DOCKERFILE
    lines = path.read_text().splitlines(keepends=True)
    user = next(i for i, line in enumerate(lines) if line.startswith("USER "))
    run = next(i for i, line in enumerate(lines) if line.startswith("RUN ") and "chown" in "".join(lines[i:i + 3]))
    lines.insert(run, lines.pop(user))
    path.write_text("".join(lines))


@PLANTS.defect("sqlite-readonly-database")
def dockerfile_without_chown(r):
    edit(r / DOCKERFILE, "    && chown -R petstore:petstore /app \\\n", "")


@PLANTS.defect("sqlite-readonly-database")
def dockerfile_chown_wrong_uid(r):
    # uid from a blog post (1000) while the image runs as 10001
    edit(r / DOCKERFILE, "chown -R petstore:petstore /app", "chown -R 1000:1000 /app")


@PLANTS.defect(None)
def dockerfile_runs_as_root(r):
    edit(r / DOCKERFILE, "USER 10001:10001\n", "")


@PLANTS.harmless()
def ok_dockerfile_user_by_name(r):
    # the pod spec sets runAsUser 10001, so runAsNonRoot still verifies
    edit(r / DOCKERFILE, "USER 10001:10001\n", "USER petstore\n")


test_plant_on_a_copy = PLANTS.test()
