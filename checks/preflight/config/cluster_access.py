"""config.cluster-access: the identity that runs Terraform gets cluster admin: bootstrap_cluster_creator_admin_permissions, or (with access entries) an aws_eks_access_entry and an AmazonEKSClusterAdminPolicy association for it."""

from __future__ import annotations

import re

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._project import (
    Terraform,
    TfResource,
    count_of,
    refs,
    resolve,
    terraform,
    truthy,
)
from checks.preflight.context import CheckContext

ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
FIX = ("with access entries and bootstrap_cluster_creator_admin_permissions = false, keep an aws_eks_access_entry "
       "for the caller and an aws_eks_access_policy_association with policy_arn .../AmazonEKSClusterAdminPolicy "
       "and access_scope { type = \"cluster\" } (terraform/eks.tf); or set "
       "bootstrap_cluster_creator_admin_permissions = true")


def _dynamic_enabled(tf: Terraform, for_each) -> bool | None:
    """Whether a dynamic block's for_each makes one block: [1], var.x ? [1] : [] ..."""
    value = resolve(tf, for_each)
    if isinstance(value, (list, dict)):
        return bool(value)
    match = re.fullmatch(r"\$\{\s*((?:var|local)\.\w+)\s*\?\s*(\[[^\]]*\])\s*:\s*(\[[^\]]*\])\s*\}", str(value).strip())
    if match:
        flag = truthy(resolve(tf, "${" + match.group(1) + "}"))
        if flag is None:
            return None
        chosen = match.group(2) if flag else match.group(3)
        return chosen.strip("[] ") != ""
    return None


def access_config(tf: Terraform, cluster: TfResource) -> tuple[dict | None, str]:
    """(the access_config block that applies, or None when there is none; a note)."""
    static = cluster.body.get("access_config") or []
    if static:
        return static[0], "access_config"
    for dynamic in cluster.body.get("dynamic") or []:
        if isinstance(dynamic, dict) and "access_config" in dynamic:
            block = dynamic["access_config"] or {}
            enabled = _dynamic_enabled(tf, block.get("for_each"))
            content = (block.get("content") or [{}])[0]
            if enabled is False:
                return None, f"dynamic access_config off (for_each {block.get('for_each')})"
            return content, "dynamic access_config" + (" (for_each not resolved: assumed on)" if enabled is None else "")
    return None, "no access_config"


def _exists(tf: Terraform, res: TfResource) -> bool:
    count = count_of(tf, res.body)
    return count is None or count > 0


class ClusterAccessCheck(BlockingCheck):
    id = "config.cluster-access"
    group = "config"
    title = "Cluster creator gets admin"
    failure_id = "kubectl-unauthorized"

    def _check(self, ctx: CheckContext) -> CheckResult:
        tf = terraform(ctx)
        clusters = tf.of_type("aws_eks_cluster")
        if not clusters:
            for name, module in tf.modules.items():
                if "eks" in str(module.get("source", "")) and "enable_cluster_creator_admin_permissions" in module:
                    if truthy(resolve(tf, module["enable_cluster_creator_admin_permissions"])):
                        return self.passed(f"module.{name}: enable_cluster_creator_admin_permissions = true")
                    if ADMIN_POLICY not in str(module.get("access_entries", "")):
                        return self.failed(f"module.{name}: enable_cluster_creator_admin_permissions is not true "
                                           "and no access entry has AmazonEKSClusterAdminPolicy",
                                           fix="set enable_cluster_creator_admin_permissions = true")
            return self.skipped("no aws_eks_cluster in terraform/*.tf", "\n".join(tf.errors))
        cluster = clusters[0]
        config, how = access_config(tf, cluster)
        if config is None:
            return self.passed(f"aws_eks_cluster.{cluster.name}: {how}, so EKS makes the creator admin "
                               "(bootstrap_cluster_creator_admin_permissions defaults to true)")
        bootstrap = truthy(resolve(tf, config.get("bootstrap_cluster_creator_admin_permissions", True)))
        mode = str(resolve(tf, config.get("authentication_mode", "CONFIG_MAP")))
        if bootstrap is not False:
            return self.passed(f"aws_eks_cluster.{cluster.name}: bootstrap_cluster_creator_admin_permissions "
                               f"{'true' if bootstrap else 'not resolved'} ({how}, {mode})")
        if mode == "CONFIG_MAP":
            if tf.of_type("kubernetes_config_map") or tf.of_type("kubernetes_config_map_v1_data"):
                return self.passed("CONFIG_MAP authentication; the aws-auth ConfigMap is managed in Terraform")
            return self.failed(f"aws_eks_cluster.{cluster.name}: bootstrap_cluster_creator_admin_permissions = false "
                               "with authentication_mode CONFIG_MAP: nobody is mapped to cluster admin",
                               fix=FIX)
        entries = {e.name: e for e in tf.of_type("aws_eks_access_entry") if _exists(tf, e)}
        admin = []
        for assoc in tf.of_type("aws_eks_access_policy_association"):
            if not _exists(tf, assoc) or ADMIN_POLICY not in str(assoc.body.get("policy_arn", "")):
                continue
            scope = (assoc.body.get("access_scope") or [{}])[0]
            if str(resolve(tf, scope.get("type"))) != "cluster":
                continue
            principal = str(assoc.body.get("principal_arn", ""))
            linked = [n for n in refs(principal, "aws_eks_access_entry") if n in entries] or \
                [n for n, e in entries.items() if str(e.body.get("principal_arn")) == principal]
            if linked:
                admin.append((assoc, entries[linked[0]]))
        if admin:
            assoc, entry = admin[0]
            return self.passed(f"aws_eks_access_entry.{entry.name} + aws_eks_access_policy_association.{assoc.name} "
                               f"give the creator {ADMIN_POLICY} ({mode})")
        detail = (f"bootstrap_cluster_creator_admin_permissions = false ({how}); access entries: "
                  f"{', '.join('aws_eks_access_entry.' + n for n in entries) or 'none'}; none is associated with "
                  f"{ADMIN_POLICY} at cluster scope. kubectl and helm then get 'You must be logged in to the "
                  "server (Unauthorized)'.")
        summary = ("the creator's access entry has no AmazonEKSClusterAdminPolicy association" if entries
                   else "no access entry gives the creator cluster admin")
        return self.failed(f"aws_eks_cluster.{cluster.name}: {summary}", detail, FIX)
