"""config.dockerfile-user: the image gives /app to its non-root user (chown) before switching to it with USER."""

from __future__ import annotations

import re

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._project import dockerfile
from checks.preflight.context import CheckContext, in_thread

ROOT_USERS = {"root", "0", "0:0", "root:root"}


class DockerfileUserCheck(Check):
    id = "config.dockerfile-user"
    group = "config"
    title = "Dockerfile chown before USER"
    failure_id = "sqlite-readonly-database"

    async def run(self, ctx: CheckContext) -> CheckResult:
        return await in_thread(self._check, ctx)

    def _check(self, ctx: CheckContext) -> CheckResult:
        path, instructions = dockerfile(ctx)
        if instructions is None:
            return self.skipped("no docker/Dockerfile")
        stages = []
        for item in instructions:
            if item["instruction"] == "FROM":
                stages.append([])
            if stages:
                stages[-1].append(item)
        final = stages[-1] if stages else instructions
        fix = ("after copying the app and before USER: RUN mkdir -p /app/data && chown -R petstore:petstore /app "
               "(or COPY --chown=petstore:petstore)")
        user_line = None
        owned_at = None
        for item in final:
            name, value = item["instruction"], item["value"]
            if name == "USER" and value.strip() not in ROOT_USERS:
                user_line = item["startline"] + 1
            elif name == "USER":
                user_line = None
            if name == "RUN" and re.search(r"\bchown\b[^&;|]*\s/app\b", value):
                owned_at = owned_at or item["startline"] + 1
                if user_line is not None:
                    return self.failed(f"chown at line {item['startline'] + 1} runs after USER (line {user_line}): "
                                       "it fails as the non-root user, or /app stays root's",
                                       fix=fix)
            if name == "COPY" and "--chown" in value and re.search(r"\s/app/?\s*$", value):
                owned_at = owned_at or item["startline"] + 1
        if user_line is None:
            return self.warned("the final stage runs as root (no non-root USER)",
                               fix="add a non-root user and USER after chown")
        if owned_at is None:
            return self.failed(f"USER at line {user_line} but /app is never chowned to that user",
                               "SQLite then fails with 'attempt to write a readonly database'", fix)
        return self.passed(f"/app chowned at line {owned_at}, USER at line {user_line}")
