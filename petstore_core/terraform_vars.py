"""The -var arguments every Terraform plan, apply and destroy of a target gets: the
cluster's name and region, and in the sandbox the switches that turn off what the
emulator does not implement. The runbook passes them; the preflight reads Terraform's
values through the same ones, so both see the plan Terraform will make."""

from __future__ import annotations

from typing import Any

# What the emulator cannot do (docs/knowledge/dependencies.md): EKS add-ons and access entries
# answer 404; access_config is not kept and re-applying it crashes the provider, and
# enable_access_entries=false also leaves access_config out of the cluster.
SANDBOX_VARIABLES: dict[str, str | bool] = {
    "enable_eks_addons": False,
    "enable_access_entries": False,
}


def _hcl_value(value: str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def sandbox_var_args(extra: dict[str, str | bool] | None = None) -> list[str]:
    """`-var` arguments for plan/apply/destroy in the sandbox (SANDBOX_VARIABLES, then
    `extra`, e.g. {"cluster_name": "petstore-sandbox"})."""
    merged: dict[str, str | bool] = {**SANDBOX_VARIABLES, **(extra or {})}
    args: list[str] = []
    for name, value in merged.items():
        args += ["-var", f"{name}={_hcl_value(value)}"]
    return args


def target_var_args(target: Any, environment: str | None = None) -> list[str]:
    """The -var arguments every plan/apply/destroy of `target` gets (preflight reads
    Terraform's values through the same ones)."""
    extra: dict[str, Any] = {"cluster_name": target.cluster_name, "region": target.region_name}
    if environment:
        extra["environment"] = environment
    if target.sandbox:
        return sandbox_var_args(extra)
    args: list[str] = []
    for name, value in extra.items():
        args += ["-var", f"{name}={value}"]
    return args
