"""cluster.subnets: Subnets tagged for load balancers (the live probe checks.probes.subnets)."""

from __future__ import annotations

from checks.preflight.cluster._probe import ClusterProbeCheck
from checks.probes.subnets import probe_subnets


class SubnetsCheck(ClusterProbeCheck):
    id = "cluster.subnets"
    title = "Subnets tagged for load balancers"
    failure_id = "alb-controller-subnet-discovery-failed"
    probe = staticmethod(probe_subnets)
