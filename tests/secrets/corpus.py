"""The secret corpus (corpus.yaml) and the two ways tests look for what survived: the
corpus's own secrets, and detect-secrets scanning the text as a file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

CORPUS = Path(__file__).with_name("corpus.yaml")


@dataclass(frozen=True)
class Shape:
    shape: str
    text: str
    secrets: tuple[str, ...]
    keep: tuple[str, ...] = ()
    stream_only: tuple[str, ...] = ()


def load() -> list[Shape]:
    return [Shape(e["shape"], e["text"], tuple(e["secrets"]), tuple(e.get("keep", ())),
                  tuple(e.get("stream_only", ()))) for e in yaml.safe_load(CORPUS.read_text())]


SHAPES = load()


def lines() -> list[str]:
    """Every line of every shape, in order (what a log stream would carry)."""
    return [line for shape in SHAPES for line in shape.text.splitlines()]


def leaks(text: str, shapes: Iterable[Shape] = SHAPES, *, stateless: bool = False) -> list[str]:
    """The corpus secrets found in `text` (`stateless`: leave out the stream_only ones)."""
    return [f"{s.shape}: {secret}" for s in shapes for secret in s.secrets
            if secret in text and not (stateless and secret in s.stream_only)]


def detect_secrets(text: str, folder: Path, name: str = "output.log") -> list[str]:
    """What detect-secrets (its default plugins and filters, as `detect-secrets scan` runs
    them) finds in `text` written to folder/name."""
    from detect_secrets import SecretsCollection
    from detect_secrets.settings import default_settings

    path = folder / name
    path.write_text(text)
    found = SecretsCollection()
    with default_settings():
        found.scan_file(str(path))
    return [f"{secret.type} on line {secret.line_number}" for _file, secret in found]
