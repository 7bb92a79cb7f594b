"""What the config checks read, once per context: Terraform with its values as the runbook's plan will see them, the rendered manifests, the controller's files, the Dockerfile and the requirements (readers in checks/project/)."""

from __future__ import annotations

from pathlib import Path

from checks.preflight.context import CheckContext
from checks.project import app_files, iam
from checks.project import manifests as manifest_reader
from checks.project.manifests import Manifests
from checks.project.terraform import Terraform
from checks.project.terraform_files import cached_config
from petstore_core import settings
from petstore_core.terraform_vars import target_var_args


def terraform_cli(ctx: CheckContext) -> list[tuple[str, str]]:
    """The -var/-var-file arguments in order: the context's, else the runbook's for the
    target (cluster_name, region, and the sandbox's switches)."""
    if ctx.terraform_cli is not None:
        return list(ctx.terraform_cli)
    try:
        args = target_var_args(ctx.target)
    except Exception:  # a target whose region cannot be told: Terraform's own values then
        return []
    return [("var", args[i + 1]) for i in range(0, len(args) - 1, 2) if args[i] == "-var"]


def terraform(ctx: CheckContext) -> Terraform:
    def load() -> Terraform:
        config = cached_config(Path(ctx.project_dir) / "terraform", settings.cache_dir())
        return Terraform(config, env=ctx.env, cli=terraform_cli(ctx),
                         data_hooks={"aws_iam_policy_document": iam.policy_document_hook})
    return ctx.memo("terraform", load)


async def manifests(ctx: CheckContext) -> Manifests:
    return await ctx.amemo("manifests", lambda: manifest_reader.render(Path(ctx.project_dir), ctx.run_tool))


def controller_documents(ctx: CheckContext) -> tuple[list[tuple[str, dict]], list[str]]:
    return manifest_reader.controller_documents(Path(ctx.project_dir))


def helm_values(ctx: CheckContext) -> tuple[Path, dict | None, str]:
    return manifest_reader.helm_values(Path(ctx.project_dir))


def dockerfile(ctx: CheckContext) -> tuple[Path, list[dict] | None]:
    return app_files.dockerfile(Path(ctx.project_dir))


def dockerfile_env(ctx: CheckContext) -> dict[str, str]:
    return app_files.dockerfile_env(Path(ctx.project_dir))


def requirements(ctx: CheckContext) -> tuple[str | None, dict[str, str]]:
    return app_files.requirements(Path(ctx.project_dir))
