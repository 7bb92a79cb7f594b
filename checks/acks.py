"""Acknowledged findings, kept in settings.state_dir()/acks.json (who, why, when)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from petstore_core import settings
from petstore_core.record import Record
from petstore_core.redact import redact

FILE_NAME = "acks.json"


class AckError(ValueError):
    """The acknowledgement file or an argument is invalid; the message says which."""


class Ack(Record, frozen=True):
    id: str
    resource: str | None  # None: every resource of this failure
    reason: str
    by: str
    at: float

    @property
    def target(self) -> str:
        return f"{self.id}:{self.resource}" if self.resource else self.id


def parse_target(text: str) -> tuple[str, str | None]:
    """`ID` or `ID:RESOURCE` (the resource may itself hold colons: `file:/tmp/x.log`)."""
    text = (text or "").strip()
    failure_id, colon, resource = text.partition(":")
    failure_id = failure_id.strip()
    if not failure_id:
        raise AckError(f"expected ID or ID:RESOURCE, got {text!r}")
    if colon and not resource.strip():  # `ID:$RESOURCE` with the variable unset: never every resource
        raise AckError(f"empty resource after the colon in {text!r}: name the resource, or give "
                       f"{failure_id} alone for every resource")
    return failure_id, (resource.strip() or None)


def acks_path() -> Path:
    return settings.state_dir() / FILE_NAME


def load_acks(path: Path | None = None) -> list[Ack]:
    path = path or acks_path()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise AckError(f"{path}: cannot read: {exc}") from None
    try:
        data = json.loads(raw) if raw.strip() else {"acks": []}
        items = data["acks"] if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise TypeError("`acks` is not a list")
        return [
            Ack(id=str(i["id"]), resource=i.get("resource") or None, reason=str(i.get("reason", "")),
                by=str(i.get("by", "")), at=float(i.get("at", 0)))
            for i in items
        ]
    except (ValueError, TypeError, KeyError) as exc:
        raise AckError(f"{path}: not a valid acknowledgement file ({exc}); fix or delete it") from None


def save_acks(acks: list[Ack], path: Path | None = None) -> None:
    """Write atomically: a crash never leaves half a file."""
    # start-up: tempfile brings shutil, bz2, lzma and random; only a write needs it
    import tempfile

    path = path or acks_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps({"acks": [a.as_dict() for a in sorted(acks, key=lambda a: (a.id, a.resource or ""))]},
                      indent=2)

    fd, tmp = tempfile.mkstemp(prefix=".acks-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(body + "\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _login_name() -> str:
    """Who runs this: $USER or $USERNAME, else the account of this process's uid
    (containers and cron often set neither variable)."""
    name = os.environ.get("USER") or os.environ.get("USERNAME")
    if name:
        return name
    try:
        import pwd  # start-up: only adding an acknowledgement asks who; absent on Windows

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # no passwd entry for the uid
        return "unknown"


def add_ack(target: str, reason: str, by: str | None = None, path: Path | None = None) -> Ack:
    """Acknowledge ID[:RESOURCE]; replaces an earlier acknowledgement of the same target."""
    failure_id, resource = parse_target(target)
    if not reason or not reason.strip():
        raise AckError("a reason is required (--reason TEXT)")
    ack = Ack(id=failure_id, resource=resource, reason=redact(reason.strip()),
              by=(by or _login_name()).strip(),
              at=time.time())
    acks = [a for a in load_acks(path) if (a.id, a.resource) != (ack.id, ack.resource)]
    acks.append(ack)
    save_acks(acks, path)
    return ack


def remove_ack(target: str, path: Path | None = None) -> bool:
    failure_id, resource = parse_target(target)
    acks = load_acks(path)
    kept = [a for a in acks if (a.id, a.resource) != (failure_id, resource)]
    if len(kept) == len(acks):
        return False
    save_acks(kept, path)
    return True
