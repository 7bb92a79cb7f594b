"""Fix: move the final stage's non-root USER after the RUN that chowns /app (docker/Dockerfile), the defect config.dockerfile-user reports as "chown at line N runs after USER": run as that user, the chown fails or leaves /app to root, and SQLite then fails with "attempt to write a readonly database"."""

from __future__ import annotations

from checks.preflight.config.dockerfile_user import CHOWN_APP, ROOT_USERS, user_part
from checks.project.app_files import dockerfile
from petstore_tui.fixes.base import FixContext
from petstore_tui.fixes.model import FixRefused, NothingToFix, Plan
from petstore_tui.fixes.repository import RepositoryFix

DOCKERFILE = "docker/Dockerfile"


class DockerfileUserFix(RepositoryFix):
    id = "dockerfile-user-after-chown"
    title = "Move USER after the chown of /app (docker/Dockerfile)"
    catalog_ids = ("sqlite-readonly-database",)
    check_ids = ("config.dockerfile-user",)
    check = "config.dockerfile-user"

    def plan(self, ctx: FixContext, failure_id: str, resource: str | None) -> Plan:
        path, instructions = dockerfile(ctx.project)
        if instructions is None:
            raise NothingToFix(f"no {DOCKERFILE}")
        final = instructions[max((i for i, item in enumerate(instructions) if item["instruction"] == "FROM"),
                                 default=0):]
        users = [item for item in final if item["instruction"] == "USER"]
        chowns = [item for item in final if item["instruction"] == "RUN" and CHOWN_APP.search(item["value"])]
        if not users or not chowns or users[0]["startline"] > chowns[-1]["startline"]:
            raise NothingToFix("the final stage has no USER before a chown of /app")
        if len(users) > 1:
            raise FixRefused(f"the final stage has {len(users)} USER instructions: move the right one by hand")
        user = users[0]
        if user_part(user["value"]) in ROOT_USERS:
            raise NothingToFix("USER before the chown is root")
        before = path.read_text(encoding="utf-8")
        lines = before.splitlines(keepends=True)
        start, end = user["startline"], user["endline"] + 1
        while start > 0 and lines[start - 1].lstrip().startswith("#"):  # its comment goes with it
            start -= 1
        moved = lines[start:end]
        anchor = chowns[-1]["endline"] + 1
        after_lines = lines[:start] + lines[end:anchor] + moved + lines[anchor:]
        after = "".join(after_lines)
        plan = self.new_plan(ctx, failure_id, DOCKERFILE)
        self.add_edit(plan, DOCKERFILE, before, after,
                      f"move USER {user['value'].strip()} (line {user['startline'] + 1}) after the chown of /app "
                      f"(line {chowns[-1]['startline'] + 1})")
        plan.notes.append("rebuild and push the image (the deploy's image steps) for it to take effect")
        return plan
