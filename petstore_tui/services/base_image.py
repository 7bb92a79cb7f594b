"""The sandbox's stand-in for the Dockerfile's base image, made with debootstrap when the engine cannot pull it.

Only when no registry answers: an image already in the engine's store, or one the engine
can pull, is used as it is. The stand-in is a minimal Debian of the release the tag names
(`python:3.13-slim-trixie` -> trixie) with python3, venv and CA certificates, the
machine's CA bundle copied in (pip inside the build then trusts the index as the host
does), imported under the exact name the Dockerfile uses. Nothing under docker/ changes.
It is cached by its inputs: the image carries their digest as a label, and the state
folder keeps a record of the build. Why each piece: docs/knowledge/podman-sandbox.md.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from petstore_core import process, settings
from petstore_tui.services.docker import Engine
from petstore_tui.services.engine_call import EngineCallError
from petstore_tui.services.node_platform import host_platform

LABEL = "io.petstore-tui.stand-in-base"  # value: digest of the inputs
PACKAGES = ("python3", "python3-venv", "python-is-python3", "ca-certificates")
VARIANT = "minbase"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
PULL_TIMEOUT = 180.0
DEBOOTSTRAP_TIMEOUT = 1200.0
TAR_TIMEOUT = 300.0
IMPORT_TIMEOUT = 300.0
# Debian's python3 by release: the stand-in runs Debian's Python, not python.org's build.
DEBIAN_PYTHON = {"bookworm": "3.11", "trixie": "3.13", "forky": "3.13"}
_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE | re.MULTILINE)


class BaseImageError(RuntimeError):
    """The base image can be neither pulled nor stood in for here; the message says why."""


@dataclass(frozen=True)
class Outcome:
    image: str
    how: str  # present | pulled | cached | built
    message: str
    seconds: float = 0.0


def base_images(dockerfile: Path) -> list[str]:
    """The external images the Dockerfile builds FROM (stage names excluded), in order."""
    stages: set[str] = set()
    found: list[str] = []
    for match in _FROM.finditer(dockerfile.read_text()):
        image, alias = match.group(1), match.group(2)
        if image.lower() not in stages and image not in found and image.lower() != "scratch":
            found.append(image)
        if alias:
            stages.add(alias.lower())
    return found


def qualified(image: str) -> str:
    """The name Docker and Podman both give a short name: `python:3.13-slim-trixie` ->
    `docker.io/library/python:3.13-slim-trixie` (a bare import would land in localhost/)."""
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        return image
    return f"docker.io/{image}" if rest else f"docker.io/library/{image}"


def debian_suite(image: str) -> str:
    """`python:3.13-slim-trixie` -> trixie; an image whose tag names no Debian release
    cannot be stood in for."""
    tag = image.rsplit(":", 1)[-1] if ":" in image.rsplit("/", 1)[-1] else ""
    for suite in DEBIAN_PYTHON:
        if tag.endswith(suite):
            return suite
    raise BaseImageError(f"{image}: its tag names no Debian release, so no stand-in can be made "
                         "(pull it once where a registry answers, or tag a local image with that name)")


def mirror() -> str:
    """The Debian mirror the machine's apt uses (PETSTORE_DEBIAN_MIRROR overrides)."""
    explicit = os.environ.get("PETSTORE_DEBIAN_MIRROR")
    if explicit:
        return explicit
    for path in (Path("/etc/apt/sources.list.d/debian.sources"), Path("/etc/apt/sources.list")):
        try:
            found = mirror_in(path.read_text())
        except OSError:
            continue
        if found:
            return found
    return DEFAULT_MIRROR


def mirror_in(text: str) -> str | None:
    """The first Debian archive named in apt sources (deb822 `URIs:` or one-line `deb`)."""
    m = re.search(r"^(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(https?://\S+/debian)/?\s", text, re.MULTILINE)
    return m.group(1) if m else None


def _arch(platform: str) -> str:
    return {"linux/amd64": "amd64", "linux/arm64": "arm64"}.get(platform, platform.rsplit("/", 1)[-1])


def inputs_digest(image: str, platform: str) -> str:
    """What the stand-in is made of: a change in any of these builds it again."""
    debootstrap = process.run(["debootstrap", "--version"], timeout=30) if shutil.which("debootstrap") else None
    parts = {
        "image": image, "suite": debian_suite(image), "variant": VARIANT, "packages": list(PACKAGES),
        "arch": _arch(platform), "mirror": mirror(),
        "ca_bundle": hashlib.sha256(CA_BUNDLE.read_bytes()).hexdigest() if CA_BUNDLE.exists() else "",
        "debootstrap": debootstrap.stdout.strip() if debootstrap is not None else "",
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:16]


def record_path() -> Path:
    folder = settings.state_dir() / "sandbox"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "base-image.json"


def _labels(engine: Engine, image: str) -> dict[str, str] | None:
    """The image's labels, or None when the engine's store has no such image."""
    if not engine.call("image exists", lambda c: c.image.exists(image)):
        return None
    return dict(engine.call("image inspect", lambda c: c.image.inspect(image)).config.labels or {})


def ensure(engine: Engine, image: str, platform: str, on_line: Callable[[str], None]) -> Outcome:
    """Make `image` available to builds: as it is, pulled, or the stand-in (cached).
    One process at a time per machine: the engine's store is shared by every sandbox."""
    with _machine_lock():
        return _ensure(engine, qualified(image), platform, on_line)


@contextlib.contextmanager
def _machine_lock():
    path = Path(tempfile.gettempdir()) / "petstore-tui-stand-in-base.lock"
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _ensure(engine: Engine, image: str, platform: str, on_line: Callable[[str], None]) -> Outcome:
    started = time.monotonic()
    labels = _labels(engine, image)
    want = None
    if labels is not None and LABEL not in labels:
        return Outcome(image, "present", f"{image} is in the engine's store")
    if labels is not None:
        want = inputs_digest(image, platform)
        if labels[LABEL] == want:
            return Outcome(image, "cached", f"stand-in base {image} cached (inputs {want})")
        on_line(f"stand-in base {image}: its inputs changed, building it again")
    else:
        on_line(f"pulling {image}")
        try:
            engine.call("pull", lambda c: c.image.pull(image, quiet=True, platform=platform), timeout=PULL_TIMEOUT)
            return Outcome(image, "pulled", f"pulled {image}", time.monotonic() - started)
        except EngineCallError as exc:
            on_line(f"cannot pull {image}: {exc}")
    build(engine, image, platform, want or inputs_digest(image, platform), on_line)
    seconds = time.monotonic() - started
    return Outcome(image, "built", f"no registry answers: built a stand-in for {image} with debootstrap "
                   f"({debian_suite(image)}, {seconds:.0f}s; cached by its inputs)", seconds)


def _why_not_buildable(platform: str) -> str | None:
    if shutil.which("debootstrap") is None:
        return "debootstrap is not installed (apt-get install debootstrap)"
    if os.geteuid() != 0:
        return "debootstrap needs root"
    if platform != host_platform():
        return f"the stand-in is made for this machine's {host_platform()}, not {platform}"
    return None


def build(engine: Engine, image: str, platform: str, digest: str, on_line: Callable[[str], None]) -> None:
    why = _why_not_buildable(platform)
    if why:
        raise BaseImageError(f"cannot pull {image} and cannot make a stand-in: {why}")
    suite = debian_suite(image)
    work = settings.state_dir() / "sandbox" / "base-build"
    shutil.rmtree(work, ignore_errors=True)
    rootfs, tarball = work / "rootfs", work / "rootfs.tar"
    rootfs.mkdir(parents=True)
    started = time.monotonic()
    try:
        on_line(f"debootstrap --variant={VARIANT} --include={','.join(PACKAGES)} {suite} ({mirror()})")
        done = process.run_streamed(["debootstrap", f"--variant={VARIANT}", f"--arch={_arch(platform)}",
                                     f"--include={','.join(PACKAGES)}", suite, str(rootfs), mirror()],
                                    timeout=DEBOOTSTRAP_TIMEOUT, on_line=on_line)
        if not done.ok:
            tail = " | ".join(line.text for line in done.lines[-3:])
            raise BaseImageError(f"debootstrap {suite} failed"
                                 + (" (timed out)" if done.timed_out else f": {tail[:400]}"))
        on_line(f"debootstrap {suite}: done in {time.monotonic() - started:.0f}s")
        if CA_BUNDLE.exists():  # pip in the build trusts what the host trusts
            shutil.copyfile(CA_BUNDLE, rootfs / "etc" / "ssl" / "certs" / "ca-certificates.crt")
        shutil.rmtree(rootfs / "var" / "cache" / "apt" / "archives", ignore_errors=True)
        done = process.run(["tar", "-C", str(rootfs), "-cf", str(tarball), "."], timeout=TAR_TIMEOUT)
        if not done.ok:
            raise BaseImageError(f"tar of the stand-in failed: {done.stderr.strip()[-300:]}")
        changes = [f"LABEL {LABEL}={digest}", "ENV LANG=C.UTF-8", 'CMD ["python3"]']
        old = _image_id(engine, image)
        # the host's architecture (checked above): podman 4.3's import has no --platform
        engine.call("import", lambda c: c.image.import_(tarball, tag=image, changes=changes),
                    timeout=IMPORT_TIMEOUT)
        if old:  # the previous stand-in, now untagged (ours by its label)
            engine.call("image remove", lambda c: c.image.remove(old), timeout=IMPORT_TIMEOUT)
        record_path().write_text(json.dumps({
            "image": image, "inputs": digest, "id": _image_id(engine, image), "suite": suite,
            "python": DEBIAN_PYTHON.get(suite), "built_at": time.time(),
            "seconds": round(time.monotonic() - started, 1)}, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _image_id(engine: Engine, image: str) -> str | None:
    labels = _labels(engine, image)
    if labels is None or LABEL not in labels:
        return None
    return engine.call("image inspect", lambda c: c.image.inspect(image)).id


def remove(engine: Engine, image: str) -> bool:
    """Remove the stand-in (never a real base: only an image carrying our label)."""
    image = qualified(image)
    labels = _labels(engine, image)
    if labels is None or LABEL not in labels:
        return False
    engine.call("image remove", lambda c: c.image.remove(image))
    record_path().unlink(missing_ok=True)
    return True

