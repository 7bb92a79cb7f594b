"""cluster.service-account: Controller ServiceAccount annotated (the live probe checks.probes.service_account)."""

from __future__ import annotations

from checks.preflight.cluster._probe import ClusterProbeCheck
from checks.probes.service_account import probe_service_account


class ServiceAccountCheck(ClusterProbeCheck):
    id = "cluster.service-account"
    title = "Controller ServiceAccount annotated"
    failure_id = "alb-controller-serviceaccount-role-missing"
    probe = staticmethod(probe_service_account)
