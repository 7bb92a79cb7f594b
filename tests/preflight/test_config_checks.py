"""Config checks on this repository (all pass) and on copies with one defect planted each (fake kubectl on PATH, or the real one, for `kubectl kustomize`)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from checks.model import Status
from checks.preflight.config.controller_policy import ControllerPolicyFileCheck
from checks.preflight.config.dockerfile_user import DockerfileUserCheck
from checks.preflight.config.duplicate_outputs import DuplicateOutputsCheck
from checks.preflight.config.eks_version import EksVersionCheck
from checks.preflight.config.flask_werkzeug import FlaskWerkzeugCheck
from checks.preflight.config.helm_values import HelmValuesCheck
from checks.preflight.config.ingress_class import IngressClassNameCheck
from checks.preflight.config.ingress_subnets import IngressSubnetsCheck
from checks.preflight.config.public_endpoint import PublicEndpointCheck
from checks.preflight.config.readonly_sqlite import ReadonlySqliteCheck
from checks.preflight.registry import ALL_CHECKS
from checks.preflight.runner import run_check
from tests.preflight.conftest import REPO, make_ctx

CONFIG_CHECKS = [c for c in ALL_CHECKS if c.group == "config"]


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path} (the repository changed: update the planted defect)"
    path.write_text(text.replace(old, new, count))


def sub(path: Path, pattern: str, new: str) -> None:
    text = path.read_text()
    changed, n = re.subn(pattern, new, text, flags=re.M)
    assert n, f"{pattern!r} not in {path}"
    path.write_text(changed)


@pytest.mark.parametrize("check", CONFIG_CHECKS, ids=lambda c: c.id)
async def test_config_checks_pass_on_this_repository(check):
    """No stand-in: this checkout's real terraform/, kubernetes/, docker/, petstore-app/ (and
    the machine's kubectl for kustomize when present)."""
    result = await run_check(check(), make_ctx(REPO))
    assert result.status == Status.PASS, f"{result.summary}\n{result.detail}"


@pytest.mark.parametrize("check", CONFIG_CHECKS, ids=lambda c: c.id)
async def test_config_checks_pass_on_a_plain_copy(project, check):
    """No stand-in: an unmodified copy passes, so each defect test below fails for its defect."""
    result = await run_check(check(), make_ctx(project))
    assert result.status == Status.PASS, f"{result.summary}\n{result.detail}"


def _untag_public(p: Path) -> None:
    sub(p / "terraform/network.tf", r'^\s*"kubernetes.io/role/elb"\s*=\s*"1"\s*\n', "")


def _untag_public_and_drop_internet_route(p: Path) -> None:
    """No role tag, and the public route table no longer reaches the internet gateway:
    controller v3.5.0's reachability fallback finds no public subnet either."""
    _untag_public(p)
    sub(p / "terraform/network.tf", r'  route \{\n    cidr_block = "0.0.0.0/0"\n    gateway_id = aws_internet_gateway\.this\.id\n  \}\n', "")


def _private_endpoint(p: Path) -> None:
    sub(p / "terraform/eks.tf", r"endpoint_public_access\s*=\s*true", "endpoint_public_access = false")


def _old_policy(p: Path) -> None:
    path = p / "terraform/policies/aws-load-balancer-controller.json"
    doc = json.loads(path.read_text())
    for stmt in doc["Statement"]:
        stmt["Action"] = [a for a in ([stmt["Action"]] if isinstance(stmt["Action"], str) else stmt["Action"])
                          if a not in ("elasticloadbalancing:DescribeListenerAttributes", "ec2:DescribeRouteTables")]
    path.write_text(json.dumps(doc))


def _duplicate_output(p: Path) -> None:
    with (p / "terraform/main.tf").open("a") as fh:
        fh.write('\noutput "vpc_id" {\n  value = aws_vpc.this.id\n}\n')


def _old_eks_version(p: Path) -> None:
    sub(p / "terraform/terraform.tfvars", r'^kubernetes_version\s*=\s*"[0-9.]+"', 'kubernetes_version = "1.28"')


def _user_before_chown(p: Path) -> None:
    path = p / "docker/Dockerfile"
    lines = path.read_text().splitlines(keepends=True)
    user = next(i for i, line in enumerate(lines) if line.startswith("USER "))
    run = next(i for i, line in enumerate(lines) if line.startswith("RUN ") and "chown" in "".join(lines[i:i + 3]))
    user_line = lines.pop(user)
    lines.insert(run, user_line)
    path.write_text("".join(lines))


def _no_chown(p: Path) -> None:
    sub(p / "docker/Dockerfile", r"&& chown -R \S+ /app\s*\\?\n", "")


def _flask_22_werkzeug_3(p: Path) -> None:
    app = p / "petstore-app"
    (app / "requirements.lock").unlink()
    (app / "requirements.txt").unlink(missing_ok=True)
    (app / "requirements.in").write_text("flask==2.2.5\ngunicorn\n")


def _old_ingress_annotation(p: Path) -> None:
    path = p / "kubernetes/base/ingress.yaml"
    edit(path, "  ingressClassName: alb\n", "")
    edit(path, "  annotations:\n", "  annotations:\n    kubernetes.io/ingress.class: alb\n")


def _subnets_in_one_zone(p: Path) -> None:
    path = p / "terraform/network.tf"
    text = path.read_text()
    start = text.index('resource "aws_subnet" "public"')
    block_end = text.index("\n}\n", start)
    block = re.sub(r"count\s*=\s*length\(local\.azs\)", "count = 1", text[start:block_end])
    path.write_text(text[:start] + block + text[block_end:])


def _no_data_volume(p: Path) -> None:
    path = p / "kubernetes/base/deployment.yaml"
    sub(path, r"^\s*- name: data\n\s*mountPath: /app/data\n", "")


def _helm_region_hardcoded(p: Path) -> None:
    sub(p / "kubernetes/controller/values.yaml", r"^region:.*$", "region: eu-west-1")


def _helm_vpc_hardcoded(p: Path) -> None:
    sub(p / "kubernetes/controller/values.yaml", r"^vpcId:.*$", "vpcId: vpc-0123456789abcdef0")


DEFECTS = [
    (_untag_public_and_drop_internet_route, IngressSubnetsCheck, "alb-controller-subnet-discovery-failed"),
    (_private_endpoint, PublicEndpointCheck, None),
    (_old_policy, ControllerPolicyFileCheck, "alb-controller-iam-denied"),
    (_duplicate_output, DuplicateOutputsCheck, "terraform-duplicate-output"),
    (_old_eks_version, EksVersionCheck, None),
    (_user_before_chown, DockerfileUserCheck, "sqlite-readonly-database"),
    (_no_chown, DockerfileUserCheck, "sqlite-readonly-database"),
    (_flask_22_werkzeug_3, FlaskWerkzeugCheck, "werkzeug-url-quote-import-error"),
    (_old_ingress_annotation, IngressClassNameCheck, None),
    (_subnets_in_one_zone, IngressSubnetsCheck, "alb-controller-subnet-discovery-failed"),
    (_no_data_volume, ReadonlySqliteCheck, "sqlite-readonly-database"),
    (_helm_region_hardcoded, HelmValuesCheck, None),
    (_helm_vpc_hardcoded, HelmValuesCheck, None),
]


@pytest.mark.parametrize("plant, check, failure_id", DEFECTS, ids=lambda x: getattr(x, "__name__", None))
async def test_planted_defect_fails_its_check(project, plant, check, failure_id):
    """No stand-in: a copy of this repository with one defect planted."""
    plant(project)
    result = await run_check(check(), make_ctx(project))
    assert result.status == Status.FAIL, f"{result.summary}\n{result.detail}"
    assert result.fix
    if failure_id:
        assert result.failure_id == failure_id


async def test_manifests_read_from_files_without_kubectl(project, fake_tools):
    """Fake tools on PATH: no kubectl at all, so the YAML files are read directly."""
    fake_tools.use()
    _old_ingress_annotation(project)
    result = await run_check(IngressClassNameCheck(), make_ctx(project))
    assert result.status == Status.FAIL
    assert "kubectl kustomize unavailable" in result.detail


async def test_unpinned_werkzeug_with_flask_3_warns(project):
    """No stand-in: Flask pinned, Werkzeug left to pip."""
    app = project / "petstore-app"
    (app / "requirements.lock").unlink()
    (app / "requirements.in").write_text("flask==3.1.3\n")
    result = await run_check(FlaskWerkzeugCheck(), make_ctx(project))
    assert result.status == Status.WARN


async def test_missing_folders_skip(tmp_path):
    """No stand-in: an empty folder as --project-dir."""
    for check in CONFIG_CHECKS:
        result = await run_check(check(), make_ctx(tmp_path))
        assert result.status in (Status.SKIP, Status.FAIL), result
        assert result.status != Status.ERROR


async def test_broken_terraform_is_reported_not_raised(project):
    """No stand-in: a .tf file with a syntax error."""
    (project / "terraform/broken.tf").write_text('resource "aws_vpc" "x" {\n  cidr_block = \n')
    result = await run_check(DuplicateOutputsCheck(), make_ctx(project))
    assert result.status == Status.WARN and "broken.tf" in result.detail
    shutil.rmtree(project / "terraform")


def test_terraform_parse_is_cached_by_content(project):
    """No stand-in: the second read comes from the state folder's cache; an edit invalidates it."""
    from checks.project.terraform_files import cached_config
    from petstore_core.settings import state_dir

    cache = state_dir() / "cache"
    first = cached_config(project / "terraform", cache)
    cached = list(cache.glob("terraform-*.json"))
    assert len(cached) == 1
    again = cached_config(project / "terraform", cache)
    assert [(r.type, r.name) for r in again.resources] == [(r.type, r.name) for r in first.resources]
    _duplicate_output(project)
    changed = cached_config(project / "terraform", cache)
    assert len(changed.outputs) == len(first.outputs) + 1
