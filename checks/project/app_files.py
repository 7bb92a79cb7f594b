"""The app's build inputs: docker/Dockerfile (dockerfile-parse) and petstore-app's requirements."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from dockerfile_parse import DockerfileParser

REQUIREMENT_FILES = ("requirements.lock", "requirements.txt", "requirements.in")


def requirements(project: Path) -> tuple[str | None, dict[str, str]]:
    """(file used, {package: specifier}) from petstore-app's lock, else .txt, else .in."""
    folder = project / "petstore-app"
    for name in REQUIREMENT_FILES:
        path = folder / name
        if path.is_file():
            return name, parse_requirements(path.read_text())
    return None, {}


def parse_requirements(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip().rstrip("\\").strip()
        if not line or line.startswith("-"):
            continue
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(.*)", line)
        if match:
            name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            out[name] = match.group(3).split(";", 1)[0].strip()
    return out


def dockerfile(project: Path) -> tuple[Path, list[dict] | None]:
    """(path, instructions) of docker/Dockerfile, parsed by dockerfile-parse."""
    path = project / "docker" / "Dockerfile"
    if not path.is_file():
        return path, None
    with path.open("rb") as fh:
        # fileobj=: the parser otherwise wants a folder holding a file named Dockerfile.
        parser = DockerfileParser(fileobj=fh)
        return path, parser.structure


def dockerfile_env(project: Path) -> dict[str, str]:
    """ENV of the Dockerfile's final stage (KEY=value pairs and the old `ENV KEY value`)."""
    _path, instructions = dockerfile(project)
    env: dict[str, str] = {}
    for item in instructions or []:
        if item["instruction"] == "FROM":
            env = {}
        if item["instruction"] != "ENV":
            continue
        value = item["value"].strip()
        try:
            words = shlex.split(value)
        except ValueError:
            words = value.split()
        if words and "=" not in words[0]:
            env[words[0]] = " ".join(words[1:])
            continue
        for word in words:
            key, _, val = word.partition("=")
            env[key] = val
    return env
