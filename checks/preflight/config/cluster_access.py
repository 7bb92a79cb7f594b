"""config.cluster-access: the identity that runs Terraform gets cluster admin: bootstrap_cluster_creator_admin_permissions, or (with access entries) an aws_eks_access_entry and an AmazonEKSClusterAdminPolicy association for it."""

from __future__ import annotations

from checks.model import CheckResult
from checks.preflight.base import BlockingCheck
from checks.preflight.config._sources import terraform
from checks.preflight.context import CheckContext
from checks.project.hcl_values import as_text
from checks.project.terraform import Terraform
from checks.project.terraform_files import TfBlock
from checks.project.terraform_values import count_of, exists, expanded_blocks, refs, truthy

ADMIN_POLICY = "AmazonEKSClusterAdminPolicy"
FIX = ("with access entries and bootstrap_cluster_creator_admin_permissions = false, keep an aws_eks_access_entry "
       "for the caller and an aws_eks_access_policy_association with policy_arn .../AmazonEKSClusterAdminPolicy "
       "and access_scope { type = \"cluster\" } (terraform/eks.tf); or set "
       "bootstrap_cluster_creator_admin_permissions = true")


def access_config(tf: Terraform, cluster: TfBlock) -> tuple[dict | None, str]:
    """(the access_config block that applies, or None when there is none; a note)."""
    found = expanded_blocks(tf, cluster, "access_config")
    dynamic = any(isinstance(d, dict) and "access_config" in d for d in cluster.body.get("dynamic") or [])
    how = "dynamic access_config" if dynamic else "access_config"
    if found is None:
        return {}, f"{how} (for_each known only after apply: assumed on)"
    if not found:
        return None, f"{how} off" if dynamic else "no access_config"
    return found[0], how


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
                    if truthy(tf.evaluate(module["enable_cluster_creator_admin_permissions"])):
                        return self.passed(f"module.{name}: enable_cluster_creator_admin_permissions = true")
                    if ADMIN_POLICY not in as_text(tf.evaluate(module.get("access_entries"))):
                        return self.failed(f"module.{name}: enable_cluster_creator_admin_permissions is not true "
                                           "and no access entry has AmazonEKSClusterAdminPolicy",
                                           fix="set enable_cluster_creator_admin_permissions = true")
            if tf.problems:
                return self.warned("unknown: terraform/ does not parse (config.files says where)", "\n".join(tf.errors))
            return self.skipped("no aws_eks_cluster in terraform/*.tf")
        cluster = clusters[0]
        config, how = access_config(tf, cluster)
        if config is None:
            return self.passed(f"aws_eks_cluster.{cluster.name}: {how}, so EKS makes the creator admin "
                               "(bootstrap_cluster_creator_admin_permissions defaults to true)")
        bootstrap = truthy(config.get("bootstrap_cluster_creator_admin_permissions", True))
        mode = as_text(config.get("authentication_mode", "CONFIG_MAP"))
        if bootstrap is not False:
            return self.passed(f"aws_eks_cluster.{cluster.name}: bootstrap_cluster_creator_admin_permissions "
                               f"{'true' if bootstrap else 'known only after apply'} ({how}, {mode})")
        if mode == "CONFIG_MAP":
            if tf.of_type("kubernetes_config_map") or tf.of_type("kubernetes_config_map_v1_data"):
                return self.passed("CONFIG_MAP authentication; the aws-auth ConfigMap is managed in Terraform")
            return self.failed(f"aws_eks_cluster.{cluster.name}: bootstrap_cluster_creator_admin_permissions = false "
                               "with authentication_mode CONFIG_MAP: nobody is mapped to cluster admin", fix=FIX)
        entries = {e.name: e for e in tf.of_type("aws_eks_access_entry") if exists(tf, e)}
        admin = []
        for assoc in tf.of_type("aws_eks_access_policy_association"):
            count = count_of(tf, assoc)
            if count == 0:
                continue
            key = 0 if count and ("count" in assoc.body or "for_each" in assoc.body) else None
            value = {k: tf.evaluate(assoc.body.get(k), assoc, key) for k in ("policy_arn", "principal_arn")}
            scope = (expanded_blocks(tf, assoc, "access_scope", key) or [{}])[0]
            if ADMIN_POLICY not in as_text(value["policy_arn"]) or as_text(scope.get("type")) != "cluster":
                continue
            principal = value["principal_arn"]
            linked = [n for n in refs(assoc.body.get("principal_arn"), "aws_eks_access_entry") if n in entries] or \
                [n for n, e in entries.items() if as_text(tf.evaluate(e.body.get("principal_arn"), e, 0))
                 == as_text(principal) and "${?}" not in as_text(principal)]
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
