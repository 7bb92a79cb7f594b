"""A new emulator is warmed by `sandbox start`: its services' backends are loaded before
any check's time limit counts (docs/knowledge/podman-sandbox.md, "A cold emulator")."""

from __future__ import annotations

import json
import urllib.request

from petstore_core import sandbox_state
from petstore_tui import cli
from petstore_tui.services import sandbox_warm


def _loaded_backends(endpoint: str) -> set[str]:
    """moto's own list of the service backends it has loaded (`/moto-api/data.json` has a
    key for each backend whose models are imported, and only those; EKS's are not listed
    there, so it is left out below)."""
    with urllib.request.urlopen(f"{endpoint}/moto-api/data.json", timeout=60) as response:  # noqa: S310
        return set(json.load(response))


def test_start_loads_every_service_the_checks_call(capsys, monkeypatch):
    """Stand-in: moto's server started by `sandbox start`. At load 11-13 the first EC2 call
    to a cold emulator (moto importing its EC2 backend: ~1.7 s of its CPU) took most of
    aws.ec2's 10 s limit and timed out; after start, every service the tool calls is already
    loaded, and the start says what it spent on it."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert cli.main(["sandbox", "start", "--no-base"]) == 0
    try:
        state = sandbox_state.read()
        loaded = _loaded_backends(state.endpoint)
        wanted = {service for service, _call in sandbox_warm.WARM_CALLS} - {"eks"}
        assert wanted <= loaded, f"not loaded by the start: {sorted(wanted - loaded)}"
        assert state.extra["warmed"]["services"] == [s for s, _c in sandbox_warm.WARM_CALLS]
        assert "emulator's services loaded in" in capsys.readouterr().out
    finally:
        assert cli.main(["sandbox", "stop"]) == 0


def test_a_warm_up_that_cannot_reach_the_emulator_says_so_and_never_raises():
    """Stand-in: a loopback port nobody listens on. The start goes on; the line names why."""
    from petstore_tui.services.ports import free_port

    warmed, stopped = sandbox_warm.warm(f"http://127.0.0.1:{free_port()}", timeout=5)
    assert warmed == [] and stopped.startswith("sts: ")
