# Values for the real deployment. The sandbox overrides what the emulator cannot do with
# -var arguments (petstore_tui/services/terraform_sandbox.py), never by editing this file.
region             = "us-east-1"
cluster_name       = "petstore-eks"
kubernetes_version = "1.35"
environment        = "development"

enable_eks_addons     = true
enable_access_entries = true

# Narrow to the addresses you run kubectl from, e.g. ["203.0.113.10/32"].
cluster_endpoint_public_access_cidrs = ["0.0.0.0/0"]

node_instance_type = "t3.small"
node_min_size      = 2
node_desired_size  = 2
node_max_size      = 5

tags = {
  Project   = "petstore"
  ManagedBy = "terraform"
}
