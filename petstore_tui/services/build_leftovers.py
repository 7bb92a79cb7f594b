"""What a stopped or failed Podman build left behind, told apart from every other build's.

Podman 4.3 keeps a buildah working container for each step it had started, and the
images of the steps it had finished, when a build is stopped (SIGINT, SIGTERM) or fails;
the containers carry no label of the build (docs/knowledge/podman-sandbox.md, "A stopped
build"). A container is this build's when it is a working container (external to Podman:
state "storage"), it was made from an image this build started FROM or made itself, and
it was created while this build was starting its steps.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass, field
from typing import Any

from python_on_whales.utils import run

from petstore_tui.services.engine_call import EngineCallError

SLACK = 10.0  # seconds: a step's working container follows the previous step's `-->` line at once
_FROM = re.compile(r"STEP \d+/\d+: FROM (\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE)
_STAGE_IMAGE = re.compile(r"^--> ([0-9a-f]{11,64})$")  # podman's line after each build step


@dataclass
class BuildMark:
    """One build as it goes: when it started, the images it started FROM (names), the
    images its steps made (short ids), when it last started a step, and the pid of the
    process that ran it."""

    started: float = field(default_factory=time.time)
    bases: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    last: float = 0.0
    pid: int = field(default_factory=os.getpid)
    _aliases: set[str] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self.last = self.last or self.started

    def seen(self, line: str) -> bool:
        """Take a line of the build's output; True when the mark changed."""
        text = line.strip()
        stage = _STAGE_IMAGE.match(text)
        if stage:
            self.stages.append(stage.group(1))
        else:
            found = _FROM.search(text)
            if not found:
                return False
            image, alias = found.group(1), found.group(2)
            if image.lower() not in self._aliases and image not in self.bases:
                self.bases.append(image)  # `FROM builder` names an earlier stage, not an image
            if alias:
                self._aliases.add(alias.lower())
        self.last = time.time()
        return True

    def as_dict(self) -> dict[str, Any]:
        return {"started": self.started, "bases": self.bases, "stages": self.stages, "last": self.last,
                "pid": self.pid}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BuildMark:
        return cls(started=float(data.get("started") or 0), bases=list(data.get("bases") or []),
                   stages=list(data.get("stages") or []), last=float(data.get("last") or 0),
                   pid=int(data.get("pid") or 0))

    def may_run(self) -> bool:
        """Another live process ran this build: it may still be building (never swept then)."""
        if self.pid in (0, os.getpid()):
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # someone else's live process
            return True
        return True


def ours(containers: list[dict[str, Any]], mark: BuildMark, base_ids: list[str]) -> list[str]:
    """The ids of the working containers (`podman ps --all --external` JSON) this build left."""
    images = [i for i in [*base_ids, *mark.stages] if i]
    found = []
    for container in containers:
        created = container.get("Created")
        image = str(container.get("ImageID") or "")
        if container.get("State") != "storage" or not isinstance(created, (int, float)):
            continue  # a container Podman runs, not a build's
        if not any(image.startswith(i) for i in images):
            continue
        if int(mark.started) <= created <= mark.last + SLACK:  # Created is in whole seconds
            found.append(str(container.get("Id")))
    return found


def working_containers(engine) -> list[dict[str, Any]]:
    """Every container `podman ps --all --external` lists, as its JSON objects."""
    text = engine.call("ps --external", lambda c: run(engine.raw(c, "ps", "--all", "--external",
                                                                  "--format", "json")))
    data = json.loads(text or "[]")
    return data if isinstance(data, list) else []


def base_ids(engine, names: list[str]) -> list[str]:
    """The ids of the images the build started FROM that are present."""
    ids = []
    for name in names:
        try:
            ids.append(engine.call("image inspect", lambda c, n=name: c.image.inspect(n)).id.split(":")[-1])
        except EngineCallError:  # absent (never pulled): no container can use it
            continue
    return ids


def remove_containers(engine, ids: list[str]) -> list[str]:
    """`podman rm --force` each (the only way to remove a working container); the removed."""
    removed = []
    for container_id in ids:
        try:
            engine.call("rm", lambda c, i=container_id: run(engine.raw(c, "rm", "--force", i)))
            removed.append(container_id)
        except EngineCallError:  # gone already
            continue
    return removed
