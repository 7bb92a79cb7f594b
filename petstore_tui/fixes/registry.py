"""Every fix, in one explicit tuple (as checks/preflight/registry.py lists the checks): the order is the order `fix` tries them for an id several handle."""

from __future__ import annotations

from petstore_tui.fixes.base import Fix
from petstore_tui.fixes.controller_policy import ControllerPolicyFix
from petstore_tui.fixes.dockerfile_user import DockerfileUserFix
from petstore_tui.fixes.duplicate_output import DuplicateOutputFix
from petstore_tui.fixes.duplicate_sg_rule import DuplicateSgRuleFix
from petstore_tui.fixes.flask_werkzeug import FlaskWerkzeugFix
from petstore_tui.fixes.ingressclass import IngressClassFix
from petstore_tui.fixes.service_account_role import ServiceAccountRoleFix
from petstore_tui.fixes.subnet_role_tags import SubnetRoleTagsFix

ALL_FIXES: tuple[type[Fix], ...] = (
    SubnetRoleTagsFix,
    ControllerPolicyFix,
    IngressClassFix,
    ServiceAccountRoleFix,
    DockerfileUserFix,
    FlaskWerkzeugFix,
    DuplicateOutputFix,
    DuplicateSgRuleFix,
)


def all_fixes() -> tuple[Fix, ...]:
    return tuple(cls() for cls in ALL_FIXES)
