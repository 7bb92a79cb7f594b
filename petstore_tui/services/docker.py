"""Container images with python-on-whales (Docker or Podman): which engine answers, build, log in, push, remove.

Every call goes through services/engine_call.py (a timeout on each, stoppable). Podman
builds use `podman buildx build`, Podman's alias of its own build, so one streamed path
serves both engines; Docker without the buildx plugin falls back to `docker build`
through petstore_core/process.py.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from python_on_whales.utils import run, stream_stdout_and_stderr

from petstore_core import process
from petstore_core.redact import redact
from petstore_tui.services import build_leftovers, sandbox_engine
from petstore_tui.services.build_leftovers import BuildMark
from petstore_tui.services.engine_call import Caller, EngineCallError

BUILD_TIMEOUT = 1800.0
PUSH_TIMEOUT = 1800.0
INFO_TIMEOUT = 20.0
SHORT_TIMEOUT = 60.0
GIT_TIMEOUT = 10.0


@dataclass
class Engine:
    name: str  # docker | podman
    caller: Caller

    @property
    def env(self) -> Mapping[str, str]:
        return self.caller.env

    def call(self, what: str, fn, *, timeout: float = SHORT_TIMEOUT, **kwargs):
        return self.caller.call(what, fn, timeout=timeout, **kwargs)

    async def acall(self, what: str, fn, *, timeout: float = SHORT_TIMEOUT, **kwargs):
        return await self.caller.acall(what, fn, timeout=timeout, **kwargs)

    def raw(self, client, *args: str) -> list[str]:
        """The full command line for engine arguments python-on-whales has no method for
        (`kube play`, `push --tls-verify`, `import --change`), on the bounded client."""
        return [*map(str, client.client_config.docker_cmd), *args]


class EngineUnavailable(RuntimeError):
    """No container engine answers; the message says why in one sentence."""


def find_engine(preferred: Iterable[str] = ("docker", "podman"), *, sandbox: bool = False) -> Engine:
    """The first engine whose `info` answers (blocking: call it in a thread). In the
    sandbox each engine runs with the sandbox's own settings (services/sandbox_engine.py)."""
    reasons = []
    for name in preferred:
        path = process.which(name)
        if path is None:
            reasons.append(f"{name} not found on PATH")
            continue
        engine = Engine(name, Caller(name, path, sandbox_engine.engine_env(name) if sandbox else {}))
        try:
            engine.call("info", lambda c: c.system.info(), timeout=INFO_TIMEOUT)
        except EngineCallError as exc:
            reasons.append(_reason(exc, name))
            continue
        return engine
    raise EngineUnavailable("no container engine: " + "; ".join(reasons))


def _reason(exc: EngineCallError, name: str) -> str:
    text = " ".join((exc.stderr or str(exc)).split())
    if "Cannot connect" in text or "Is the docker daemon running" in text:
        return f"{name} is installed but its engine is not running (Cannot connect to the daemon)"
    if exc.timed_out:
        return f"{name} info did not answer in {INFO_TIMEOUT:.0f}s"
    return redact(f"{name} info failed: {text[:200]}")


async def engine_or_reason(*, sandbox: bool = False) -> tuple[Engine | None, str]:
    try:
        return await asyncio.to_thread(find_engine, sandbox=sandbox), ""
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


# ------------------------------------------------------------------ build
async def build(engine: Engine, context: Path, tags: list[str], on_line: Callable[[str], None], *,
                dockerfile: Path | None = None, platform: str | None = None,
                network: str | None = None, cache: bool = True,
                on_mark: Callable[[BuildMark | None], None] | None = None) -> list[str]:
    """Build `dockerfile` (default: docker/Dockerfile of `context`) with `context` as the
    build context, streaming its output; for `platform` (linux/amd64...) when given;
    `cache=False` builds every layer again (benchmarks). Returns the ids of the images
    the build's steps left (Podman keeps a multi-stage build's earlier stages as untagged
    images: whoever removes what it built removes these too, see remove_stages).

    A Podman build that fails or is stopped leaves working containers and step images:
    they are removed before the error goes on (sweep_build). `on_mark` is told the
    build's mark as it goes (keep it where a later cleanup finds it, should this process
    end first), and None once nothing of the build is left to clean up."""
    mark = BuildMark()
    tell = on_mark or (lambda _mark: None)
    if engine.name == "podman":
        tell(mark)

    def seen(line: str) -> None:
        if mark.seen(line) and engine.name == "podman":
            tell(mark)
        on_line(line)

    try:
        await _build(engine, context, tags, seen, dockerfile or context / "docker" / "Dockerfile",
                     platform, network, cache)
    except BaseException:
        if engine.name == "podman":  # stopped (CancelledError) or failed: the engine has exited
            clean = await asyncio.shield(asyncio.to_thread(sweep_build, engine, mark))
            tell(None if clean else mark)
        raise
    tell(None)
    return list(mark.stages)


def sweep_build(engine: Engine, mark: BuildMark) -> bool:
    """Remove the working containers and untagged step images a stopped or failed Podman
    build left (services/build_leftovers.py says how they are told apart); True when
    none of its containers is left."""
    try:
        listed = build_leftovers.working_containers(engine)
    except (EngineCallError, ValueError):  # no answer, or not JSON: try again at destroy
        return False
    ids = build_leftovers.ours(listed, mark, build_leftovers.base_ids(engine, mark.bases))
    removed = build_leftovers.remove_containers(engine, ids)
    remove_stages(engine, mark.stages)
    return len(removed) == len(ids)


async def _build(engine: Engine, context: Path, tags: list[str], on_line: Callable[[str], None],
                 dockerfile: Path, platform: str | None, network: str | None, cache: bool) -> None:
    if engine.name == "podman" or await engine.acall("buildx version", _buildx_installed, timeout=INFO_TIMEOUT):
        def produce(client):
            return client.buildx.build(context, file=dockerfile, tags=tags, stream_logs=True,
                                       platforms=[platform] if platform else None, network=network,
                                       load=engine.name == "docker", cache=cache)
        # BUILDAH_FORMAT=docker: Podman's default OCI format drops HEALTHCHECK
        env = {"BUILDAH_FORMAT": "docker"} if engine.name == "podman" else None
        await engine.caller.astream("build", produce, on_line, timeout=BUILD_TIMEOUT, env=env)
        return
    argv = [engine.caller.path, "build", "--file", str(dockerfile)]
    if platform:
        argv += ["--platform", platform]
    if network:
        argv += ["--network", network]
    if not cache:
        argv.append("--no-cache")
    for tag in tags:
        argv += ["--tag", tag]
    argv.append(str(context))
    done = await process.stream(argv, timeout=BUILD_TIMEOUT, on_line=lambda line: on_line(line.text),
                                keep_lines=False, env={**_environ(), **engine.env})
    if not done.ok:
        raise EngineCallError(f"{engine.name} build failed"
                              + (" (timed out)" if done.timed_out else f" (exit {done.returncode})"))


def _environ() -> dict[str, str]:
    return dict(os.environ)


def _buildx_installed(client) -> bool:
    try:
        return bool(client.buildx.is_installed())
    except Exception:  # noqa: BLE001 - "not installed" is the answer to any failure here
        return False


# ------------------------------------------------------------------ registry
async def login(engine: Engine, server: str, username: str, password: str, *, insecure: bool = False) -> None:
    """`login --password-stdin`: the password never appears on a command line. `insecure`
    for a plain-HTTP registry on loopback (Docker already trusts 127.0.0.0/8)."""
    def go(client):
        if insecure and engine.name == "podman":
            return run(engine.raw(client, "login", "--tls-verify=false", "--password-stdin",
                                  "--username", username, server), input=password.encode())
        return client.login(server=server, username=username, password=password)

    await engine.acall("login", go, timeout=SHORT_TIMEOUT)


async def push(engine: Engine, image: str, on_line: Callable[[str], None], *,
               destination: str | None = None, insecure: bool = False) -> None:
    """Push `image`, or copy it to `destination` (another registry's name for it)."""
    if destination is None or destination == image:
        def produce(client):
            return client.image.push(image, stream_logs=True) or ()
    elif engine.name == "podman":
        def produce(client):
            flags = ["--tls-verify=false"] if insecure else []
            return stream_stdout_and_stderr(engine.raw(client, "push", *flags, image, f"docker://{destination}"))
    else:
        await engine.acall("tag", lambda c: c.image.tag(image, destination))

        def produce(client):
            return client.image.push(destination, stream_logs=True) or ()
    try:
        await engine.caller.astream("push", produce, on_line, timeout=PUSH_TIMEOUT)
    finally:
        if destination not in (None, image) and engine.name != "podman":
            await engine.acall("untag", lambda c: c.image.remove(destination, force=False))


def remove_stages(engine: Engine, ids: Iterable[str]) -> int:
    """Remove the untagged images a build left (build's return value), newest first;
    one still tagged, used by a container or the parent of another stays. The count removed."""
    removed = 0
    for image_id in reversed(list(dict.fromkeys(ids))):
        try:
            image = engine.call("image inspect", lambda c, i=image_id: c.image.inspect(i))
            if image.repo_tags:
                continue
            engine.call("image remove", lambda c, i=image_id: c.image.remove(i))
            removed += 1
        except EngineCallError:
            continue  # gone already, or still needed
    return removed


def remove_images(engine: Engine, names: Iterable[str]) -> list[str]:
    """Remove these images (names or ids) when present; the ones removed. Never forced:
    an image a container still uses stays, and says so by staying."""
    removed = []
    for name in names:
        try:
            if not engine.call("image exists", lambda c, n=name: c.image.exists(n)):
                continue
            engine.call("image remove", lambda c, n=name: c.image.remove(n))
            removed.append(name)
        except EngineCallError:
            continue
    return removed
