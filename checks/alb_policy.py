"""Which IAM actions each AWS Load Balancer Controller release needs, and whether a policy (wildcards, Deny, NotAction) grants them."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from checks.alb_releases import (  # noqa: F401  (the release table, re-exported)
    ADDED,
    HELM_CHART_VERSION,
    INSTALLED_RELEASE,
    parse_release,
    reason_for,
    release_introducing,
    required_actions,
)

# terraform/policies/aws-load-balancer-controller.json: the installed release's
# docs/install/iam_policy.json (checks/alb_releases.py holds the release table)
POLICY_FILE = Path("terraform/policies/aws-load-balancer-controller.json")


# ---- policy documents ---------------------------------------------------------------------

@dataclass(frozen=True)
class ActionPatterns:
    """What a set of policy documents allows and denies, by action pattern.

    `allow_not`/`deny_not` hold the NotAction lists of statements (each a tuple). Denies
    with a Condition are kept apart (`conditional_deny`): whether they apply depends on
    the request, so coverage does not count them.
    """

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    allow_not: tuple[tuple[str, ...], ...] = ()
    deny_not: tuple[tuple[str, ...], ...] = ()
    conditional_deny: tuple[str, ...] = ()
    create_time_addtags: bool = False  # an Allow for AddTags usable while creating
    statements: list[dict] = field(default_factory=list, compare=False, repr=False)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _documents(policy: Any) -> list[dict]:
    if isinstance(policy, (str, bytes)):
        policy = json.loads(policy)
    if isinstance(policy, dict):
        return [policy]
    docs: list[dict] = []
    for item in policy or []:
        docs.extend(_documents(item))
    return docs


def policy_actions(policy_document: Any) -> ActionPatterns:
    """The action patterns of one policy document (dict or JSON text) or of several (a
    list of them, e.g. every policy attached to a role)."""
    allow: list[str] = []
    deny: list[str] = []
    allow_not: list[tuple[str, ...]] = []
    deny_not: list[tuple[str, ...]] = []
    conditional_deny: list[str] = []
    create_time = False
    statements: list[dict] = []
    for doc in _documents(policy_document):
        raw = doc.get("Statement", [])
        for stmt in [raw] if isinstance(raw, dict) else raw:
            if not isinstance(stmt, dict):
                continue
            statements.append(stmt)
            effect = str(stmt.get("Effect", "")).lower()
            actions = _as_list(stmt.get("Action"))
            not_actions = tuple(_as_list(stmt.get("NotAction")))
            if effect == "allow":
                allow.extend(actions)
                if not_actions:
                    allow_not.append(not_actions)
                if any(_match(p, "elasticloadbalancing:AddTags") for p in actions) and _usable_at_create(stmt):
                    create_time = True
            elif effect == "deny":
                if stmt.get("Condition"):
                    conditional_deny.extend(actions)
                    continue
                deny.extend(actions)
                if not_actions:
                    deny_not.append(not_actions)
    return ActionPatterns(tuple(allow), tuple(deny), tuple(allow_not), tuple(deny_not),
                          tuple(conditional_deny), create_time, statements)


def _usable_at_create(stmt: dict) -> bool:
    """An AddTags grant works while creating a load balancer or target group when it has
    no condition, or conditions on elasticloadbalancing:CreateAction, and its Resource
    covers load balancers or target groups; a grant whose
    condition requires `aws:RequestTag/...` to be absent (Null: true) fails then."""
    resources = _as_list(stmt.get("Resource"))
    if resources and not any(_match(r, "arn:aws:elasticloadbalancing:r:1:loadbalancer/app/x/1")
                             or _match(r, "arn:aws:elasticloadbalancing:r:1:targetgroup/x/1") for r in resources):
        return False  # e.g. the grant for listeners and rules only
    condition = stmt.get("Condition") or {}
    if not condition:
        return True
    for operator, tests in condition.items():
        if not isinstance(tests, dict):
            continue
        for key, value in tests.items():
            if key.lower() == "elasticloadbalancing:createaction":
                return True
            if operator.lower() == "null" and key.lower().startswith("aws:requesttag/") \
                    and str(value).lower() == "true":
                return False
    return False


def _match(pattern: str, action: str) -> bool:
    return fnmatchcase(action.lower(), pattern.lower())


def covers(patterns: ActionPatterns | Iterable[str], action: str) -> bool:
    """Whether `action` is allowed and not unconditionally denied. `patterns` is an
    ActionPatterns or a plain list of allowed patterns (`*`, `ec2:Describe*`)."""
    if not isinstance(patterns, ActionPatterns):
        patterns = ActionPatterns(allow=tuple(patterns))
    if any(_match(p, action) for p in patterns.deny):
        return False
    if any(not any(_match(p, action) for p in group) for group in patterns.deny_not):
        return False
    if any(_match(p, action) for p in patterns.allow):
        return True
    return any(not any(_match(p, action) for p in group) for group in patterns.allow_not)


def missing_actions(patterns: ActionPatterns | Iterable[str], release: str = INSTALLED_RELEASE) -> list[str]:
    """The actions `release` needs that the patterns do not grant, sorted, plus
    elasticloadbalancing:AddTags when it is granted only in a form that fails at create
    time (v2.5.0 and later)."""
    missing = sorted(a for a in required_actions(release) if not covers(patterns, a))
    if (isinstance(patterns, ActionPatterns) and patterns.statements
            and parse_release(release) >= (2, 5, 0)
            and "elasticloadbalancing:AddTags" not in missing
            and not patterns.create_time_addtags
            and not any(_match(p, "elasticloadbalancing:AddTags") and p != "elasticloadbalancing:AddTags"
                        for p in patterns.allow)):
        missing.append("elasticloadbalancing:AddTags")
    return missing


def read_policy_file(project_dir: Path) -> dict:
    """The complete current policy as this repository keeps it."""
    return json.loads((Path(project_dir) / POLICY_FILE).read_text())
