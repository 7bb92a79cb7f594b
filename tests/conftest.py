"""Fixtures shared by every test package. Each names the stand-in it provides."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

import checks.engine.hs_backend as hs_backend
from petstore_core import settings
from tests.support import shared_compiles

REPO = Path(__file__).resolve().parent.parent
PG_URL_DEFAULT = "postgresql+psycopg://petstore:petstore-test@127.0.0.1:5432/petstore_test"

# Fake credentials for moto: never a real account from a test, whatever the environment.
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


@pytest.fixture(scope="session")
def _shared_compiles(tmp_path_factory):
    """Stand-in for a warm cache of the catalog's compiled Hyperscan databases, across the
    session (tests/support/shared_compiles.py says why and what a test still sees)."""
    shared = tmp_path_factory.mktemp("shared-compiles")
    memo: dict = {}
    load = hs_backend.load
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hs_backend, "load", lambda kind=None: shared_compiles.MemoBackend(load(kind), memo))
        yield shared


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path_factory, monkeypatch, _shared_compiles):
    """Every test gets its own petstore-tui state folder and never touches ~/.kube."""
    home = tmp_path_factory.mktemp("state")
    shared_compiles.seed(home / "cache", _shared_compiles)
    monkeypatch.setenv("PETSTORE_TUI_HOME", str(home))
    monkeypatch.setenv("KUBECONFIG", str(home / "kubeconfig"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))  # no operator catalog entries
    for name in ("AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield
    shared_compiles.collect(home / "cache", _shared_compiles)


@pytest.fixture(scope="session")
def moto_server():
    """Stand-in for AWS: moto's real HTTP server on a loopback port (one per test session).

    Yields its endpoint URL. Use `aws` for a fresh, reset account per test."""
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_server, monkeypatch):
    """Stand-in for an AWS account: the moto server, reset, with fake credentials in the
    environment and AWS_ENDPOINT_URL pointing at it. Yields the endpoint URL."""
    import urllib.request

    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"), timeout=60)
    for key, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    return moto_server


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """Stand-in: none; the machine's real PostgreSQL on 127.0.0.1 (scripts/start-postgres,
    run by ./dev test, starts it and creates the role). Skips with the reason if absent."""
    url = os.environ.get("PETSTORE_TEST_PG_URL", PG_URL_DEFAULT)
    if not _port_open("127.0.0.1", int(os.environ.get("PETSTORE_PG_PORT", "5432"))):
        pytest.skip("PostgreSQL is not running on 127.0.0.1:5432 (run scripts/start-postgres)")
    return url


@pytest.fixture(scope="session")
def terraform_bin() -> str:
    path = shutil.which("terraform")
    if not path:
        pytest.skip("terraform is not on PATH")
    return path


@pytest.fixture(scope="session")
def terraform_cli_config(terraform_bin, tmp_path_factory) -> Path:
    """A Terraform CLI config that installs the AWS provider from the local mirror only."""
    mirror = settings.provider_mirror()
    if mirror is None:
        pytest.skip(
            "no Terraform provider mirror found (set PETSTORE_TF_PROVIDER_MIRROR or install "
            "one under /opt/*/registry.terraform.io)"
        )
    return settings.terraform_cli_config(mirror, tmp_path_factory.mktemp("tf") / "terraformrc")


# ------------------------------------------------------------------ CI: no silent skips
def _strict() -> bool:
    return os.environ.get("CI") == "true"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI=true a skip is a failure: CI runs on a fresh machine of the kind every
    test can run on (./dev test installs what they need), so a skip there means
    something was not set up, and a green run would hide it."""
    outcome = yield
    report = outcome.get_result()
    if _strict() and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"CI=true: this test skipped ({reason}); ./dev test must set up what it needs"
