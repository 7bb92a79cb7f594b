"""cluster.ingressclass: IngressClass alb present (the live probe checks.probes.ingressclass)."""

from __future__ import annotations

from checks.preflight.cluster._probe import ClusterProbeCheck
from checks.probes.ingressclass import probe_ingressclass


class IngressClassCheck(ClusterProbeCheck):
    id = "cluster.ingressclass"
    title = "IngressClass alb present"
    failure_id = "alb-controller-ingressclass-missing"
    probe = staticmethod(probe_ingressclass)
