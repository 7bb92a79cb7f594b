"""config.files and config.k8s-api on copies of this repository: files that do not parse or build fail with file:line, Terraform's own parser is asked before python-hcl2 is believed, variables nobody declares fail like terraform plan; objects carry their source file. Stand-ins: named per test."""

from __future__ import annotations

import shutil
from pathlib import Path

from checks.model import Status
from checks.preflight.config.files import ConfigFilesCheck
from checks.preflight.config.k8s_api import KubernetesApiCheck
from checks.preflight.runner import run_check
from tests.preflight.conftest import make_ctx

BROKEN = ('cidr_block           = "10.0.0.0/16"', "cidr_block           =")


def break_network(project: Path) -> None:
    path = project / "terraform/network.tf"
    path.write_text(path.read_text().replace(*BROKEN))


async def test_terraform_confirms_the_syntax_error_and_its_line(project):
    """The real terraform (`terraform fmt`) and python-hcl2 agree; the report says Terraform's words."""
    if shutil.which("terraform") is None:
        import pytest

        pytest.skip("terraform is not on PATH")
    break_network(project)
    result = await run_check(ConfigFilesCheck(), make_ctx(project))
    assert result.status == Status.FAIL
    assert "terraform/network.tf:7: does not parse: Invalid expression" in result.detail


async def test_a_file_terraform_reads_is_unknown_not_broken(project, fake_tools):
    """Fake terraform on PATH whose `fmt` accepts the file (as for syntax python-hcl2 does not
    know): the file is reported as unknown to the checks, not failed; kubectl kustomize is the
    real one (PATH keeps the machine's tools)."""
    break_network(project)
    fake_tools.add("terraform", responses={"fmt": (0, "", "")})
    fake_tools.use(only=False)
    result = await run_check(ConfigFilesCheck(), make_ctx(project))
    assert result.status == Status.WARN and result.summary.startswith("unknown: terraform/network.tf")
    assert fake_tools.calls("terraform")[0][:2] == ["fmt", "-check"]


async def test_without_terraform_python_hcl2_is_believed(project, fake_tools):
    """Fake tools on PATH: no terraform, no kubectl (the YAML files are read as they are)."""
    break_network(project)
    fake_tools.use()
    result = await run_check(ConfigFilesCheck(), make_ctx(project))
    assert result.status == Status.FAIL and "terraform/network.tf:7" in result.summary


async def test_undeclared_variables_and_cli_values_fail_like_terraform(project):
    """No stand-in: a reference to a variable nobody declares, and a -var for one."""
    path = project / "terraform/eks.tf"
    path.write_text(path.read_text().replace("version                   = var.kubernetes_version",
                                             "version                   = var.k8s_version"))
    result = await run_check(ConfigFilesCheck(), make_ctx(project, terraform_cli=[("var", "colour=blue")]))
    assert result.status == Status.FAIL and result.failure_id == "terraform-undeclared-variable"
    assert "terraform/eks.tf:" in result.detail and "var.k8s_version" in result.detail
    assert "Value for undeclared variable 'colour'" in result.detail


async def test_an_overlay_that_does_not_build_is_named(project):
    """The real kubectl kustomize: a JSON 6902 patch on a path that does not exist."""
    path = project / "kubernetes/overlays/dev/kustomization.yaml"
    path.write_text(path.read_text().replace("path: /data/LOG_LEVEL", "path: /data/NOPE/LEVEL"))
    result = await run_check(ConfigFilesCheck(), make_ctx(project))
    assert result.status == Status.FAIL
    assert "kubernetes/overlays/dev/kustomization.yaml: kubectl kustomize does not build it" in result.detail
    assert "missing path: /data/NOPE/LEVEL" in result.detail
    api = await run_check(KubernetesApiCheck(), make_ctx(project))
    assert api.status == Status.WARN and "overlays/dev: does not build" in api.summary


async def test_violations_name_the_source_file_through_kustomize(project):
    """The real kubectl kustomize: a Service port renamed in base shows in both overlays,
    reported once with its file."""
    path = project / "kubernetes/base/service.yaml"
    path.write_text(path.read_text().replace("    - name: http\n", "    - name: Web_Port\n"))
    result = await run_check(KubernetesApiCheck(), make_ctx(project))
    assert result.status == Status.FAIL
    line = next(x for x in result.detail.splitlines() if "Web_Port" in x)
    assert line.startswith("kubernetes/base/service.yaml: Service/petstore: spec.ports[0].name")
    assert line.endswith("(overlays/dev, overlays/prod)")


async def test_the_overlays_build_side_by_side(project):
    """Stand-in: a runner that holds every `kubectl kustomize` until all overlays have
    asked (one after another, the first would wait forever), then runs the real one."""
    import asyncio

    from checks.preflight.context import default_tool_runner
    from checks.project import manifests

    asked: list[str] = []
    everyone = asyncio.Event()
    count = len(manifests.overlays(project))

    async def together(argv, timeout):
        asked.append(argv[-1])
        if len(asked) == count:
            everyone.set()
        await asyncio.wait_for(everyone.wait(), 5)
        return await default_tool_runner(argv, timeout)

    assert count >= 2
    rendered = await manifests.render(project, together)
    assert len(asked) == count and not rendered.failures
    assert {where for where, _doc in rendered.documents} == {"overlays/dev", "overlays/prod"}


def test_yaml_errors_keep_the_pure_python_parsers_words(project):
    """libyaml parses; a file it refuses is read again by PyYAML's own parser, whose
    wording and line the check shows."""
    import yaml

    from checks.project.manifests import load_all, yaml_problems

    text = "a: 1\nb: [1, 2\nc: 3\n"
    (project / "kubernetes/base/broken.yaml").write_text(text)
    try:
        list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        expected = exc
    problem = next(p for p in yaml_problems(project) if p.file.endswith("broken.yaml"))
    assert problem.line == expected.problem_mark.line + 1 and expected.problem in problem.message
    assert load_all("a: 1\n---\n- x\n") == [{"a": 1}, ["x"]]
