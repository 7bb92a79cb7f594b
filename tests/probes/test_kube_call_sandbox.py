"""A cluster probe in a sandbox without --context fails at once, without importing the
Kubernetes client: at load 10 that import (0.6 s of CPU alone, seconds beside 40 other
checks) was charged to cluster.controller-policy's 10 s and timed it out."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_no_kubernetes_import_where_there_is_no_cluster_api(tmp_path):
    """Stand-in: none (no API is reached; a fresh interpreter so the import is observable)."""
    code = textwrap.dedent("""
        import sys
        from checks.preflight.context import CheckContext
        from checks.probes._common import kube_call
        from petstore_core.errors import KubeConfigError
        from petstore_core.settings import Target
        try:
            kube_call(CheckContext(target=Target(sandbox=True)), "AppsV1Api", "read_namespaced_deployment", "x", "y")
        except KubeConfigError as exc:
            print("refused:", exc)
        print("kubernetes imported:", "kubernetes" in sys.modules)
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "PETSTORE_TUI_HOME": str(tmp_path), "PYTHONPATH": str(REPO)})
    assert "refused: the sandbox has no Kubernetes API server" in out.stdout, out.stderr
    assert "kubernetes imported: False" in out.stdout
