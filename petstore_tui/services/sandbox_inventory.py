"""What the sandbox made in the container engine (images, the app's pods, the registry), so cleanup removes exactly that.

One JSON file in the state folder that outlives `sandbox stop`: a destroy after a restart
still knows which images were ours. Nothing is found by name alone: the operator's own
images and containers are never in this list.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from petstore_core import settings
from petstore_tui.services.build_leftovers import BuildMark


def path() -> Path:
    folder = settings.state_dir() / "sandbox"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "containers.json"


def read() -> dict[str, Any]:
    try:
        data = json.loads(path().read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def write(data: dict[str, Any]) -> None:
    target = path()
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, target)


def update(**values: Any) -> dict[str, Any]:
    """Set top-level keys (None removes one); the new contents."""
    data = read()
    for key, value in values.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    write(data)
    return data


def add_image(name: str, stages: list[str] = ()) -> None:
    """An image the sandbox built, and the untagged images its build's steps left."""
    data = read()
    images = data.setdefault("images", [])
    if name not in images:
        images.append(name)
    data["stages"] = list(dict.fromkeys([*data.get("stages", []), *stages]))
    write(data)


def keep_build(mark: BuildMark | None) -> None:
    """The sandbox's build under way (None: nothing of it is left), so a destroy after a
    quit in the middle of it removes what it left (docker.sweep_build)."""
    update(build=mark.as_dict() if mark is not None else None)


def build_mark() -> BuildMark | None:
    data = read().get("build")
    return BuildMark.from_dict(data) if isinstance(data, dict) else None


def forget_images(names: list[str]) -> None:
    data = read()
    data["images"] = [n for n in data.get("images", []) if n not in names]
    write(data)
