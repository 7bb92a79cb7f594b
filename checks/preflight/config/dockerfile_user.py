"""config.dockerfile-user: the image runs as a non-root USER and gives /app to that same user (chown or COPY --chown) before switching to it."""

from __future__ import annotations

import re
import shlex

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import dockerfile
from checks.preflight.context import CheckContext

ROOT_USERS = {"root", "0"}
CHOWN_APP = re.compile(r"\bchown\b[^&;|]*\s/app\b")


def _words(command: str) -> list[list[str]]:
    """A RUN's shell commands (split on && ; |), each as words."""
    out = []
    for part in re.split(r"&&|\|\||;|\|", command):
        try:
            words = shlex.split(part.replace("\\\n", " "))
        except ValueError:
            words = part.split()
        if words:
            out.append(words)
    return out


def created_users(command: str) -> dict[str, int]:
    """{name: uid} of the users a RUN creates with useradd/adduser and an explicit uid."""
    found = {}
    for words in _words(command):
        if words[0] not in ("useradd", "adduser"):
            continue
        uid = None
        for i, word in enumerate(words):
            if word in ("--uid", "-u") and i + 1 < len(words) and words[i + 1].isdigit():
                uid = int(words[i + 1])
            elif word.startswith("--uid=") and word[6:].isdigit():
                uid = int(word[6:])
        name = words[-1]
        if uid is not None and not name.startswith("-"):
            found[name] = uid
    return found


def chown_owner(command: str) -> str | None:
    """The owner spec (user[:group]) of the chown in a RUN that reaches /app."""
    for words in _words(command):
        if words[0] != "chown" or not any(w == "/app" or w.startswith("/app/") for w in words[1:]):
            continue
        specs = [w for w in words[1:] if not w.startswith("-")]
        if specs:
            return specs[0]
    return None


def user_part(spec: str) -> str:
    return spec.strip().split(":", 1)[0]


def same_user(a: str, b: str, users: dict[str, int]) -> bool | None:
    """Whether two user specs (name or uid, group ignored) are the same user; None when it
    cannot be told (a name the Dockerfile does not create, against a uid)."""
    a, b = user_part(a), user_part(b)
    if a == b:
        return True
    ua = int(a) if a.isdigit() else users.get(a)
    ub = int(b) if b.isdigit() else users.get(b)
    if ua is not None and ub is not None:
        return ua == ub
    if not a.isdigit() and not b.isdigit():
        return False  # two different names
    return None


class DockerfileUserCheck(BlockingCheck):
    id = "config.dockerfile-user"
    group = "config"
    title = "Dockerfile chown before USER"
    failure_id = "sqlite-readonly-database"

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
               "(or COPY --chown=petstore:petstore), with the same user USER names")
        users: dict[str, int] = {"root": 0}
        user_line = user_spec = None
        owned_at = owner = None
        for item in final:
            name, value = item["instruction"], item["value"]
            line = item["startline"] + 1
            if name == "RUN":
                users.update(created_users(value))
            if name == "USER" and user_part(value) not in ROOT_USERS:
                user_line, user_spec = line, value.strip()
            elif name == "USER":
                user_line = user_spec = None
            if name == "RUN" and CHOWN_APP.search(value):
                if user_line is not None:
                    return self.failed(f"chown at line {line} runs after USER (line {user_line}): "
                                       "it fails as the non-root user, or /app stays root's",
                                       fix=fix)
                owned_at, owner = line, chown_owner(value) or owner
            if name == "COPY" and "--chown" in value and re.search(r"\s/app/?\s*$", value):
                owned_at = line
                match = re.search(r"--chown=(\S+)", value)
                owner = match.group(1) if match else owner
        if user_line is None:
            return self.failed("the final stage runs as root (no non-root USER)",
                               "the app then runs as root unless every runtime overrides the user; Kubernetes' "
                               "runAsNonRoot refuses such an image without runAsUser, and a root process hides "
                               "the file-ownership mistakes that later fail as 'attempt to write a readonly "
                               "database' under a non-root user",
                               "create the petstore user (uid 10001), chown -R petstore:petstore /app, then "
                               "USER 10001:10001 in the final stage of docker/Dockerfile", failure_id="")
        if owned_at is None:
            return self.failed(f"USER at line {user_line} but /app is never chowned to that user",
                               "SQLite then fails with 'attempt to write a readonly database'", fix)
        if owner and user_spec:
            same = same_user(owner, user_spec, users)
            if same is False:
                return self.failed(f"/app is chowned to {owner} (line {owned_at}) but USER is {user_spec} "
                                   f"(line {user_line})",
                                   "the app runs as a user that does not own /app: SQLite fails with "
                                   "'attempt to write a readonly database'", fix)
            if same is None:
                return self.passed(f"/app chowned at line {owned_at}, USER at line {user_line}",
                                   f"cannot tell whether {owner} and {user_spec} are the same user")
        return self.passed(f"/app chowned to {owner or '?'} at line {owned_at}, USER {user_spec} at line {user_line}")
