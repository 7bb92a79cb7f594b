"""End to end: the real `petstore-tui --sandbox` in tmux, driven with keys, read from the screen."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXE = Path(sys.executable).with_name("petstore-tui")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not EXE.exists(), reason=f"{EXE} is not installed (pip install -e .)"),
]


class Tmux:
    """One private tmux server (its own socket, so parallel tests never meet)."""

    def __init__(self) -> None:
        self.socket = f"petstore-e2e-{uuid.uuid4().hex[:8]}"
        self.session = "app"

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True,  # noqa: S603
                              text=True, timeout=10, check=check)

    def start(self, argv: list[str]) -> None:
        self.run("new-session", "-d", "-s", self.session, "-x", "120", "-y", "40", *argv)

    def screen(self) -> str:
        done = self.run("capture-pane", "-p", "-t", self.session, check=False)
        return done.stdout

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def alive(self) -> bool:
        return self.run("has-session", "-t", self.session, check=False).returncode == 0

    def wait_for(self, text: str, timeout: float = 30.0, *, regex: bool = False) -> str:
        return self._wait(lambda screen: bool(re.search(text, screen) if regex else text in screen),
                          repr(text), timeout)

    def wait_for_all(self, *texts: str, timeout: float = 30.0) -> str:
        """Every text on one captured screen: a screen is drawn over more than one frame."""
        return self._wait(lambda screen: all(text in screen for text in texts), repr(texts), timeout)

    def _wait(self, seen, what: str, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:  # bounded: a missing text fails the test
            screen = self.screen()
            if seen(screen):
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{what} not on screen after {timeout}s:\n{screen}")

    def kill(self) -> None:
        self.run("kill-server", check=False)


def test_real_app_starts_sandbox_and_switches_screens(tmp_path):
    """The operator runs `petstore-tui --sandbox`: the header says SANDBOX, the emulator is
    started by the app, the preflight checks run, keys 3 and 4 open the troubleshooting
    panel and cleanup, and q quits. Stand-in: none (real app, real moto server)."""
    home = tmp_path / "home"
    home.mkdir()
    tmux = Tmux()
    env = [f"PETSTORE_TUI_HOME={home}", f"KUBECONFIG={home / 'kubeconfig'}",
           "TERM=xterm-256color", f"PATH={os.environ.get('PATH', '')}",
           f"AWS_CONFIG_FILE={home / 'aws-config'}", f"AWS_SHARED_CREDENTIALS_FILE={home / 'creds'}"]
    try:
        tmux.start(["env", "-i", *env, str(EXE), "--sandbox"])
        tmux.wait_for_all("SANDBOX · us-east-1 · petstore-sandbox", "Preflight")
        # at 120 columns the header may drop the emulator's URL and say "running" (target_header.py)
        tmux.wait_for(r"sandbox: (started at http://127\.0\.0\.1:|running)", timeout=60, regex=True)
        tmux.wait_for(r"│ \d+/\d+", timeout=30, regex=True)  # the header counts finished checks
        tmux.keys("3")
        # at 120 columns the log is full width, the findings under it, the sources on `s`;
        # the header can be drawn a frame before the panel's body, so wait for all three
        tmux.wait_for_all("Troubleshoot │", "Finding", "Resource")
        tmux.keys("s")
        tmux.wait_for("Sources")
        tmux.keys("4")
        tmux.wait_for("Cleanup │")
        tmux.keys("r")
        tmux.wait_for("Type the cluster name")
        tmux.keys("Escape")
        tmux.wait_for("nothing was deleted")
        tmux.keys("q")
        deadline = time.monotonic() + 20
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not tmux.alive(), tmux.screen()
    finally:
        tmux.kill()
        _stop_sandbox(home)


def _stop_sandbox(home: Path) -> None:
    """The app leaves the emulator running for the next command, as `sandbox start` does;
    the test stops it."""
    env = {**os.environ, "PETSTORE_TUI_HOME": str(home)}
    subprocess.run([sys.executable, "-c", "from petstore_tui.services import sandbox; sandbox.stop()"],  # noqa: S603
                   env=env, cwd=REPO, timeout=60, capture_output=True, check=False)
