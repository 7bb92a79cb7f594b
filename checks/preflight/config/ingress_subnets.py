"""config.ingress-subnets: the Ingress's ALB scheme has subnets to land in: Terraform creates subnets with the matching role tag in two zones or more, each with 8 free addresses or more."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import Check
from checks.preflight.config._project import (
    count_of,
    free_addresses,
    manifests,
    tag_value,
    terraform,
)
from checks.preflight.context import CheckContext, in_thread
from checks.probes.subnets import MIN_FREE_ADDRESSES, ROLE_TAG

SCHEME_ANNOTATION = "alb.ingress.kubernetes.io/scheme"


class IngressSubnetsCheck(Check):
    id = "config.ingress-subnets"
    group = "config"
    title = "Ingress scheme vs Terraform subnets"
    failure_id = "alb-controller-subnet-discovery-failed"

    async def run(self, ctx: CheckContext) -> CheckResult:
        rendered = await manifests(ctx)
        ingresses = rendered.of_kind("Ingress")
        if not ingresses:
            return self.skipped("no Ingress in kubernetes/")
        schemes = sorted({(i.get("metadata", {}).get("annotations") or {}).get(SCHEME_ANNOTATION, "internal")
                          for _w, i in ingresses})
        return await in_thread(self._check, ctx, schemes)

    def _check(self, ctx: CheckContext, schemes: list[str]) -> CheckResult:
        tf = terraform(ctx)
        subnets = tf.of_type("aws_subnet")
        if not subnets:
            return self.skipped("no aws_subnet in terraform/*.tf")
        lines, failures, unknown = [], [], []
        for scheme in schemes:
            if scheme not in ROLE_TAG:
                failures.append(f"unknown ALB scheme {scheme!r} (internet-facing or internal)")
                continue
            tag = ROLE_TAG[scheme]
            zones = 0
            for subnet in subnets:
                if tag_value(tf, subnet.body.get("tags"), tag) not in ("1", ""):
                    continue
                free = free_addresses(subnet.body.get("cidr_block"))
                if free is not None and free < MIN_FREE_ADDRESSES:
                    lines.append(f"aws_subnet.{subnet.name}: {free} free addresses (< {MIN_FREE_ADDRESSES})")
                    continue
                count = count_of(tf, subnet.body)
                if count is None:
                    unknown.append(f"aws_subnet.{subnet.name}: cannot tell how many zones its count makes")
                    continue
                # One subnet per instance; each count.index takes its own zone (azs[count.index]).
                per_zone = "count.index" in str(subnet.body.get("availability_zone", "")) or \
                           "each." in str(subnet.body.get("availability_zone", ""))
                zones += count if per_zone else min(count, 1)
                lines.append(f"aws_subnet.{subnet.name}: {tag}, {count} instance(s)")
            if zones < 2:
                failures.append(f"an {scheme} ALB needs {tag} subnets in 2 zones; Terraform makes {zones}")
            else:
                lines.append(f"{scheme}: {zones} zones")
        if failures:
            return self.failed(failures[0], "\n".join(failures + lines + unknown),
                               f"tag subnets in at least two zones with {ROLE_TAG.get(schemes[0], 'the role tag')}=1 "
                               "(terraform/network.tf), or change the Ingress's scheme annotation")
        if unknown:
            return self.warned("cannot resolve every subnet's zones", "\n".join(unknown + lines))
        return self.passed(f"Ingress scheme {', '.join(schemes)}: subnets tagged in enough zones", "\n".join(lines))
