# The Pet Store platform: network, EKS cluster and node group, IAM (cluster, nodes and the
# AWS Load Balancer Controller through IRSA) and the ECR repository. Provider resources
# only, split by concern: network.tf, eks.tf, iam.tf, ecr.tf. Outputs live in outputs.tf.
#
# The sandbox (moto_server) never edits these files: it copies the folder and adds a
# sandbox_override.tf (petstore_tui/services/terraform_sandbox.py).

provider "aws" {
  region = var.region

  default_tags {
    tags = merge(var.tags, { Environment = var.environment })
  }
}

data "aws_availability_zones" "available" {
  # checkov:skip=CKV_AWS_394:the three subnets take the first three available zones of the region on purpose
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  azs = slice(data.aws_availability_zones.available.names, 0, 3)

  # One NAT gateway in development; one per availability zone in production, so losing a
  # zone does not cut the other zones' nodes off the internet (image pulls, AWS APIs).
  nat_gateway_count = var.environment == "production" ? length(local.azs) : 1

  cluster_subnet_tag = { "kubernetes.io/cluster/${var.cluster_name}" = "shared" }

  oidc_issuer_host = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")

  lb_controller_namespace       = "kube-system"
  lb_controller_service_account = "aws-load-balancer-controller"
}
