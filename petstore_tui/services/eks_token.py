"""EKS bearer tokens (a presigned STS GetCallerIdentity URL) and the kubeconfig exec plugin that prints them: `python -m petstore_tui.services.eks_token --cluster X --region Y [--profile P]`."""

from __future__ import annotations

import argparse
import base64
import json
import sys
from datetime import UTC, datetime, timedelta

import boto3
from botocore.config import Config
from botocore.exceptions import NoCredentialsError

from petstore_core.errors import describe_aws_error

TOKEN_PREFIX = "k8s-aws-v1."
# The API server accepts a presigned URL for 15 minutes whatever X-Amz-Expires says; 60 s
# is what aws-iam-authenticator and `aws eks get-token` sign. Clients refresh before
# expirationTimestamp, which we set a minute short of the real limit.
URL_EXPIRES = 60
TOKEN_LIFETIME = timedelta(minutes=14)


def eks_token(session, cluster: str, *, region: str | None = None, endpoint_url: str | None = None) -> str:
    """A bearer token for `cluster`, signed with `session`'s credentials."""
    sts = session.client(
        "sts",
        region_name=region or session.region_name,
        endpoint_url=endpoint_url,
        config=Config(connect_timeout=5, read_timeout=10, retries={"max_attempts": 1}),
    )

    def add_cluster_header(request, **_kwargs) -> None:
        # Signed into the URL, so a token minted for one cluster is refused by another.
        request.headers["x-k8s-aws-id"] = cluster

    sts.meta.events.register("before-sign.sts.GetCallerIdentity", add_cluster_header)
    url = sts.generate_presigned_url(
        "get_caller_identity", Params={}, ExpiresIn=URL_EXPIRES, HttpMethod="GET"
    )
    return TOKEN_PREFIX + base64.urlsafe_b64encode(url.encode()).decode().rstrip("=")


def exec_credential_dict(token: str, now: datetime | None = None) -> dict:
    expires = (now or datetime.now(UTC)) + TOKEN_LIFETIME
    return {
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "spec": {},
        "status": {
            "expirationTimestamp": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "token": token,
        },
    }


def exec_credential(cluster: str, profile: str | None = None, region: str | None = None,
                    out=None) -> int:
    """Print an ExecCredential for kubectl, helm and our client; 0 on success, 1 with a
    one-line message on stderr otherwise (kubectl shows it to the operator)."""
    out = out or sys.stdout
    try:
        session = boto3.Session(profile_name=profile or None, region_name=region)
        if session.get_credentials() is None:
            print("petstore-tui eks-token: " + describe_aws_error(_no_credentials()), file=sys.stderr)
            return 1
        token = eks_token(session, cluster, region=region)
    except Exception as exc:  # kubectl prints our stderr: one sentence, never a traceback
        print(f"petstore-tui eks-token: {describe_aws_error(exc)}", file=sys.stderr)
        return 1
    out.write(json.dumps(exec_credential_dict(token)) + "\n")
    return 0


def _no_credentials() -> Exception:
    return NoCredentialsError()


def exec_args(cluster: str, region: str, profile: str | None = None) -> list[str]:
    """The kubeconfig `exec.args` (with `command: python`) that call this module."""
    args = ["-m", "petstore_tui.services.eks_token", "--cluster", cluster, "--region", region]
    if profile:
        args += ["--profile", profile]
    return args


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m petstore_tui.services.eks_token",
                                     description="print an EKS ExecCredential")
    parser.add_argument("--cluster", required=True)
    parser.add_argument("--region")
    parser.add_argument("--profile")
    args = parser.parse_args(argv)
    return exec_credential(args.cluster, args.profile, args.region)


if __name__ == "__main__":
    raise SystemExit(main())
