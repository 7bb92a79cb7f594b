"""Where things live and which target we talk to: state folders, the project checkout,
the Terraform provider mirror, and the operator's choice of profile, region and cluster.

Pure Python and cheap to import: the headless commands load it on every start.
"""

from __future__ import annotations

import os
from pathlib import Path

from petstore_core import region_memo
from petstore_core.record import Record

DEFAULT_CLUSTER = "petstore-eks"
SANDBOX_REGION = "us-east-1"  # the emulator's fixed region; a real target never guesses one
SANDBOX_CLUSTER = "petstore-sandbox"
APP_NAMESPACE = "petstore"
CONTROLLER_NAMESPACE = "kube-system"
CONTROLLER_RELEASE = "aws-load-balancer-controller"
CONTROLLER_SELECTOR = "app.kubernetes.io/name=aws-load-balancer-controller"  # its pods's label
# The annotation that gives a ServiceAccount its IAM role (IRSA)
ROLE_ANNOTATION = "eks.amazonaws.com/role-arn"

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


_fallback_cache: Path | None = None


def cache_dir() -> Path:
    """state_dir()/cache, created. When the state folder cannot be made (a CI runner's
    read-only HOME), a private temporary folder for this process, removed at exit: what
    lives there (tool versions, parsed Terraform, region answers) only saves time, and
    without it `preflight` ended in 'internal error' after running every check."""
    global _fallback_cache
    try:
        folder = state_dir() / "cache"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:
        if _fallback_cache is None:
            # start-up: tempfile brings shutil, random and more; only this fallback needs them
            import atexit
            import shutil
            import tempfile

            _fallback_cache = Path(tempfile.mkdtemp(prefix="petstore-tui-cache-"))
            atexit.register(shutil.rmtree, _fallback_cache, True)
        return _fallback_cache


def find_project_dir(start: Path | None = None) -> Path:
    """The checkout holding terraform/, kubernetes/ and docker/: the nearest one above
    `start` (default: the current folder), else the one this package was installed from."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "terraform").is_dir() and (candidate / "kubernetes").is_dir():
            return candidate
    return Path(__file__).resolve().parent.parent


def shown_path(path: str | os.PathLike) -> str:
    """`path` as a command printed for the operator names it: relative to the current
    folder when it lies inside it, else absolute, so the command works pasted where the
    operator ran petstore-tui (with --project-dir elsewhere, a bare `terraform` would not)."""
    absolute = Path(path).resolve()
    try:
        relative = absolute.relative_to(Path.cwd().resolve())
    except (ValueError, OSError):
        return str(absolute)
    return str(relative) if str(relative) != "." else "."


def provider_mirror() -> Path | None:
    """The folder that holds `registry.terraform.io/...` provider packages, or None."""
    explicit = os.environ.get("PETSTORE_TF_PROVIDER_MIRROR")
    if explicit:
        path = Path(explicit).expanduser()
        if path.name == "registry.terraform.io":
            path = path.parent
        return path if (path / "registry.terraform.io").is_dir() else None
    # start-up: only the Terraform steps ask; the TUI's first frame paid 0.3 ms for glob
    import glob

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


class RegionNotSet(ValueError):
    """A real target with no region from --region, the environment or the profile."""

    def __init__(self, profile: str | None, problem: str = ""):
        named = f"the profile {profile!r}" if profile else "the default profile"
        where = os.environ.get("AWS_CONFIG_FILE") or "~/.aws/config"
        super().__init__(
            f"no AWS region: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or set "
            f"`region = ...` for {named} in {where}" + (f" ({problem})" if problem else ""))


def profile_region(profile: str | None) -> str | None:
    """The region botocore resolves for `profile` (None: AWS_PROFILE, else the default
    profile): AWS_DEFAULT_REGION, then the profile's `region` in the shared config file
    (AWS_CONFIG_FILE, `[profile NAME]` sections) or credentials file. Raises botocore's
    ProfileNotFound. Remembered per exact inputs (region_memo.py): headers ask often, and
    a start should not import botocore to draw its first frame."""
    return region_memo.region(profile, _botocore_region, cache_dir())


def _botocore_region(profile: str | None) -> str | None:
    # start-up: botocore is ~260 modules; only a region read from a profile loads it
    import botocore.session

    return botocore.session.Session(profile=profile or None).get_config_variable("region") or None


def resolve_region(profile: str | None, explicit: str | None = None) -> str:
    """The AWS CLI's order (docs/knowledge/aws-region.md): --region, AWS_REGION,
    AWS_DEFAULT_REGION, the profile's region. RegionNotSet when none is set."""
    if explicit:
        return explicit
    if os.environ.get("AWS_REGION"):
        return os.environ["AWS_REGION"]
    try:
        found = profile_region(profile)
    except Exception as exc:  # ProfileNotFound, an unreadable config file
        raise RegionNotSet(profile or os.environ.get("AWS_PROFILE"), str(exc)) from None
    if not found:
        raise RegionNotSet(profile or os.environ.get("AWS_PROFILE"))
    return found


class Target(Record, frozen=True):
    """What the operator is pointed at. `sandbox` means the local AWS emulator."""

    profile: str | None = None
    region: str | None = None
    cluster: str | None = None
    context: str | None = None  # kubeconfig context
    namespace: str = APP_NAMESPACE
    sandbox: bool = False
    project_dir: Path | None = None
    kubeconfig: Path | None = None  # --kubeconfig: this file instead of KUBECONFIG

    @property
    def cluster_name(self) -> str:
        if self.cluster:
            return self.cluster
        return SANDBOX_CLUSTER if self.sandbox else DEFAULT_CLUSTER

    @property
    def region_name(self) -> str:
        """The region every AWS session of this target uses; RegionNotSet when a real
        target has none (never a guess)."""
        if self.sandbox:
            return self.region or SANDBOX_REGION
        return resolve_region(self.profile, self.region)

    @property
    def region_or_none(self) -> str | None:
        try:
            return self.region_name
        except RegionNotSet:
            return None

    @property
    def project(self) -> Path:
        return self.project_dir or find_project_dir()

    @property
    def label(self) -> str:
        """One line for headers and journals; never holds a secret."""
        if self.sandbox:
            return f"SANDBOX · {self.region_name} · {self.cluster_name}"
        profile = self.profile or os.environ.get("AWS_PROFILE") or "default"
        return f"{profile} · {self.region_or_none or 'no region'} · {self.cluster_name}"

    @property
    def key(self) -> str:
        """A file-name-safe id of the target, for per-target journals (RegionNotSet
        without a region: a journal is always of one region)."""
        profile = "sandbox" if self.sandbox else (self.profile or os.environ.get("AWS_PROFILE") or "default")
        raw = f"{profile}-{self.region_name}-{self.cluster_name}"
        return "".join(c if c.isalnum() or c in "-_." else "_" for c in raw)

    def with_(self, **changes) -> Target:
        return self.replace(**changes)
