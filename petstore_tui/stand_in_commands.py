"""A catalog fix's kubectl commands as they fit the sandbox: there the app runs under podman
(the deploy's app-apply plays the Kustomize output with `podman kube play`, docs/knowledge/
podman-sandbox.md) and no Kubernetes API answers, so a kubectl command would only fail."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

APP_NAMESPACE = "petstore"  # kubernetes/base/kustomization.yaml
# the rollout again: the manifests rendered anew from kubernetes/ and played by podman
REDEPLOY = "petstore-tui --sandbox deploy --from manifests --yes"
LEFT_OUT = ("{count} kubectl {noun} left out: the sandbox has no Kubernetes API "
            "(the app runs under podman)")

_KUBECTL = re.compile(r"^\s*kubectl\b")
_NAMESPACE = re.compile(r"(?:^|\s)(?:-n|--namespace)(?:\s+|=)(\S+)")
_EXEC = re.compile(r"\bexec\b.*?\s--\s+(?P<argv>.+)$")
_APP_OBJECT = re.compile(r"\b(?:get|describe)\s+(?:deploy|deployments?|pods?|po)\b")


@dataclass(frozen=True)
class StandIn:
    """The app's pod and container names under podman (services/kube_play.py `ours`)."""

    pod: str
    container: str


def _namespace(command: str) -> str:
    found = _NAMESPACE.search(command)
    return found.group(1) if found else APP_NAMESPACE  # the manifests' default namespace


def for_stand_in(command: str, stand_in: StandIn | None) -> str | None:
    """`command` as it runs in the sandbox: a command other than kubectl as it is; kubectl
    on the app's objects as the podman command that does the same to the stand-in (exec,
    logs, the played pod, a restart as the rollout again); None for kubectl without an
    equivalent there (another namespace: the controller does not run in the sandbox)."""
    if not _KUBECTL.match(command):
        return command
    if stand_in is None or _namespace(command) != APP_NAMESPACE:
        return None
    words = command.split()
    verb = next((w for w in words[1:] if not w.startswith("-")), "")
    if verb == "exec":
        argv = _EXEC.search(command)
        return f"podman exec {shlex.quote(stand_in.container)} {argv.group('argv')}" if argv else None
    if verb == "logs":
        return f"podman logs --tail 100 {shlex.quote(stand_in.container)}"
    if verb == "rollout" and "restart" in words:
        return REDEPLOY
    if verb in ("get", "describe") and _APP_OBJECT.search(command):
        # the pod as podman played it: its volumes, securityContext, image and env
        return f"podman kube generate {shlex.quote(stand_in.pod)}"
    return None


def sandbox_commands(commands: list[str], stand_in: StandIn | None) -> tuple[list[str], int]:
    """(each command fitted by for_stand_in, how many kubectl commands were left out)."""
    fitted = [for_stand_in(command, stand_in) for command in commands]
    kept = list(dict.fromkeys(c for c in fitted if c is not None))  # two gets may become one generate
    return kept, fitted.count(None)


def left_out_text(count: int) -> str:
    return LEFT_OUT.format(count=count, noun="command" if count == 1 else "commands")
