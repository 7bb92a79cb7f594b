"""`petstore-tui sandbox start|status|stop` and the local app, as real background processes."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from petstore_core import sandbox_state, settings
from petstore_tui import cli
from petstore_tui.services import local_app, sandbox

REPO = Path(__file__).resolve().parents[2]


def test_start_status_stop(capsys, monkeypatch):
    """Stand-in: moto's server started by `sandbox start` on a free loopback port (its
    own session, log in the state folder) and the Pet Store under gunicorn. Status reports
    endpoint, pid, liveness and resource counts; a second start reuses the running one;
    stop ends both and clears the record."""
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert cli.main(["sandbox", "status"]) == 1
    assert "not running" in capsys.readouterr().out
    assert cli.main(["sandbox", "start"]) == 0
    try:
        state = sandbox_state.read()
        assert state.endpoint.startswith("http://127.0.0.1:") and sandbox_state.pid_alive(state.pid)
        assert (settings.state_dir() / "sandbox" / "moto.log").exists()
        assert cli.main(["sandbox", "start"]) == 0
        assert "already running" in capsys.readouterr().out
        assert sandbox_state.read().pid == state.pid

        import boto3

        boto3.client("ec2", endpoint_url=state.endpoint, region_name="us-east-1", aws_access_key_id="x",
                     aws_secret_access_key="x").create_vpc(CidrBlock="10.9.0.0/16")
        url = local_app.start(REPO)
        with urllib.request.urlopen(url + "/api/v1/health", timeout=5) as response:
            assert response.status == 200
        assert local_app.start(REPO) == url  # idempotent: the running app is reused
        assert cli.main(["sandbox", "status", "--json"]) == 0
        status = json.loads(capsys.readouterr().out)
        assert status["alive"] and status["answering"] and status["app_alive"] and status["app_url"] == url
        assert status["resources"]["vpcs"] == 1
        app_pid = sandbox_state.read().app_pid
    finally:
        assert cli.main(["sandbox", "stop"]) == 0
    out = capsys.readouterr().out
    assert "local app" in out and f"AWS emulator (pid {state.pid}) stopped" in out
    assert sandbox_state.read() is None
    assert not sandbox_state.pid_alive(state.pid) and not sandbox_state.pid_alive(app_pid)
    assert not sandbox.answers(state.endpoint, timeout=1)
