"""The IAM policies Terraform gives a role, however they are attached (aws_iam_role_policy_attachment, aws_iam_policy_attachment, the exclusive attachments, aws_iam_role_policy, inline_policy, managed_policy_arns) and however a document is written (file(), templatefile(), jsonencode(), a heredoc, a data "aws_iam_policy_document"); a part known only after apply is marked, never guessed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from checks.project.hcl_values import Unknown, is_unknown
from checks.project.terraform import Terraform
from checks.project.terraform_files import TfBlock
from checks.project.terraform_values import exists, expanded_blocks

UNKNOWN_MARK = "${?}"  # stands in a document for a value known only after apply


@dataclass
class AttachedPolicy:
    where: str  # how it reaches the role
    document: dict | None = None  # the policy; UNKNOWN_MARK inside strings known only after apply
    managed_arn: str = ""  # a policy not defined here (AWS managed or another stack's), by ARN text
    unknown: str = ""  # why the document cannot be read
    source: TfBlock | None = None  # the block whose `policy` holds the document


def _marked(value: Any) -> Any:
    """An evaluated value with each Unknown replaced by UNKNOWN_MARK (JSON-ready)."""
    if is_unknown(value):
        return _marked(value.partial) if value.partial is not None else UNKNOWN_MARK
    if isinstance(value, dict):
        return {k: _marked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_marked(v) for v in value]
    return value


def document_of(value: Any) -> tuple[dict | None, str]:
    """(the policy document, why not) from an evaluated `policy` value: JSON text, or an
    Unknown whose known part is the object jsonencode() got or the rendered text."""
    if is_unknown(value) and value.partial is None:
        return None, value.why
    partial = value.partial if is_unknown(value) else value
    if isinstance(partial, dict):
        return _marked(partial), ""
    try:
        document = json.loads(str(partial))
    except ValueError as exc:
        return None, f"not JSON ({exc.msg} at line {exc.lineno})"
    return (document, "") if isinstance(document, dict) else (None, "not a JSON object")


def policy_document_hook(tf: Terraform, block: TfBlock, key: Any, attrs: tuple) -> Any:
    """data.aws_iam_policy_document.<name>.json as the AWS provider builds it:
    source_policy_documents first, then its statements, override_policy_documents
    replacing statements of the same Sid."""
    if not attrs or attrs[0] not in ("json", "minified_json"):
        return Unknown(f"data.aws_iam_policy_document.{block.name}.{attrs[0] if attrs else ''} (known after apply)")
    statements: list = []
    for source in tf.evaluate(block.body.get("source_policy_documents") or [], block, key) or []:
        document, _why = document_of(source)
        statements += (document or {}).get("Statement", []) if document else [{"Action": UNKNOWN_MARK}]
    for stmt in expanded_blocks(tf, block, "statement", key) or [{"Action": [UNKNOWN_MARK]}]:
        statements.append(_statement(stmt))
    for override in tf.evaluate(block.body.get("override_policy_documents") or [], block, key) or []:
        document, _why = document_of(override)
        for stmt in (document or {}).get("Statement", []):
            same = [i for i, s in enumerate(statements) if stmt.get("Sid") and s.get("Sid") == stmt.get("Sid")]
            if same:
                statements[same[0]] = stmt
            else:
                statements.append(stmt)
    document = {"Version": tf.evaluate(block.body.get("version", "2012-10-17"), block, key), "Statement": statements}
    marked = _marked(document)
    return json.dumps(marked) if marked == document else Unknown(
        f"data.aws_iam_policy_document.{block.name} holds values known only after apply", partial=marked)


def _key(value: Any) -> str:
    """A value used as a JSON key (a condition variable, a principal type)."""
    if is_unknown(value):
        return value.partial if isinstance(value.partial, str) else UNKNOWN_MARK
    return str(value)


def _statement(stmt: dict) -> dict:
    out: dict = {"Effect": stmt.get("effect") or "Allow"}
    if stmt.get("sid"):
        out["Sid"] = stmt["sid"]
    for ours, theirs in (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"),
                         ("not_resources", "NotResource")):
        if stmt.get(ours) is not None:
            out[theirs] = stmt[ours]
    for ours, theirs in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
        for principal in stmt.get(ours) or []:
            out.setdefault(theirs, {})[_key(principal.get("type"))] = principal.get("identifiers")
    for condition in stmt.get("condition") or []:
        out.setdefault("Condition", {}).setdefault(_key(condition.get("test")), {})[
            _key(condition.get("variable"))] = condition.get("values")
    return out


def _points_at(value: Any, role: TfBlock, role_name: Any) -> bool:
    """Whether an attachment's role value names `role` (by reference or by its name)."""
    if is_unknown(value):
        return bool(value.ref) and value.ref[0] == "aws_iam_role" and value.ref[1] == role.name
    return not is_unknown(role_name) and role_name is not None and str(value) == str(role_name)


def _by_arn(tf: Terraform, arn: Any, where: str) -> AttachedPolicy:
    if is_unknown(arn) and arn.ref and arn.ref[0] == "aws_iam_policy":
        policy = tf.find("aws_iam_policy", arn.ref[1])
        if policy is not None:
            document, why = document_of(tf.evaluate(policy.body.get("policy"), policy, arn.ref[2]))
            return AttachedPolicy(f"aws_iam_policy.{policy.name} ({policy.file}) {where}", document, unknown=why,
                                  source=policy)
    text = _marked(arn) if not isinstance(_marked(arn), (dict, list)) else UNKNOWN_MARK
    return AttachedPolicy(where, managed_arn=str(text))


def role_policies(tf: Terraform, role: TfBlock) -> list[AttachedPolicy]:
    """Every policy Terraform attaches to `role`."""
    found: list[AttachedPolicy] = []
    role_name = tf.evaluate(role.body.get("name"), role) if "name" in role.body else None
    for inline in expanded_blocks(tf, role, "inline_policy") or []:
        document, why = document_of(inline.get("policy"))
        found.append(AttachedPolicy(f"inline_policy of aws_iam_role.{role.name}", document, unknown=why))
    managed = tf.evaluate(role.body.get("managed_policy_arns") or [], role)
    for arn in managed if isinstance(managed, list) else [managed]:
        found.append(_by_arn(tf, arn, f"in managed_policy_arns of aws_iam_role.{role.name}"))
    for kind, role_key, policy_key in (("aws_iam_role_policy_attachment", "role", "policy_arn"),
                                       ("aws_iam_policy_attachment", "roles", "policy_arn"),
                                       ("aws_iam_role_policy_attachments_exclusive", "role_name", "policy_arns"),
                                       ("aws_iam_role_policy", "role", "policy")):
        for block in tf.of_type(kind):
            keys = tf.instances(block)
            for key in [None] if is_unknown(keys) else keys:
                targets = tf.evaluate(block.body.get(role_key), block, key)
                targets = targets if isinstance(targets, list) else [targets]
                if not any(_points_at(t, role, role_name) for t in targets):
                    continue
                where = f"{kind}.{block.name}" + (f"[{key!r}]" if key is not None else "") + f" ({block.file})"
                value = tf.evaluate(block.body.get(policy_key), block, key)
                if kind == "aws_iam_role_policy":
                    document, why = document_of(value)
                    found.append(AttachedPolicy(where, document, unknown=why, source=block))
                else:
                    for arn in value if isinstance(value, list) else [value]:
                        found.append(_by_arn(tf, arn, f"via {where}"))
    return found


def roles_trusting(tf: Terraform, subject: str) -> list[TfBlock]:
    """The aws_iam_role blocks whose trust policy names `subject` (system:serviceaccount:...)."""
    out = []
    for role in tf.of_type("aws_iam_role"):
        if not exists(tf, role):
            continue
        value = tf.evaluate(role.body.get("assume_role_policy"), role)
        document, _why = document_of(value)
        text = json.dumps(document) if document else str(getattr(value, "partial", value))
        if subject in text:
            out.append(role)
    return out
