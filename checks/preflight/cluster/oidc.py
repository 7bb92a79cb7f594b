"""cluster.oidc: IAM OIDC provider for IRSA (the live probe checks.probes.oidc)."""

from __future__ import annotations

from checks.preflight.cluster._probe import ClusterProbeCheck
from checks.probes.oidc import probe_oidc


class OidcCheck(ClusterProbeCheck):
    id = "cluster.oidc"
    title = "IAM OIDC provider for IRSA"
    failure_id = "alb-controller-irsa-web-identity-failed"
    probe = staticmethod(probe_oidc)
