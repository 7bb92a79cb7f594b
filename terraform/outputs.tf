# Every output is defined here and only here (a second definition elsewhere is the
# "An output named ... was already defined" failure). The runbook reads them with
# `terraform output -json` to fill the manifests and Helm values.

output "cluster_name" {
  description = "EKS cluster name (Helm clusterName, aws eks update-kubeconfig --name)."
  value       = aws_eks_cluster.this.name
}

output "region" {
  description = "AWS region (Helm region)."
  value       = var.region
}

output "account_id" {
  description = "AWS account the stack lives in."
  value       = data.aws_caller_identity.current.account_id
}

output "kubernetes_version" {
  description = "Kubernetes version of the cluster."
  value       = aws_eks_cluster.this.version
}

output "vpc_id" {
  description = "VPC id (Helm vpcId)."
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "Public subnet ids (internet-facing load balancers)."
  value       = aws_subnet.public[*].id
}

output "private_subnet_ids" {
  description = "Private subnet ids (nodes, internal load balancers)."
  value       = aws_subnet.private[*].id
}

output "cluster_endpoint" {
  description = "Kubernetes API endpoint."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_oidc_issuer_url" {
  description = "The cluster's OIDC issuer URL."
  value       = aws_eks_cluster.this.identity[0].oidc[0].issuer
}

output "oidc_provider_arn" {
  description = "IAM OIDC provider ARN that IRSA roles trust."
  value       = aws_iam_openid_connect_provider.eks.arn
}

output "node_group_name" {
  description = "Managed node group name."
  value       = aws_eks_node_group.default.node_group_name
}

output "node_ami_type" {
  description = "AMI type of the node group: the image is built for its architecture."
  value       = aws_eks_node_group.default.ami_type
}

output "node_instance_types" {
  description = "Instance types of the node group (their architecture, when the AMI type does not say)."
  value       = aws_eks_node_group.default.instance_types
}

output "ecr_repository_url" {
  description = "ECR repository URL: the image is <url>:<tag>."
  value       = aws_ecr_repository.petstore.repository_url
}

output "lb_controller_role_arn" {
  description = "IAM role ARN for the controller's ServiceAccount annotation eks.amazonaws.com/role-arn."
  value       = aws_iam_role.lb_controller.arn
}
