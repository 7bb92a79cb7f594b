"""petstore_tui.services aws, kube and eks_token, and the test stand-ins themselves (moto_server, the stub Kubernetes API server, fake tools on PATH)."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlparse

import boto3
import pytest
from botocore.exceptions import (
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
)
from botocore.parsers import ResponseParserError

from petstore_core import aws, errors, kube, sandbox_state
from petstore_core.settings import Target
from petstore_tui.services.eks_token import eks_token, exec_credential_dict


def client_error(code: str, message: str = "x"):
    from botocore.exceptions import ClientError

    return ClientError({"Error": {"Code": code, "Message": message}}, "GetCallerIdentity")


@pytest.mark.parametrize("exc, words", [
    (client_error("ExpiredToken"), "expired"),
    (client_error("ExpiredTokenException"), "expired"),
    (client_error("RequestExpired"), "expired"),
    (NoCredentialsError(), "No AWS credentials"),
    (client_error("InvalidClientTokenId"), "rejected the credentials"),
    (client_error("UnrecognizedClientException"), "rejected the credentials"),
    (client_error("AccessDenied", "User: arn:aws:iam::1:user/x is not authorized"), "Access denied"),
    (EndpointConnectionError(endpoint_url="https://ec2.x.amazonaws.com"), "Cannot reach"),
    (ConnectTimeoutError(endpoint_url="https://ec2.x.amazonaws.com"), "did not answer in time"),
    (ProfileNotFound(profile="prod"), "'prod' not found"),
    (ResponseParserError("500"), "not a valid AWS response"),
])
def test_describe_aws_error(exc, words):
    """No stand-in: botocore's exception classes."""
    text = errors.describe_aws_error(exc)
    assert words in text
    assert "\n" not in text


def test_describe_aws_error_redacts():
    """No stand-in."""
    text = errors.describe_aws_error(client_error("Weird", "key AKIAIOSFODNN7EXAMPLE leaked"))
    assert "AKIAIOSFODNN7EXAMPLE" not in text


def test_sandbox_session_requires_running_sandbox():
    """No stand-in: no sandbox state file."""
    with pytest.raises(errors.SandboxNotRunning, match="petstore-tui sandbox start"):
        aws.client(Target(sandbox=True), "sts")


def test_sandbox_client_uses_endpoint_and_fake_credentials(moto_server, monkeypatch):
    """moto_server as the sandbox emulator, recorded in the sandbox state file."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    sandbox_state.write(sandbox_state.SandboxState(endpoint=moto_server, pid=1, started_at=time.time()))
    sts = aws.client(Target(sandbox=True), "sts")
    assert sts.meta.endpoint_url == moto_server
    assert sts.get_caller_identity()["Account"]
    creds = aws.session(Target(sandbox=True)).get_credentials()
    assert creds.access_key == sandbox_state.SANDBOX_CREDENTIALS["aws_access_key_id"]
    assert sts.meta.config.connect_timeout == aws.CONNECT_TIMEOUT


def test_client_honours_profile_and_region(tmp_path, monkeypatch):
    """No stand-in: an AWS config file with a named profile."""
    config = tmp_path / "config"
    config.write_text("[profile dev]\nregion = eu-west-1\naws_access_key_id = AKIDEV\naws_secret_access_key = s\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    session = aws.session(Target(profile="dev", region="eu-central-1"))
    assert session.profile_name == "dev"
    assert session.get_credentials().access_key == "AKIDEV"
    assert aws.client(Target(profile="dev", region="eu-central-1"), "ec2").meta.region_name == "eu-central-1"
    with pytest.raises(ProfileNotFound):
        aws.session(Target(profile="missing"))


def test_unreachable_endpoint_fails_fast(monkeypatch):
    """No stand-in: a closed loopback port as the AWS endpoint."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    with pytest.raises(EndpointConnectionError) as info:
        aws.client(Target(region="us-east-1"), "sts").get_caller_identity()
    assert "Cannot reach the AWS endpoint" in errors.describe_aws_error(info.value)


def _decode(token: str) -> str:
    body = token.removeprefix("k8s-aws-v1.")
    assert "=" not in body
    return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)).decode()


def test_eks_token_is_a_presigned_sts_url_for_the_cluster():
    """No stand-in: signing is local (no request is sent)."""
    session = boto3.Session(aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="s",
                            region_name="eu-west-1")
    token = eks_token(session, "petstore-eks")
    assert token.startswith("k8s-aws-v1.")
    url = urlparse(_decode(token))
    query = parse_qs(url.query)
    assert url.hostname == "sts.eu-west-1.amazonaws.com"
    assert query["Action"] == ["GetCallerIdentity"]
    assert query["X-Amz-Expires"] == ["60"]
    assert "x-k8s-aws-id" in query["X-Amz-SignedHeaders"][0]


def test_exec_credential_shape():
    """No stand-in."""
    from datetime import UTC, datetime

    cred = exec_credential_dict("k8s-aws-v1.abc", now=datetime(2026, 11, 28, 5, 0, tzinfo=UTC))
    assert cred["apiVersion"] == "client.authentication.k8s.io/v1beta1"
    assert cred["status"] == {"token": "k8s-aws-v1.abc", "expirationTimestamp": "2026-11-28T05:14:00Z"}


def test_exec_plugin_prints_exec_credential_and_fails_cleanly(tmp_path):
    """No stand-in: the module run as kubectl's exec plugin would, with and without credentials."""
    env = {"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE", "AWS_SECRET_ACCESS_KEY": "s",
           "AWS_CONFIG_FILE": str(tmp_path / "c"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "k"),
           "AWS_EC2_METADATA_DISABLED": "true"}
    argv = [sys.executable, "-m", "petstore_tui.services.eks_token", "--cluster", "c1", "--region", "us-east-1"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["status"]["token"].startswith("k8s-aws-v1.")
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "No AWS credentials" in done.stderr and "Traceback" not in done.stderr


def test_kube_client_reaches_stub_and_honours_context(kube_stub):
    """Stub Kubernetes API server via the KUBECONFIG the fixture sets."""
    api = kube.api_client(Target())
    assert kube.server_version(api).startswith("v1.32")
    with pytest.raises(errors.KubeConfigError, match="'elsewhere' is not in the kubeconfig"):
        kube.api_client(Target(context="elsewhere"))


def test_kubeconfig_missing_or_broken(tmp_path, monkeypatch):
    """No stand-in: KUBECONFIG naming a missing file, then broken YAML, then bytes that are not UTF-8."""
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "none"))
    with pytest.raises(errors.KubeConfigError, match="no kubeconfig"):
        kube.api_client(Target())
    broken = tmp_path / "broken"
    broken.write_text("clusters: [unclosed\n")
    monkeypatch.setenv("KUBECONFIG", str(broken))
    with pytest.raises(errors.KubeConfigError, match="cannot be read"):
        kube.api_client(Target())
    broken.write_bytes(b"apiVersion: v1\nclusters: \xff\xfe\n")
    with pytest.raises(errors.KubeConfigError, match="invalid UTF-8"):
        kube.api_client(Target())


def test_unauthorized_is_named(kube_stub):
    """Stub Kubernetes API server answering 401."""
    kube_stub.unauthorized = True
    with pytest.raises(Exception) as info:
        kube.server_version(kube.api_client(Target()))
    assert "401 Unauthorized" in errors.describe_kube_error(info.value)


def test_stub_streams_followed_logs_line_by_line(kube_stub):
    """Stub Kubernetes API server: a followed log receives a line written after the request."""
    import threading

    from kubernetes import client

    kube_stub.add_pod("p1")
    stream = kube_stub.log_stream("petstore", "p1", container="app")
    stream.write("first")
    api = client.CoreV1Api(kube.api_client(Target()))
    response = api.read_namespaced_pod_log("p1", "petstore", container="app", follow=True,
                                           _preload_content=False, _request_timeout=kube.REQUEST_TIMEOUT)
    threading.Timer(0.2, lambda: (stream.write("second"), stream.close())).start()
    body = b"".join(response.stream(64)).decode()
    assert body == "first\nsecond\n"
    assert kube_stub.requests_for("GET", "/log")[0].query == {"container": "app", "follow": "true"}


def test_stub_records_writes_and_applies_patches(kube_stub):
    """Stub Kubernetes API server: create, merge-patch, conflict, delete."""
    from kubernetes import client
    from kubernetes.client.rest import ApiException

    core = client.CoreV1Api(kube.api_client(Target()))
    core.create_namespaced_config_map("petstore", {"metadata": {"name": "app-config"}, "data": {"A": "1"}})
    core.patch_namespaced_config_map("app-config", "petstore", {"data": {"B": "2"}})
    with pytest.raises(ApiException) as info:
        core.create_namespaced_config_map("petstore", {"metadata": {"name": "app-config"}})
    assert info.value.status == 409
    assert kube_stub.get("v1", "ConfigMap", "app-config", "petstore")["data"] == {"A": "1", "B": "2"}
    assert kube_stub.requests_for("POST")[0].body["data"] == {"A": "1"}
    core.delete_namespaced_config_map("app-config", "petstore")
    assert kube_stub.get("v1", "ConfigMap", "app-config", "petstore") is None


def test_stub_previous_log_and_label_selector(kube_stub):
    """Stub Kubernetes API server: previous container logs and label-selected pod lists."""
    from kubernetes import client

    kube_stub.add_pod("a", labels={"app": "x"})
    kube_stub.add_pod("b", labels={"app": "y"})
    kube_stub.set_log("petstore", "a", "boom\n", container="app", previous=True)
    core = client.CoreV1Api(kube.api_client(Target()))
    assert core.read_namespaced_pod_log("a", "petstore", container="app", previous=True) == "boom\n"
    assert [p.metadata.name for p in core.list_namespaced_pod("petstore", label_selector="app=y").items] == ["b"]


def test_fake_tools_version_hang_and_record(fake_tools):
    """Fake tools on PATH: version forms, responses, argv recording."""
    fake_tools.add("terraform")
    fake_tools.add("docker", "Docker version 27.3.1, build ce12230",
                   responses={"info": (1, "", "Cannot connect to the Docker daemon")})
    env = {"PATH": fake_tools.path_value()}
    done = subprocess.run(["terraform", "version"], env=env, capture_output=True, text=True, timeout=30)
    assert done.stdout.startswith("Terraform v1.11.4")
    done = subprocess.run(["docker", "info", "--format", "x"], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1 and "Cannot connect" in done.stderr
    assert fake_tools.calls("docker") == [["info", "--format", "x"]]
