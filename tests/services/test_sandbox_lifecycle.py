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


def test_status_reports_the_app_in_containers(capsys):
    """Stand-in: a loopback HTTP server answering the health path stands in for the pod
    `podman kube play` runs (the app-apply step records its URL in the sandbox inventory);
    the emulator's record points at this test's own pid. Before, status said nothing of
    the app and --json held app_url null, app_alive false while the app answered."""
    import http.server
    import os
    import threading
    import time

    from petstore_tui.services import sandbox_inventory

    class Health(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200 if self.path == "/api/v1/health" else 404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Health)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    sandbox_state.write(sandbox_state.SandboxState(endpoint="http://127.0.0.1:9", pid=os.getpid(),
                                                   started_at=time.time()))
    sandbox_inventory.update(app={"port": server.server_address[1], "url": url, "pods": ["p-pod-0"],
                                  "health_path": "/api/v1/health"})
    try:
        assert cli.main(["sandbox", "status", "--json"]) == 0
        status = json.loads(capsys.readouterr().out)
        assert status["app_url"] == url and status["app_alive"] is True
        assert cli.main(["sandbox", "status"]) == 0
        assert f"app:       {url} (podman kube play, answering)" in capsys.readouterr().out
    finally:
        server.shutdown()
        server.server_close()
    assert cli.main(["sandbox", "status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["app_alive"] is False
