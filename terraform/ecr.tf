# The ECR repository the Pet Store image is pushed to and the nodes pull from.

resource "aws_ecr_repository" "petstore" {
  # checkov:skip=CKV_AWS_51:tags are mutable so a re-run of the same commit can push again; images are tagged with the git commit
  # checkov:skip=CKV_AWS_136:encrypted with AES256 (ECR-managed keys); a customer KMS key adds cost and nothing for this image
  name                 = var.ecr_repository_name
  image_tag_mutability = var.ecr_image_tag_mutability
  force_delete         = var.ecr_force_delete

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "AES256"
  }
}

resource "aws_ecr_lifecycle_policy" "petstore" {
  repository = aws_ecr_repository.petstore.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images after ${var.ecr_untagged_expiry_days} days"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.ecr_untagged_expiry_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the last ${var.ecr_keep_image_count} images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.ecr_keep_image_count
        }
        action = { type = "expire" }
      },
    ]
  })
}
