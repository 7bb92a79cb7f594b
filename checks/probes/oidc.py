"""Probe: an IAM OIDC provider exists for the cluster's issuer (IRSA needs it)."""

from __future__ import annotations

from checks.model import CheckResult, Status
from checks.preflight.context import CheckContext
from checks.probes._common import aws_error, cluster_or_result, result
from petstore_core.words import counted

ID = "cluster.oidc"
FAILURE_ID = "alb-controller-irsa-web-identity-failed"


def probe_oidc(ctx: CheckContext) -> CheckResult:
    cluster, early = cluster_or_result(ctx, ID)
    if early:
        return early
    issuer = (((cluster.get("identity") or {}).get("oidc") or {}).get("issuer") or "")
    if not issuer:
        return result(ID, Status.FAIL, "the cluster has no OIDC issuer", "",
                      "check the cluster's identity configuration", FAILURE_ID)
    host = issuer.split("://", 1)[-1].rstrip("/")
    try:
        providers = ctx.aws_client("iam").list_open_id_connect_providers()["OpenIDConnectProviderList"]
    except Exception as exc:
        return aws_error(ID, exc, "cannot list IAM OIDC providers")
    for provider in providers:
        if provider["Arn"].endswith(f"oidc-provider/{host}"):
            return result(ID, Status.PASS, "IAM OIDC provider present for the cluster issuer", provider["Arn"])
    return result(ID, Status.FAIL, "no IAM OIDC provider for the cluster's issuer",
                  f"issuer {issuer}; {counted(len(providers), 'provider')} in the account, none for it",
                  "apply terraform (aws_iam_openid_connect_provider.eks), or "
                  f"eksctl utils associate-iam-oidc-provider --cluster {ctx.target.cluster_name} --approve",
                  FAILURE_ID)
