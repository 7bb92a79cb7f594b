"""The policies Terraform attaches to a role, in every shape Terraform allows. Stand-ins: none (python-hcl2 on files written to tmp_path)."""

from __future__ import annotations

import json
from pathlib import Path

from checks import alb_policy
from checks.project import iam
from checks.project.terraform import Terraform
from checks.project.terraform_files import load_config

ROLE = '''
resource "aws_iam_role" "r" {
  name               = "ctrl"
  assume_role_policy = data.aws_iam_policy_document.trust.json
  managed_policy_arns = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  inline_policy {
    name   = "inline"
    policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["a:Inline"], Resource = "*" }] })
  }
}
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    condition {
      test     = "StringEquals"
      variable = "${aws_iam_openid_connect_provider.p.url}:sub"
      values   = ["system:serviceaccount:${local.ns}:ctrl"]
    }
  }
}
locals { ns = "kube-system" }
'''
SHAPES = '''
resource "aws_iam_policy" "file" {
  policy = file("${path.module}/p.json")
}
resource "aws_iam_policy" "tpl" {
  policy = templatefile("${path.module}/p.json.tpl", { action = "a:Template" })
}
resource "aws_iam_policy" "doc" {
  policy = data.aws_iam_policy_document.granted.json
}
data "aws_iam_policy_document" "base" {
  statement {
    sid     = "Base"
    actions = ["a:Overridden"]
  }
}
data "aws_iam_policy_document" "granted" {
  source_policy_documents   = [data.aws_iam_policy_document.base.json]
  override_policy_documents = [jsonencode({ Statement = [{ Sid = "Base", Effect = "Allow", Action = ["a:Override"] }] })]
  dynamic "statement" {
    for_each = toset(["a:Dyn1", "a:Dyn2"])
    content {
      actions   = [statement.value]
      resources = [aws_s3_bucket.b.arn]
    }
  }
}
resource "aws_iam_role_policy_attachment" "file" {
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.file.arn
}
resource "aws_iam_policy_attachment" "tpl" {
  name       = "tpl"
  roles      = [aws_iam_role.r.name]
  policy_arn = aws_iam_policy.tpl.arn
}
resource "aws_iam_role_policy_attachments_exclusive" "doc" {
  role_name   = "ctrl"
  policy_arns = [aws_iam_policy.doc.arn]
}
resource "aws_iam_role_policy" "heredoc" {
  role   = aws_iam_role.r.id
  policy = <<-EOT
    {"Statement": [{"Effect": "Allow", "Action": "a:Heredoc", "Resource": "*"}]}
  EOT
}
resource "aws_iam_role_policy" "other_role" {
  role   = "someone-else"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["a:NotMine"] }] })
}
'''


def load(tmp_path: Path) -> Terraform:
    (tmp_path / "role.tf").write_text(ROLE)
    (tmp_path / "shapes.tf").write_text(SHAPES)
    (tmp_path / "p.json").write_text(json.dumps({"Statement": [{"Effect": "Allow", "Action": "a:File"}]}))
    (tmp_path / "p.json.tpl").write_text('{"Statement": [{"Effect": "Allow", "Action": "${action}"}]}')
    return Terraform(load_config(tmp_path), data_hooks={"aws_iam_policy_document": iam.policy_document_hook})


def test_every_attachment_shape_reaches_the_role(tmp_path):
    tf = load(tmp_path)
    role = tf.find("aws_iam_role", "r")
    policies = iam.role_policies(tf, role)
    patterns = alb_policy.policy_actions([p.document for p in policies if p.document])
    for action in ("a:Inline", "a:File", "a:Template", "a:Override", "a:Dyn1", "a:Dyn2", "a:Heredoc"):
        assert alb_policy.covers(patterns, action), action
    assert not alb_policy.covers(patterns, "a:NotMine") and not alb_policy.covers(patterns, "a:Overridden")
    assert [p.managed_arn for p in policies if p.managed_arn] == ["arn:aws:iam::aws:policy/ReadOnlyAccess"]


def test_trust_policy_subjects_follow_locals(tmp_path):
    tf = load(tmp_path)
    assert [r.name for r in iam.roles_trusting(tf, "system:serviceaccount:kube-system:ctrl")] == ["r"]


def test_parts_known_only_after_apply_are_marked(tmp_path):
    tf = load(tmp_path)
    text = tf.evaluate("${data.aws_iam_policy_document.granted.json}")
    document, why = iam.document_of(text)
    assert not why and iam.UNKNOWN_MARK in json.dumps(document)  # the bucket ARN
    assert iam.document_of(tf.evaluate("${aws_iam_role.r.arn}")) == (None, "aws_iam_role.r.arn (known after apply)")
