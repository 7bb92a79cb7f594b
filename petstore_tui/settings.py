"""Where things live and which target we talk to: state folders, the project checkout,
the Terraform provider mirror, and the operator's choice of profile, region and cluster.

Pure Python and cheap to import: the headless commands load it on every start.
"""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, replace
from pathlib import Path

DEFAULT_CLUSTER = "petstore-eks"
DEFAULT_REGION = "us-east-1"
SANDBOX_CLUSTER = "petstore-sandbox"
APP_NAMESPACE = "petstore"
CONTROLLER_NAMESPACE = "kube-system"
CONTROLLER_RELEASE = "aws-load-balancer-controller"

# Usual homes of a Terraform provider filesystem mirror, searched in order; the setting
# PETSTORE_TF_PROVIDER_MIRROR overrides them.
_MIRROR_GLOBS = (
    "~/.terraform.d/plugins",
    "~/.local/share/terraform/plugins",
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
    "/opt/*",
)


def state_dir() -> Path:
    """Per-user state: journals, the sandbox, acknowledgements. Created on demand."""
    explicit = os.environ.get("PETSTORE_TUI_HOME")
    if explicit:
        base = Path(explicit)
    else:
        xdg = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
        base = Path(xdg) / "petstore-tui"
    base.mkdir(parents=True, exist_ok=True)
    return base


def find_project_dir(start: Path | None = None) -> Path:
    """The checkout holding terraform/, kubernetes/ and docker/: the nearest one above
    `start` (default: the current folder), else the one this package was installed from."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "terraform").is_dir() and (candidate / "kubernetes").is_dir():
            return candidate
    return Path(__file__).resolve().parent.parent


def provider_mirror() -> Path | None:
    """The folder that holds `registry.terraform.io/...` provider packages, or None."""
    explicit = os.environ.get("PETSTORE_TF_PROVIDER_MIRROR")
    if explicit:
        path = Path(explicit).expanduser()
        if path.name == "registry.terraform.io":
            path = path.parent
        return path if (path / "registry.terraform.io").is_dir() else None
    for pattern in _MIRROR_GLOBS:
        for folder in sorted(glob.glob(os.path.expanduser(pattern))):
            if (Path(folder) / "registry.terraform.io").is_dir():
                return Path(folder)
    return None


def terraform_cli_config(mirror: Path, dest: Path) -> Path:
    """Write a Terraform CLI config that installs providers from `mirror` only (offline)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{mirror}"\n'
        '    include = ["registry.terraform.io/*/*"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }\n'
        "}\n"
    )
    return dest


@dataclass(frozen=True)
class Target:
    """What the operator is pointed at. `sandbox` means the local AWS emulator."""

    profile: str | None = None
    region: str | None = None
    cluster: str | None = None
    context: str | None = None  # kubeconfig context
    namespace: str = APP_NAMESPACE
    sandbox: bool = False
    project_dir: Path | None = None

    @property
    def cluster_name(self) -> str:
        if self.cluster:
            return self.cluster
        return SANDBOX_CLUSTER if self.sandbox else DEFAULT_CLUSTER

    @property
    def region_name(self) -> str:
        if self.region:
            return self.region
        if self.sandbox:
            return DEFAULT_REGION
        return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or DEFAULT_REGION

    @property
    def project(self) -> Path:
        return self.project_dir or find_project_dir()

    @property
    def label(self) -> str:
        """One line for headers and journals; never holds a secret."""
        if self.sandbox:
            return f"SANDBOX · {self.region_name} · {self.cluster_name}"
        profile = self.profile or os.environ.get("AWS_PROFILE") or "default"
        return f"{profile} · {self.region_name} · {self.cluster_name}"

    @property
    def key(self) -> str:
        """A file-name-safe id of the target, for per-target journals."""
        profile = "sandbox" if self.sandbox else (self.profile or os.environ.get("AWS_PROFILE") or "default")
        raw = f"{profile}-{self.region_name}-{self.cluster_name}"
        return "".join(c if c.isalnum() or c in "-_." else "_" for c in raw)

    def with_(self, **changes) -> Target:
        return replace(self, **changes)
