"""Container images with python-on-whales (Docker or Podman): engine reachability, build, tag, push."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from checks.redact import redact
from petstore_tui.services import process

BUILD_TIMEOUT = 1800.0
PUSH_TIMEOUT = 1800.0
GIT_TIMEOUT = 10.0


@dataclass
class Engine:
    name: str  # docker | podman
    client: object  # python_on_whales.DockerClient


class EngineUnavailable(RuntimeError):
    """No container engine answers; the message says why in one sentence."""


def _reason(exc: BaseException, name: str) -> str:
    from python_on_whales.client_config import ClientNotFoundError
    from python_on_whales.exceptions import DockerException

    if isinstance(exc, ClientNotFoundError):
        return f"{name} not found on PATH"
    if isinstance(exc, DockerException):
        text = " ".join((getattr(exc, "stderr", "") or str(exc)).split())
        if "Cannot connect" in text or "Is the docker daemon running" in text:
            return f"{name} is installed but its engine is not running (Cannot connect to the daemon)"
        return redact(f"{name} info failed: {text[:200]}")
    return redact(f"{name}: {type(exc).__name__}: {exc}"[:240])


def find_engine(preferred: Iterable[str] = ("docker", "podman")) -> Engine:
    """The first engine whose `info` answers (blocking: call it in a thread)."""
    from python_on_whales import DockerClient

    reasons = []
    for name in preferred:
        if process.which(name) is None:
            reasons.append(f"{name} not found on PATH")
            continue
        client = DockerClient(client_call=[name])
        try:
            client.system.info()
        except Exception as exc:
            reasons.append(_reason(exc, name))
            continue
        return Engine(name, client)
    raise EngineUnavailable("no container engine: " + "; ".join(reasons))


async def engine_or_reason() -> tuple[Engine | None, str]:
    try:
        return await asyncio.to_thread(find_engine), ""
    except EngineUnavailable as exc:
        return None, str(exc)


def git_commit(project: Path) -> str:
    """The short commit of the checkout (the image tag), "dev" outside a git checkout."""
    try:
        done = process.run(["git", "-C", str(project), "rev-parse", "--short=12", "HEAD"],
                           timeout=GIT_TIMEOUT)
    except process.ToolNotFound:
        return "dev"
    return done.stdout.strip() if done.ok and done.stdout.strip() else "dev"


async def _pump_thread(produce: Callable[[], Iterable], on_line: Callable[[str], None]) -> None:
    """Consume a blocking python-on-whales log iterator in a thread, lines to `on_line`
    on the event loop as they come."""
    loop = asyncio.get_running_loop()
    finished: asyncio.Future = loop.create_future()

    def work() -> None:
        try:
            for item in produce():
                data = item[1] if isinstance(item, tuple) else item
                text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
                for line in text.splitlines():
                    loop.call_soon_threadsafe(on_line, line)
        except BaseException as exc:  # handed to the awaiting task
            loop.call_soon_threadsafe(_settle, finished, exc)
            return
        loop.call_soon_threadsafe(_settle, finished, None)

    threading.Thread(target=work, name="petstore-image", daemon=True).start()
    await finished


def _settle(future: asyncio.Future, exc: BaseException | None) -> None:
    if future.done():
        return
    if exc is None:
        future.set_result(None)
    else:
        future.set_exception(exc)


async def build(engine: Engine, project: Path, tags: list[str], on_line: Callable[[str], None]) -> None:
    """Build docker/Dockerfile with the repository root as context, streaming its output.

    With buildx, python-on-whales' build(stream_logs=True); without it (Podman, or Docker
    without the plugin) `legacy_build` cannot stream, so the same `build` command goes
    through process.stream, which streams and stops it politely."""
    dockerfile = project / "docker" / "Dockerfile"
    has_buildx = engine.name == "docker" and await asyncio.to_thread(_buildx_installed, engine)
    if has_buildx:
        def produce():
            return engine.client.build(project, file=dockerfile, tags=tags, load=True, stream_logs=True)
        await _pump_thread(produce, on_line)
        return
    argv = [engine.name, "build", "--file", str(dockerfile)]
    for tag in tags:
        argv += ["--tag", tag]
    argv.append(str(project))
    done = await process.stream(argv, timeout=BUILD_TIMEOUT, on_line=lambda line: on_line(line.text),
                                keep_lines=False)
    if not done.ok:
        raise RuntimeError(f"{engine.name} build failed"
                           + (" (timed out)" if done.timed_out else f" (exit {done.returncode})"))


def _buildx_installed(engine: Engine) -> bool:
    try:
        return bool(engine.client.buildx.is_installed())
    except Exception:
        return False


async def push(engine: Engine, tag: str, on_line: Callable[[str], None]) -> None:
    def produce():
        return engine.client.image.push(tag, stream_logs=True) or ()
    await asyncio.wait_for(_pump_thread(produce, on_line), PUSH_TIMEOUT)


async def login(engine: Engine, server: str, username: str, password: str) -> None:
    """`login --password-stdin`: the password never appears on a command line."""
    await asyncio.to_thread(engine.client.login, server=server, username=username, password=password)
