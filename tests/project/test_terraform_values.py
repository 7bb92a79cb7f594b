"""Terraform values as a plan sees them: expressions, variable precedence (defaults, TF_VAR_, tfvars, *.auto.tfvars, -var and -var-file in order), types, locals, instances and references. Stand-ins: none (python-hcl2 on files written to tmp_path)."""

from __future__ import annotations

from pathlib import Path

import pytest

from checks.project.hcl_eval import Scope, evaluate_string
from checks.project.hcl_values import Unknown, as_text, is_unknown
from checks.project.terraform import Terraform
from checks.project.terraform_files import load_config

VARIABLES = '''
variable "size" {
  type    = number
  default = 1
}
variable "name" {
  type    = string
  default = "from-default"
}
variable "flags" {
  type = object({
    public = optional(bool, true)
    zones  = optional(list(string), ["a", "b"])
  })
  default = {}
}
variable "unset" {
  type = string
}
'''


def folder(tmp_path: Path, **files: str) -> Path:
    for name, text in {"variables.tf": VARIABLES, **files}.items():
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.mark.parametrize("text, value", [
    ('${merge({a = 1}, {b = "x"})}', {"a": 1, "b": "x"}),
    ('${[for s in ["a", "b"] : upper(s) if s != "b"]}', ["A"]),
    ('${{for k, v in {x = 1, y = 2} : k => v * 2}}', {"x": 2, "y": 4}),
    ('${length(slice(["a", "b", "c", "d"], 1, 3))}', 2),
    ('${cidrsubnet("10.0.0.0/16", 8, 101)}', "10.0.101.0/24"),
    ('${true ? "yes" : "no"}', "yes"),
    ('pre-${1 + 2}-post', "pre-3-post"),
    ('%{ for x in ["a", "b"] }${x};%{ endfor }', "a;b;"),
    ('${jsonencode({Action = ["s3:GetObject"]})}', '{"Action":["s3:GetObject"]}'),
    ('${lookup({a = 1}, "b", "none")}', "none"),
    ('<<-EOT\n    {"a": "${"b"}"}\n  EOT', '{"a": "b"}\n'),
])
def test_expressions(text, value):
    assert evaluate_string(text, Scope({})) == value


def test_unknowns_propagate_and_keep_what_is_known():
    scope = Scope({}, resolve_ref=lambda path: Unknown(".".join(map(str, path)), ref=path))
    assert is_unknown(evaluate_string("${aws_vpc.this.id}", scope))
    zones = evaluate_string("${slice(data.aws_availability_zones.x.names, 0, 3)}", scope)
    assert len(zones) == 3 and all(is_unknown(z) for z in zones) and zones[1].ref[-1] == 1
    arn = evaluate_string("arn:${data.aws_partition.p.partition}:iam::aws:policy/X", scope)
    assert is_unknown(arn) and as_text(arn) == "arn:${?}:iam::aws:policy/X"
    doc = evaluate_string('${jsonencode({Action = ["a:B"], Resource = aws_s3_bucket.b.arn})}', scope)
    assert is_unknown(doc) and doc.partial["Action"] == ["a:B"]
    assert is_unknown(evaluate_string("${unknownfunction(1)}", scope))


def test_precedence_of_every_source(tmp_path):
    folder(tmp_path, **{"terraform.tfvars": 'name = "tfvars"\n', "b.auto.tfvars": 'name = "auto-b"\n',
                        "a.auto.tfvars.json": '{"name": "auto-a", "size": "3"}\n', "extra.tfvars": 'name = "file"\n'})
    config = load_config(tmp_path)
    env = {"TF_VAR_name": "env", "TF_VAR_size": "7"}
    assert Terraform(config, env).value("name") == "auto-b"  # the last *.auto.tfvars in lexical order
    assert Terraform(config, env).value("size") == 3  # auto json over env, "3" converted to the number type
    assert Terraform(config, env).value_source("size") == "a.auto.tfvars.json"
    cli = Terraform(config, env, cli=[("var", "name=cli"), ("var-file", "extra.tfvars")])
    assert cli.value("name") == "file" and cli.value_source("name") == "-var-file extra.tfvars"  # order given
    cli = Terraform(config, env, cli=[("var-file", "extra.tfvars"), ("var", "name=cli")])
    assert cli.value("name") == "cli"
    bare = tmp_path / "bare"
    bare.mkdir()
    assert Terraform(load_config(folder(bare)), {"TF_VAR_size": "7"}).value("size") == 7  # env over the default


def test_types_optional_attributes_and_unset_values(tmp_path):
    tf = Terraform(load_config(folder(tmp_path, **{"terraform.tfvars": "flags = { public = false }\n"})))
    assert tf.value("flags") == {"public": False, "zones": ["a", "b"]}
    assert is_unknown(tf.value("unset")) and "no value" in tf.value("unset").why
    assert Terraform(load_config(tmp_path), cli=[("var", "flags={zones = [\"c\"]}")]).value("flags") == \
        {"zones": ["c"], "public": True}


def test_locals_instances_and_references(tmp_path):
    folder(tmp_path, **{"main.tf": '''
locals {
  azs   = slice(data.aws_availability_zones.available.names, 0, 2)
  names = { for i, az in local.azs : "s${i}" => i }
  loop  = local.loop
}
resource "aws_subnet" "s" {
  count             = length(local.azs)
  availability_zone = local.azs[count.index]
  cidr_block        = "10.0.${count.index}.0/24"
  tags              = { Name = "s-${count.index}" }
}
resource "aws_eks_cluster" "c" {
  name = "${var.name}-eks"
}
'''})
    tf = Terraform(load_config(tmp_path))
    subnet = tf.find("aws_subnet", "s")
    assert tf.instances(subnet) == [0, 1]
    assert tf.evaluate(subnet.body["tags"], subnet, 1) == {"Name": "s-1"}
    assert tf.evaluate("${aws_eks_cluster.c.name}") == "from-default-eks"  # a configured argument
    assert tf.evaluate("${aws_subnet.s[1].cidr_block}") == "10.0.1.0/24"
    ids = tf.evaluate("${aws_subnet.s[*].id}")
    assert [i.ref for i in ids] == [("aws_subnet", "s", 0, "id"), ("aws_subnet", "s", 1, "id")]
    assert is_unknown(tf.local("loop")) and "itself" in tf.local("loop").why
    assert tf.local("names") == {"s0": 0, "s1": 1}


def test_a_file_that_does_not_parse_is_a_problem_with_its_line(tmp_path):
    folder(tmp_path, **{"broken.tf": 'resource "a" "b" {\n  x =\n}\n', "terraform.tfvars": "size = \n"})
    problems = {p.file: p for p in load_config(tmp_path).problems}
    assert problems["terraform/broken.tf"].line == 2
    assert problems["terraform/terraform.tfvars"].line == 1


def test_checks_in_threads_share_one_evaluation_of_a_local(tmp_path, monkeypatch):
    """Preflight's config checks run in threads over one Terraform: a thread must wait for
    a local another thread is evaluating, never take it for a self-reference (which was
    then remembered as Unknown: 'no aws_subnet' for every later check of that run)."""
    import threading
    import time

    folder(tmp_path, **{"main.tf": 'locals {\n  zones = ["a", "b"]\n}\n'})
    tf = Terraform(load_config(tmp_path))
    evaluate = Terraform.evaluate
    first = threading.Event()

    def slow_evaluate(self, raw, *args, **kwargs):
        if not first.is_set():
            first.set()
            time.sleep(0.3)  # the other thread asks for the same local meanwhile
        return evaluate(self, raw, *args, **kwargs)

    monkeypatch.setattr(Terraform, "evaluate", slow_evaluate)
    seen: list = []
    threads = [threading.Thread(target=lambda: seen.append(tf.local("zones"))) for _ in range(2)]
    threads[0].start()
    first.wait(5)
    threads[1].start()
    for thread in threads:
        thread.join(10)
    assert seen == [["a", "b"], ["a", "b"]]
