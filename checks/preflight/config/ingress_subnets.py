"""config.ingress-subnets: the pinned Load Balancer Controller release finds subnets in two zones for each scheme the rendered Ingresses ask for, among the subnets Terraform will make (checks/alb_subnets.py: role tags, else reachability; other clusters' and full subnets dropped)."""

from __future__ import annotations

from checks import alb_subnets
from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._sources import helm_values, manifests, terraform
from checks.preflight.config.subnet_tags import RELEASE, cluster_name
from checks.preflight.context import CheckContext, in_thread
from checks.project.network import subnet_facts
from petstore_core.words import counted

SCHEME_ANNOTATION = "alb.ingress.kubernetes.io/scheme"
SUBNETS_ANNOTATION = "alb.ingress.kubernetes.io/subnets"
DEFAULT_SCHEME = "internal"  # the controller's default when the annotation is absent


class IngressSubnetsCheck(Check):
    id = "config.ingress-subnets"
    group = "config"
    title = "Ingress scheme vs Terraform subnets"
    failure_id = "alb-controller-subnet-discovery-failed"

    async def run(self, ctx: CheckContext) -> CheckResult:
        rendered = await manifests(ctx)
        ingresses = rendered.of_kind("Ingress")
        if not ingresses:
            if rendered.failures:
                return self.warned("unknown: the manifests do not build (config.files says where)",
                                   "\n".join(map(str, rendered.failures)))
            return self.skipped("no Ingress in kubernetes/")
        schemes = sorted({(i.get("metadata", {}).get("annotations") or {}).get(SCHEME_ANNOTATION, DEFAULT_SCHEME)
                          for _w, i in ingresses
                          if SUBNETS_ANNOTATION not in ((i.get("metadata") or {}).get("annotations") or {})})
        if not schemes:
            return self.passed(f"every Ingress names its subnets ({SUBNETS_ANNOTATION}): no discovery")
        return await in_thread(self._check, ctx, schemes)

    def _check(self, ctx: CheckContext, schemes: list[str]) -> CheckResult:
        tf = terraform(ctx)
        facts, notes = subnet_facts(tf)
        if not facts:
            if tf.problems:
                return self.warned("unknown: terraform/ does not parse (config.files says where)", "\n".join(tf.errors))
            return self.skipped("no aws_subnet in terraform/*.tf")
        _path, values, _problem = helm_values(ctx)
        gate = ((values or {}).get("featureGates") or {}).get("SubnetDiscoveryByReachability", True) is not False
        cluster = cluster_name(tf) or ""
        failures, unknown, lines = [], [], list(notes)
        for scheme in schemes:
            if scheme not in alb_subnets.ROLE_TAG:
                failures.append(f"unknown ALB scheme {scheme!r} (internet-facing or internal)")
                continue
            found = alb_subnets.discover(facts, cluster, scheme, RELEASE, reachability_gate=gate)
            lines += found.lines()
            if found.status == "fail":
                failures.append(f"controller {RELEASE} finds subnets in {counted(len(found.zones), 'zone')} for an {scheme} "
                                f"ALB (needs {alb_subnets.MIN_ALB_ZONES}): it would log \"{found.error}\"")
            elif found.status == "unknown":
                unknown.append(f"unknown: cannot tell before apply whether controller {RELEASE} finds two zones for "
                               f"an {scheme} ALB")
        if failures:
            key = alb_subnets.ROLE_TAG.get(schemes[0], "the role tag")
            return self.failed(failures[0], "\n".join(failures + lines),
                               f"tag every {'public' if schemes[0] != 'internal' else 'private'} subnet {key} = \"1\" "
                               "in at least two zones (terraform/network.tf), or tag none and keep their route to "
                               "the internet gateway; keep their cluster tag this cluster's and 8 free addresses")
        if unknown:
            return self.warned(unknown[0], "\n".join(unknown + lines))
        return self.passed(f"controller {RELEASE} finds subnets in two zones or more for {', '.join(schemes)}",
                           "\n".join(lines))
