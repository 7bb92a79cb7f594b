"""Restarts per pod container, counted from the event lines the panel follows (no Textual).

Kubernetes: the kubelet's `Started` event on a pod, as petstore_tui/services/kube_scan.py event_line
prints it (`Normal Started pod/POD: Started container NAME (xN)`): N starts are N-1
restarts. Podman (the sandbox): each `container start <id> (..., name=NAME, ...)` event
after the first one seen is a restart. Both from docs/knowledge/log-display.md."""

from __future__ import annotations

import re

_K8S_STARTED = re.compile(
    r"\bStarted pod/(?P<pod>[^\s:]+): Started container(?: (?P<container>[^\s(]+))?(?: \(x(?P<times>\d+)\))?\s*$")
_PODMAN_START = re.compile(r"\bcontainer start [0-9a-f]{12,64} \((?P<attrs>[^)]*)\)")
_NAME = re.compile(r"(?:^|,\s*)name=(?P<name>[^,\s)]+)")


class RestartCounter:
    def __init__(self) -> None:
        self.restarts: dict[str, int] = {}
        self._podman_started: set[str] = set()

    def see(self, line: str) -> bool:
        """Count what `line` says; True when a count changed."""
        if "Started container" in line:
            match = _K8S_STARTED.search(line)
            if match:
                name = match.group("pod") + (f"/{match.group('container')}" if match.group("container") else "")
                times = int(match.group("times") or 1)
                if times - 1 > self.restarts.get(name, 0) or name not in self.restarts:
                    self.restarts[name] = max(self.restarts.get(name, 0), times - 1)
                    return True
            return False
        if "container start " in line:
            match = _PODMAN_START.search(line)
            name_match = _NAME.search(match.group("attrs")) if match else None
            if name_match:
                name = name_match.group("name")
                if name in self._podman_started:
                    self.restarts[name] = self.restarts.get(name, 0) + 1
                    return True
                self._podman_started.add(name)
                self.restarts.setdefault(name, 0)
                return True
        return False

    def summary(self) -> str:
        """`↻ pod/container N` for each that restarted, most restarts first."""
        busy = sorted(((n, name) for name, n in self.restarts.items() if n), reverse=True)
        return " ".join(f"↻ {name} {n}" for n, name in busy)
