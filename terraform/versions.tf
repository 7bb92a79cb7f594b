terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source = "hashicorp/aws"
      # 5.40 or later for access entries and bootstrap_cluster_creator_admin_permissions;
      # the offline mirror holds 5.100.0.
      version = "~> 5.40"
    }
  }
}
