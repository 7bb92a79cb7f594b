"""kubeconfig files as kubectl reads them: relative paths against each file's folder, and --kubeconfig honoured by every Kubernetes client and helm call."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import yaml

from petstore_core import kube
from petstore_tui import cli
from petstore_tui.runbook.common import kube_reason

EXEC_PLUGIN = """#!{python}
import json
print(json.dumps({{"kind": "ExecCredential", "apiVersion": "client.authentication.k8s.io/v1beta1",
                  "spec": {{}}, "status": {{"token": "from-the-relative-plugin"}}}}))
"""


def _write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data))
    return path


def test_relative_paths_resolve_against_each_files_folder(tmp_path, monkeypatch):
    """Stand-in: two kubeconfig files in two folders joined in KUBECONFIG, run from a third
    folder. The second file's cluster names its CA as `certs/ca.crt`, its token user a
    `tokenFile` and its exec user `./bin/plugin`, all relative: as kubectl does
    (client-go's loader; docs/knowledge/kubeconfig.md), they resolve against that file's
    folder, not the working directory."""
    first = _write(tmp_path / "a" / "config", {
        "apiVersion": "v1", "kind": "Config", "current-context": "other",
        "clusters": [{"name": "other", "cluster": {"server": "https://other.invalid"}}],
        "users": [{"name": "other", "user": {"token": "x"}}],
        "contexts": [{"name": "other", "context": {"cluster": "other", "user": "other"}}]})
    folder = tmp_path / "b"
    (folder / "certs").mkdir(parents=True)
    (folder / "certs" / "ca.crt").write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    (folder / "token").write_text("from-the-relative-token-file")
    (folder / "bin").mkdir()
    plugin = folder / "bin" / "plugin"
    plugin.write_text(EXEC_PLUGIN.format(python=sys.executable))
    plugin.chmod(plugin.stat().st_mode | stat.S_IXUSR)
    second = _write(folder / "config", {
        "apiVersion": "v1", "kind": "Config",
        "clusters": [{"name": "eks", "cluster": {"server": "https://eks.invalid",
                                                 "certificate-authority": "certs/ca.crt"}}],
        "users": [{"name": "file-user", "user": {"tokenFile": "token"}},
                  {"name": "exec-user", "user": {"exec": {
                      "apiVersion": "client.authentication.k8s.io/v1beta1", "command": "./bin/plugin"}}}],
        "contexts": [{"name": "by-file", "context": {"cluster": "eks", "user": "file-user"}},
                     {"name": "by-exec", "context": {"cluster": "eks", "user": "exec-user"}}]})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("KUBECONFIG", f"{first}{os.pathsep}{second}")

    by_file = kube.load_config(context="by-file")
    assert Path(by_file.ssl_ca_cert) == folder / "certs" / "ca.crt"
    assert by_file.api_key["BearerToken"] == "Bearer from-the-relative-token-file"
    by_exec = kube.load_config(context="by-exec")
    assert by_exec.api_key["BearerToken"] == "Bearer from-the-relative-plugin"


def test_kubeconfig_option_beats_kubeconfig_variable(kube_stub, monkeypatch, tmp_path, step_ctx):
    """Stand-in: the stub Kubernetes API server, reached only through the file given with
    `--kubeconfig` (KUBECONFIG names a file that does not exist). The option reaches the
    Target, the kubernetes client and the runbook's Kubernetes probe, as kubectl's
    --kubeconfig does."""
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nowhere"))
    args = cli.build_parser(["diagnose"]).parse_args(["--kubeconfig", str(kube_stub.kubeconfig), "diagnose"])
    target = cli.target_from_args(args)
    assert target.kubeconfig == kube_stub.kubeconfig.resolve()
    assert kube.server_version(kube.api_client(target)) == "v1.32.3-eks-4096722"
    ctx, _ = step_ctx(target.with_(region="eu-west-1"))
    import asyncio

    assert asyncio.run(kube_reason(ctx)) is None


def test_diagnose_live_reads_the_cluster_of_kubeconfig(kube_stub, aws, monkeypatch, tmp_path, capsys):
    """Stand-in: the stub Kubernetes API server with a crash-looping pod, named only by
    `--kubeconfig`; moto_server for the probes. `diagnose --live -o json` reads the pods
    through it (and `-o json` is `--json`)."""
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nowhere"))
    kube_stub.add_pod("petstore-1", waiting_reason="CrashLoopBackOff", restart_count=5)
    code = cli.main(["--kubeconfig", str(kube_stub.kubeconfig), "diagnose", "--live", "-o", "json"])
    document = json.loads(capsys.readouterr().out)
    assert not [e for e in document["errors"] if e.startswith("kubernetes:")], document["errors"]
    assert kube_stub.requests_for("GET", "/pods"), "the stub was never asked for pods"
    assert code in (0, 1)
