"""config.eks-version (checks/preflight/config/eks_version.py): the Kubernetes version
Terraform would ask EKS for, from wherever Terraform takes it (tfvars, *.auto.tfvars in
lexical order, the environment, a literal), is one EKS still creates."""

from __future__ import annotations

from checks.preflight.config.eks_version import EksVersionCheck
from tests.support.plants import Plants
from tests.support.project_copy import edit

PLANTS = Plants(EksVersionCheck)
TFVARS = "terraform/terraform.tfvars"
VERSION = 'kubernetes_version = "1.35"'


@PLANTS.defect("terraform-unsupported-eks-version")
def k8s_version_1_24(r):
    edit(r / TFVARS, VERSION, 'kubernetes_version = "1.24"')


@PLANTS.defect("terraform-unsupported-eks-version")
def k8s_version_1_28(r):
    edit(r / TFVARS, VERSION, 'kubernetes_version = "1.28"')


@PLANTS.defect("terraform-unsupported-eks-version")
def k8s_version_1_29_hardcoded_in_eks_tf(r):
    edit(r / "terraform/eks.tf", "version                   = var.kubernetes_version",
         'version                   = "1.29"')


@PLANTS.defect("terraform-unsupported-eks-version")
def k8s_version_1_29_unquoted_in_tfvars(r):
    edit(r / TFVARS, VERSION, "kubernetes_version = 1.29")


@PLANTS.defect("terraform-unsupported-eks-version")
def k8s_version_1_28_in_auto_tfvars(r):
    # an *.auto.tfvars file is loaded after terraform.tfvars and wins
    (r / "terraform/local.auto.tfvars").write_text('kubernetes_version = "1.28"\n')


@PLANTS.defect("terraform-unsupported-eks-version")
def k8s_version_1_28_in_zz_auto_tfvars(r):
    (r / "terraform/zz.auto.tfvars").write_text('kubernetes_version = "1.28"\n')


@PLANTS.defect("terraform-unsupported-eks-version")
def auto_tfvars_lexical_order_old_last(r):
    (r / "terraform/a.auto.tfvars").write_text('kubernetes_version = "1.35"\n')
    (r / "terraform/b.auto.tfvars.json").write_text('{"kubernetes_version": "1.28"}\n')


@PLANTS.defect("terraform-unsupported-eks-version", says="environment",
               env={"TF_VAR_kubernetes_version": "1.28"})
def eks_version_from_the_environment(r):
    edit(r / TFVARS, VERSION + "\n", "")


@PLANTS.harmless()
def ok_auto_tfvars_fixes_old_tfvars(r):
    edit(r / TFVARS, VERSION, 'kubernetes_version = "1.28"')
    (r / "terraform/override.auto.tfvars").write_text('kubernetes_version = "1.35"\n')


@PLANTS.harmless(env={"TF_VAR_kubernetes_version": "1.28"})
def ok_environment_below_tfvars(r):
    pass  # TF_VAR_kubernetes_version=1.28 is set, but terraform.tfvars wins (docs/knowledge/terraform.md)


test_plant_on_a_copy = PLANTS.test()
