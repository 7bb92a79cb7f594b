"""config.subnet-tags: Terraform tags public subnets kubernetes.io/role/elb and private ones kubernetes.io/role/internal-elb, and any kubernetes.io/cluster/<name> tag names this cluster."""

from __future__ import annotations

import re

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._project import (
    Terraform,
    interpolate,
    public_subnet_names,
    tag_keys,
    tag_value,
    terraform,
)
from checks.preflight.context import CheckContext

CLUSTER_TAG = "kubernetes.io/cluster/"


def cluster_name(tf: Terraform) -> str | None:
    """The EKS cluster's name as Terraform will create it (var.cluster_name filled in)."""
    clusters = tf.of_type("aws_eks_cluster")
    if clusters:
        return interpolate(tf, clusters[0].body.get("name"))
    return interpolate(tf, "${var.cluster_name}") if "cluster_name" in tf.variables else None


class SubnetTagsCheck(BlockingCheck):
    id = "config.subnet-tags"
    group = "config"
    title = "Subnet discovery tags in Terraform"
    failure_id = "alb-controller-subnet-discovery-failed"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        subnets = tf.of_type("aws_subnet")
        if not subnets:
            return self.skipped("no aws_subnet in terraform/*.tf", "; ".join(tf.errors))
        public = public_subnet_names(tf)
        cluster = cluster_name(tf)
        problems = []
        for subnet in subnets:
            for key in tag_keys(tf, subnet.body.get("tags"), re.escape(CLUSTER_TAG) + r".+"):
                named = interpolate(tf, key[len(CLUSTER_TAG):])
                if cluster and named is not None and named != cluster:
                    problems.append(f"aws_subnet.{subnet.name} is tagged {CLUSTER_TAG}{named} but the cluster is "
                                    f"{cluster!r}: the controller skips subnets tagged for another cluster")
            wanted = "kubernetes.io/role/elb" if subnet.name in public else "kubernetes.io/role/internal-elb"
            value = tag_value(tf, subnet.body.get("tags"), wanted)
            kind = "public" if subnet.name in public else "private"
            if value is None:
                problems.append(f"aws_subnet.{subnet.name} ({kind}, {subnet.file}) has no {wanted} tag")
            elif value not in ("1", ""):
                problems.append(f"aws_subnet.{subnet.name} ({kind}) has {wanted}={value!r}; use 1")
        if problems:
            return self.failed(problems[0] + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
                               "\n".join(problems),
                               'add "kubernetes.io/role/elb" = "1" to public subnets and '
                               '"kubernetes.io/role/internal-elb" = "1" to private ones in terraform/network.tf; '
                               'name the cluster tag from the variable: '
                               '"kubernetes.io/cluster/${var.cluster_name}" = "shared"')
        names = ", ".join(f"{s.name} ({'public' if s.name in public else 'private'})" for s in subnets)
        return self.passed(f"{len(subnets)} subnet resource(s) carry their role tags", names)
