"""config.duplicate-outputs (checks/preflight/config/duplicate_outputs.py): an output
declared twice, which `terraform plan` refuses."""

from __future__ import annotations

from checks.preflight.config.duplicate_outputs import DuplicateOutputsCheck
from tests.support.plants import Plants
from tests.support.project_copy import append

PLANTS = Plants(DuplicateOutputsCheck)


@PLANTS.defect("terraform-duplicate-output")
def duplicate_output_in_main_tf(r):
    append(r / "terraform/main.tf",
           '\noutput "cluster_endpoint" {\n  value = aws_eks_cluster.this.endpoint\n}\n')


@PLANTS.defect("terraform-duplicate-output")
def duplicate_vpc_id_output_in_main_tf(r):
    append(r / "terraform/main.tf", '\noutput "vpc_id" {\n  value = aws_vpc.this.id\n}\n')


@PLANTS.defect("terraform-duplicate-output")
def duplicate_output_in_network_tf(r):
    append(r / "terraform/network.tf",
           '\noutput "vpc_id" {\n  description = "VPC id"\n  value       = aws_vpc.this.id\n}\n')


test_plant_on_a_copy = PLANTS.test()
