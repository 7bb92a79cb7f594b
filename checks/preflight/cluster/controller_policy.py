"""cluster.controller-policy: Controller role policy complete (the live probe checks.probes.controller_policy)."""

from __future__ import annotations

from checks.preflight.cluster._probe import ClusterProbeCheck
from checks.probes.controller_policy import probe_controller_policy


class ControllerPolicyCheck(ClusterProbeCheck):
    id = "cluster.controller-policy"
    title = "Controller role policy complete"
    failure_id = "alb-controller-iam-denied"
    probe = staticmethod(probe_controller_policy)
