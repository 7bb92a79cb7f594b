"""config.subnet-tags: the subnet tags the pinned Load Balancer Controller release reads (checks/alb_subnets.py): none names another cluster (such subnets are dropped), and role tags carry a value its filter matches (1 or empty)."""

from __future__ import annotations

from checks import alb_subnets
from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import terraform
from checks.preflight.context import CheckContext
from checks.project.network import subnet_facts
from checks.project.terraform import Terraform
from checks.project.terraform_values import interpolate
from petstore_core.words import counted

RELEASE = alb_subnets.INSTALLED_RELEASE


def cluster_name(tf: Terraform) -> str | None:
    """The EKS cluster's name as Terraform will create it."""
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
        facts, notes = subnet_facts(tf)
        if not facts:
            if tf.problems:
                return self.warned("unknown: terraform/ does not parse, subnets not read (config.files says where)",
                                   "\n".join(tf.errors))
            return self.skipped("no aws_subnet in terraform/*.tf", "\n".join(notes))
        cluster = cluster_name(tf)
        if cluster is None:
            return self.warned("unknown: the cluster's name is known only after apply", "\n".join(notes))
        problems, warnings = [], []
        for subnet in facts:
            ok, why = alb_subnets.cluster_tag_state(subnet.tags, cluster, RELEASE)
            if ok is False:
                problems.append(f"{subnet.label}: {why} while the cluster is {cluster!r}: controller {RELEASE} drops "
                                "it from every load balancer")
            for key in alb_subnets.ROLE_TAG.values():
                if subnet.tags and key in subnet.tags and alb_subnets.role_tag_state(subnet.tags, key) is False:
                    warnings.append(f"{subnet.label}: {key}={alb_subnets.tag_text(subnet.tags[key])!r} matches nothing "
                                    f"(controller {RELEASE} takes 1 or empty): the subnet counts as untagged")
        unknown = [s.label for s in facts if s.tags is None]
        fix = ('name the cluster tag from the variable, "kubernetes.io/cluster/${var.cluster_name}" = "shared" '
               "(local.cluster_subnet_tag in terraform/main.tf), or leave it out; give role tags the value \"1\"")
        if problems:
            return self.failed(problems[0] + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""),
                               "\n".join(problems + warnings + notes), fix)
        if warnings or unknown:
            return self.warned(warnings[0] if warnings else f"unknown: tags of {', '.join(unknown)} known only after "
                               "apply", "\n".join(warnings + notes), fix)
        return self.passed(f"{counted(len(facts), 'subnet')}: no tag for another cluster, role tags 1 or empty "
                           f"(controller {RELEASE})", "\n".join(s.label for s in facts))
