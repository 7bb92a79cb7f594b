terraform {
  # The runbook runs `terraform init -json`, new in Terraform 1.9.0 (docs/knowledge/terraform.md).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.40 or later for access entries and bootstrap_cluster_creator_admin_permissions;
      # the offline mirror holds 5.100.0.
      version = "~> 5.40"
    }
  }
}
