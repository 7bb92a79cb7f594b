"""Fixtures for the probe tests: the preflight tests' own (tests/preflight/conftest.py), the
stub Kubernetes API server and fake tools; moto comes from tests/conftest.py."""

from tests.preflight.conftest import project  # noqa: F401  (fixture)
from tests.support.fake_tools import fake_tools  # noqa: F401  (fixture)
from tests.support.kube_stub import kube_stub  # noqa: F401  (fixture)
