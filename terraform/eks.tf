# The EKS cluster, its security groups, the managed node group, add-ons, access entries
# and the OIDC provider that IRSA roles trust.

# --- Security groups -------------------------------------------------------------------
# The control plane gets this group beside the one EKS creates; nodes get their own group
# through the launch template. Every rule between them is declared here, once: a second
# copy of any of them is the "duplicate Security Group rule" failure.

resource "aws_security_group" "cluster" {
  name_prefix = "${var.cluster_name}-cluster-"
  description = "EKS control plane: API access from the nodes"
  vpc_id      = aws_vpc.this.id

  tags = { Name = "${var.cluster_name}-cluster" }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_security_group" "node" {
  name_prefix = "${var.cluster_name}-node-"
  description = "EKS managed node group"
  vpc_id      = aws_vpc.this.id

  tags = merge(local.cluster_subnet_tag, { Name = "${var.cluster_name}-node" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "cluster_from_nodes_443" {
  security_group_id            = aws_security_group.cluster.id
  description                  = "Nodes to the Kubernetes API"
  referenced_security_group_id = aws_security_group.node.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_ingress_rule" "node_from_cluster_443" {
  security_group_id            = aws_security_group.node.id
  description                  = "Control plane to node extension API servers"
  referenced_security_group_id = aws_security_group.cluster.id
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
}

resource "aws_vpc_security_group_ingress_rule" "node_from_cluster_kubelet" {
  security_group_id            = aws_security_group.node.id
  description                  = "Control plane to kubelet"
  referenced_security_group_id = aws_security_group.cluster.id
  ip_protocol                  = "tcp"
  from_port                    = 10250
  to_port                      = 10250
}

# The AWS Load Balancer Controller's admission webhook listens on 9443: without this rule
# creating an Ingress or Service times out calling the webhook.
resource "aws_vpc_security_group_ingress_rule" "node_from_cluster_webhook_9443" {
  security_group_id            = aws_security_group.node.id
  description                  = "Control plane to the AWS Load Balancer Controller webhook"
  referenced_security_group_id = aws_security_group.cluster.id
  ip_protocol                  = "tcp"
  from_port                    = 9443
  to_port                      = 9443
}

resource "aws_vpc_security_group_ingress_rule" "node_from_node" {
  security_group_id            = aws_security_group.node.id
  description                  = "Node to node: pod networking, CoreDNS"
  referenced_security_group_id = aws_security_group.node.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "node_all" {
  security_group_id = aws_security_group.node.id
  description       = "Nodes to the internet through NAT (image pulls, AWS APIs)"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

# --- Cluster ---------------------------------------------------------------------------

resource "aws_eks_cluster" "this" {
  # checkov:skip=CKV_AWS_39:the public endpoint is deliberate; a private-only endpoint locked kubectl out on the first deployment
  # checkov:skip=CKV_AWS_38:public access CIDRs are a variable (cluster_endpoint_public_access_cidrs) the operator narrows per account
  # checkov:skip=CKV_AWS_58:Kubernetes secrets envelope encryption needs a customer KMS key; the app's only secret is DATABASE_URL, kept out of git
  # checkov:skip=CKV_AWS_339:the version is var.kubernetes_version, validated against EKS standard support by preflight; checkov's list lags EKS releases
  name                      = var.cluster_name
  version                   = var.kubernetes_version
  role_arn                  = aws_iam_role.cluster.arn
  enabled_cluster_log_types = var.cluster_enabled_log_types

  vpc_config {
    subnet_ids              = concat(aws_subnet.private[*].id, aws_subnet.public[*].id)
    security_group_ids      = [aws_security_group.cluster.id]
    endpoint_private_access = true
    # A private-only endpoint left kubectl unable to reach the cluster the first time.
    endpoint_public_access = true
    public_access_cidrs    = var.cluster_endpoint_public_access_cidrs
  }

  # The emulator neither keeps nor accepts access_config, so it exists only with access
  # entries. The creator's admin comes from the explicit entry below, not the bootstrap.
  dynamic "access_config" {
    for_each = var.enable_access_entries ? [1] : []
    content {
      authentication_mode                         = "API_AND_CONFIG_MAP"
      bootstrap_cluster_creator_admin_permissions = false
    }
  }

  depends_on = [aws_iam_role_policy_attachment.cluster]
}

# --- Access for the identity that runs Terraform ----------------------------------------

# For an assumed role, the caller ARN names the session (arn:aws:sts::...:assumed-role/R/S);
# access entries want the role itself (arn:aws:iam::...:role/R).
data "aws_iam_session_context" "current" {
  count = var.enable_access_entries ? 1 : 0

  arn = data.aws_caller_identity.current.arn
}

resource "aws_eks_access_entry" "creator" {
  count = var.enable_access_entries ? 1 : 0

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = data.aws_iam_session_context.current[0].issuer_arn
  type          = "STANDARD"
}

resource "aws_eks_access_policy_association" "creator_admin" {
  count = var.enable_access_entries ? 1 : 0

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.creator[0].principal_arn
  policy_arn    = "arn:${data.aws_partition.current.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

# --- Nodes -----------------------------------------------------------------------------

resource "aws_launch_template" "node" {
  name_prefix            = "${var.cluster_name}-node-"
  description            = "EKS managed node group: node security group and IMDSv2"
  update_default_version = true
  vpc_security_group_ids = [aws_security_group.node.id]

  # IMDSv2 only, and a hop limit of 1 so pods cannot borrow the node role. The controller
  # gets credentials through IRSA and its region and VPC id from Helm values, so it does
  # not need instance metadata.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.cluster_name}-node" })
  }
}

resource "aws_eks_node_group" "default" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.cluster_name}-nodes"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = aws_subnet.private[*].id
  instance_types  = [var.node_instance_type]
  ami_type        = "AL2023_x86_64_STANDARD"
  capacity_type   = "ON_DEMAND"

  scaling_config {
    min_size     = var.node_min_size
    desired_size = var.node_desired_size
    max_size     = var.node_max_size
  }

  update_config {
    max_unavailable = 1
  }

  launch_template {
    id      = aws_launch_template.node.id
    version = aws_launch_template.node.latest_version
  }

  depends_on = [
    aws_iam_role_policy_attachment.node,
    aws_route_table_association.private,
    aws_vpc_security_group_ingress_rule.cluster_from_nodes_443,
    aws_vpc_security_group_egress_rule.node_all,
  ]

  lifecycle {
    # The cluster autoscaler or an operator may change the count; do not fight it.
    ignore_changes = [scaling_config[0].desired_size]
  }
}

# --- Add-ons ---------------------------------------------------------------------------

resource "aws_eks_addon" "this" {
  for_each = var.enable_eks_addons ? toset(["vpc-cni", "kube-proxy", "coredns"]) : toset([])

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  # CoreDNS needs nodes to become ACTIVE.
  depends_on = [aws_eks_node_group.default]
}

# --- OIDC provider (IRSA) ----------------------------------------------------------------

resource "aws_iam_openid_connect_provider" "eks" {
  url             = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.oidc_thumbprints

  tags = { Name = "${var.cluster_name}-oidc" }
}
