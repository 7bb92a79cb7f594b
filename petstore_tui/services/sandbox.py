"""The local AWS emulator: moto's server on a loopback port as a background process, recorded in sandbox_state."""

from __future__ import annotations

import os
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from petstore_core import aws, process, sandbox_state, settings
from petstore_core.errors import describe_aws_error
from petstore_core.redact import redact
from petstore_core.words import counted
from petstore_tui.services import (
    docker,
    kube_play,
    local_app,
    local_registry,
    sandbox_inventory,
    sandbox_warm,
)
from petstore_tui.services.ports import free_port

START_TIMEOUT = 30.0
STATUS_TIMEOUT = 5.0


class SandboxError(RuntimeError):
    """The emulator could not be started or reached; the message says why."""


def log_path():
    folder = settings.state_dir() / "sandbox"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "moto.log"


def answers(endpoint: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status < 500
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start() -> tuple[sandbox_state.SandboxState, bool]:
    """Start the emulator unless one is already running; (state, started_now). A new one is
    warmed first (services/sandbox_warm.py: each service's backend loaded by one call), so
    its first answers are not charged to a check's time limit; `extra["warmed"]` says how."""
    current = sandbox_state.read()
    if current is not None and sandbox_state.pid_alive(current.pid) and answers(current.endpoint):
        return current, False
    if current is not None and sandbox_state.pid_alive(current.pid):
        process.stop_pid(current.pid, grace=3)
    port = free_port()
    env = dict(os.environ)
    # AWS-managed policies (AmazonEKSClusterPolicy...) exist only when loaded at start.
    env.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        env.pop(name, None)
    pid = process.spawn_detached(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        log_path=log_path(), env=env)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if answers(endpoint):
            state = sandbox_state.SandboxState(endpoint=endpoint, pid=pid, started_at=time.time())
            sandbox_state.write(state)  # the emulator answers: other commands may use it now
            started = time.monotonic()
            warmed, stopped = sandbox_warm.warm(endpoint)
            current = sandbox_state.read()  # another command may have written it meanwhile
            state = current if current is not None and current.pid == pid else state
            state.extra["warmed"] = {"services": warmed, "seconds": round(time.monotonic() - started, 1),
                                     "stopped": stopped}
            sandbox_state.write(state)
            return state, True
        if not sandbox_state.pid_alive(pid) or process.exited(pid):
            break
        time.sleep(0.2)
    process.stop_pid(pid, grace=3)
    tail = _tail(log_path())
    raise SandboxError(f"the AWS emulator did not start within {START_TIMEOUT:.0f}s"
                       + (f": {tail}" if tail else f" (log: {log_path()})"))


def _tail(path, lines: int = 3) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()[-lines:]
    except OSError:
        return ""
    return redact(" | ".join(text))[:500]


@dataclass
class Status:
    running: bool
    endpoint: str | None = None
    pid: int | None = None
    alive: bool = False
    answering: bool = False
    resources: dict[str, int] | None = None
    app_url: str | None = None
    app_alive: bool = False
    app_in_containers: bool = False  # run by `podman kube play`, not the local gunicorn
    error: str = ""


def resource_counts(target: settings.Target) -> dict[str, int]:
    """How many of our kinds of resources the emulator holds (default VPC excluded)."""
    ec2 = aws.client(target, "ec2")
    counts = {
        "vpcs": len([v for v in ec2.describe_vpcs()["Vpcs"] if not v.get("IsDefault")]),
        "subnets": len([s for s in ec2.describe_subnets()["Subnets"] if not s.get("DefaultForAz")]),
        "security_groups": len([g for g in ec2.describe_security_groups()["SecurityGroups"]
                                if g.get("GroupName") != "default"]),
        "nat_gateways": len([n for n in ec2.describe_nat_gateways()["NatGateways"]
                             if n.get("State") not in ("deleted", "deleting")]),
        "eks_clusters": len(aws.client(target, "eks").list_clusters()["clusters"]),
        "ecr_repositories": len(aws.client(target, "ecr").describe_repositories()["repositories"]),
        "iam_roles": len([r for r in aws.client(target, "iam").list_roles()["Roles"]
                          if not r.get("Path", "/").startswith("/aws-service-role/")]),
        "load_balancers": len(aws.client(target, "elbv2").describe_load_balancers()["LoadBalancers"]),
    }
    return counts


def status(target: settings.Target | None = None) -> Status:
    state = sandbox_state.read()
    if state is None:
        return Status(running=False)
    alive = sandbox_state.pid_alive(state.pid) and not process.exited(state.pid)
    result = Status(running=alive, endpoint=state.endpoint, pid=state.pid, alive=alive,
                    app_url=state.app_url,
                    app_alive=bool(state.app_pid) and sandbox_state.pid_alive(state.app_pid))
    if not state.app_url:  # the app in containers: app-apply recorded where it answers
        app = sandbox_inventory.read().get("app") or {}
        if app.get("url"):
            result.app_url, result.app_in_containers = app["url"], True
            result.app_alive = kube_play.health(app["url"] + app.get("health_path", ""))[0]
    result.answering = alive and answers(state.endpoint, timeout=STATUS_TIMEOUT)
    if result.answering:
        try:
            result.resources = resource_counts(target or settings.Target(sandbox=True))
        except Exception as exc:  # the count is a courtesy: say why it is missing

            result.error = describe_aws_error(exc)
    return result


def sweep_stopped_build(engine: docker.Engine) -> str | None:
    """Remove what a sandbox build stopped with the tool (q, Ctrl-C) left, when the
    inventory holds one; one line saying what happened, None when there was none."""
    mark = sandbox_inventory.build_mark()
    if mark is None:
        return None
    if mark.may_run():
        return f"a build by pid {mark.pid} may still run: its working containers were left alone"
    clean = docker.sweep_build(engine, mark)
    sandbox_inventory.keep_build(None if clean else mark)
    return ("what a stopped build left removed" if clean
            else "what a stopped build left is still there (podman ps --all --external)")


def stop_containers() -> list[str]:
    """The app's pods and the registry, when this sandbox started them, and what a build
    stopped half-way left (images stay for destroy, the stand-in base for `--remove-base`)."""
    made = sandbox_inventory.read()
    messages = []
    if made.get("build"):
        try:
            said = sweep_stopped_build(docker.find_engine(sandbox=True))
        except docker.EngineUnavailable as exc:
            said = f"what a stopped build left was not removed: {exc}"
        if said:
            messages.append(said)
    if made.get("app"):
        try:
            pods = kube_play.down(docker.find_engine(sandbox=True))
            messages.append(f"{counted(len(pods), 'app pod')} removed")
        except Exception as exc:  # no engine any more: say what is left
            messages.append(f"app pods not removed: {exc}")
        sandbox_inventory.update(app=None)
    if made.get("registry"):
        messages.append(local_registry.stop())
    return messages


def stop() -> tuple[bool, list[str]]:
    """Stop the local app and the emulator; (something was running, messages)."""
    state = sandbox_state.read()
    messages = stop_containers()
    if state is None:
        return bool(messages), messages or ["the sandbox is not running"]
    if state.app_pid:
        messages.append(local_app.stop())
    if state.pid and sandbox_state.pid_alive(state.pid):
        gone = process.stop_pid(state.pid, grace=5)
        messages.append(f"AWS emulator (pid {state.pid}) stopped" if gone
                        else f"AWS emulator (pid {state.pid}) did not stop; kill it by hand")
    else:
        messages.append(f"AWS emulator (pid {state.pid}) was not running")
    sandbox_state.clear()
    return True, messages
