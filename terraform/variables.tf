variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "cluster_name" {
  description = "Name of the EKS cluster; also used in subnet discovery tags and resource names."
  type        = string
  default     = "petstore-eks"

  validation {
    condition     = can(regex("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must start with a letter or digit and hold at most 100 letters, digits, hyphens and underscores."
  }
}

variable "kubernetes_version" {
  description = "EKS Kubernetes version. Pick one in standard support when deploying (aws eks describe-cluster-versions); 1.28 of the first deployment is out of support."
  type        = string
  default     = "1.35"

  validation {
    condition     = can(regex("^1\\.[0-9]+$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.35 (major.minor)."
  }
}

variable "environment" {
  description = "development (one NAT gateway) or production (one NAT gateway per availability zone)."
  type        = string
  default     = "development"

  validation {
    condition     = contains(["development", "production"], var.environment)
    error_message = "environment must be \"development\" or \"production\"."
  }
}

variable "enable_eks_addons" {
  description = "Manage the CoreDNS, kube-proxy and VPC CNI add-ons. Off only for the AWS emulator, which does not implement add-ons."
  type        = bool
  default     = true
}

variable "enable_access_entries" {
  description = "Use EKS access entries (authentication mode API_AND_CONFIG_MAP) and give the identity running Terraform cluster-admin, so kubectl works right after creation. Off only for the AWS emulator, which implements neither access entries nor access_config."
  type        = bool
  default     = true
}

variable "cluster_endpoint_public_access_cidrs" {
  description = "CIDR blocks allowed to reach the public Kubernetes API endpoint. Narrow this to your own addresses where you can."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.cluster_endpoint_public_access_cidrs) > 0 && alltrue([for cidr in var.cluster_endpoint_public_access_cidrs : can(cidrhost(cidr, 0))])
    error_message = "cluster_endpoint_public_access_cidrs must hold at least one valid CIDR block."
  }
}

variable "cluster_enabled_log_types" {
  description = "Control plane log types sent to CloudWatch Logs."
  type        = list(string)
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
}

variable "node_instance_type" {
  description = "EC2 instance type of the managed node group."
  type        = string
  default     = "t3.small"
}

variable "node_min_size" {
  description = "Minimum number of nodes."
  type        = number
  default     = 2
}

variable "node_desired_size" {
  description = "Desired number of nodes."
  type        = number
  default     = 2
}

variable "node_max_size" {
  description = "Maximum number of nodes."
  type        = number
  default     = 5

  validation {
    condition     = var.node_max_size >= 1
    error_message = "node_max_size must be at least 1."
  }
}

variable "oidc_thumbprints" {
  description = "Thumbprints of the OIDC issuer's root CA. IAM trusts the EKS issuer through its own CA library, but the API still wants a value; this is the well-known root used by EKS issuers. (No tls provider is available offline to compute it.)"
  type        = list(string)
  default     = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}

variable "ecr_repository_name" {
  description = "Name of the ECR repository for the Pet Store image."
  type        = string
  default     = "petstore"
}

variable "ecr_image_tag_mutability" {
  description = "MUTABLE lets a tag such as latest be pushed again; IMMUTABLE refuses it (push unique tags then)."
  type        = string
  default     = "MUTABLE"

  validation {
    condition     = contains(["MUTABLE", "IMMUTABLE"], var.ecr_image_tag_mutability)
    error_message = "ecr_image_tag_mutability must be MUTABLE or IMMUTABLE."
  }
}

variable "ecr_keep_image_count" {
  description = "The lifecycle policy keeps this many most recent images."
  type        = number
  default     = 30
}

variable "ecr_untagged_expiry_days" {
  description = "The lifecycle policy expires untagged images after this many days."
  type        = number
  default     = 7
}

variable "ecr_force_delete" {
  description = "Let terraform destroy delete the repository even when it still holds images (cleanup removes everything)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags applied to every resource (through the provider's default_tags)."
  type        = map(string)
  default = {
    Project   = "petstore"
    ManagedBy = "terraform"
  }
}
