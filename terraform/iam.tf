# IAM roles: the cluster, the nodes (including ECR pulls) and the AWS Load Balancer
# Controller through IRSA, with the controller's complete published policy.

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name_prefix        = "${substr(var.cluster_name, 0, 24)}-cluster-"
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name_prefix        = "${substr(var.cluster_name, 0, 24)}-node-"
  assume_role_policy = data.aws_iam_policy_document.node_assume.json
}

# AmazonEC2ContainerRegistryReadOnly: without it pods cannot pull the image from ECR.
resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
  ])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/${each.key}"
}

# --- AWS Load Balancer Controller (IRSA) -------------------------------------------------

data "aws_iam_policy_document" "lb_controller_assume" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.eks.arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer_host}:sub"
      values   = ["system:serviceaccount:${local.lb_controller_namespace}:${local.lb_controller_service_account}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lb_controller" {
  name_prefix        = "${substr(var.cluster_name, 0, 20)}-lb-ctrl-"
  description        = "AWS Load Balancer Controller (${local.lb_controller_namespace}/${local.lb_controller_service_account})"
  assume_role_policy = data.aws_iam_policy_document.lb_controller_assume.json
}

# The controller's own published policy, verbatim (policies/README.md says which release).
# There is no AWS-managed policy for it; an older copy lacks actions newer releases need,
# such as elasticloadbalancing:AddTags at create time.
resource "aws_iam_policy" "lb_controller" {
  name_prefix = "${substr(var.cluster_name, 0, 20)}-AWSLoadBalancerController-"
  description = "AWS Load Balancer Controller, from the controller project's iam_policy.json"
  policy      = file("${path.module}/policies/aws-load-balancer-controller.json")
}

resource "aws_iam_role_policy_attachment" "lb_controller" {
  role       = aws_iam_role.lb_controller.name
  policy_arn = aws_iam_policy.lb_controller.arn
}
