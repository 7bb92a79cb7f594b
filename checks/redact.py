"""Mask secrets in any text we show, store or export: AWS keys and session tokens,
bearer and EKS tokens, JWTs, passwords in URLs and in key=value pairs.

Every evidence line, report, journal entry and error message passes through `redact`.
"""

from __future__ import annotations

import re

MASK = "****"

# (pattern, replacement). Order matters: whole-token patterns before key=value ones.
_RULES: list[tuple[re.Pattern[str], str]] = [
    # scheme://user:password@host -> keep user and host
    (re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://[^\s:/@'\"]+:)([^\s@'\"]+)(@)"), rf"\1{MASK}\3"),
    # AWS access key ids (long-term AKIA, temporary ASIA, and the other principal prefixes)
    (re.compile(r"\b((?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|APKA|AROA|ASCA)[A-Z0-9]{4})[A-Z0-9]{12}\b"),
     rf"\1{MASK}"),
    # STS session tokens by their well-known base64 prefixes
    (re.compile(r"\b(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|FQoGZXIvYXdz)[A-Za-z0-9/+=%]{20,}"), MASK),
    # EKS tokens (presigned STS URL, base64url) and JWTs (service-account tokens, OIDC)
    (re.compile(r"\bk8s-aws-v1\.[A-Za-z0-9_\-]+"), f"k8s-aws-v1.{MASK}"),
    (re.compile(r"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]*"), MASK),
    # Authorization headers
    (re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]{8,}=*"), rf"\1 {MASK}"),
    # presigned URL parts
    (re.compile(r"(?i)(X-Amz-(?:Security-Token|Signature|Credential)=)[^&\s'\"]+"), rf"\1{MASK}"),
    # key = value pairs whose key says secret (env files, CLI flags, JSON, YAML, logs)
    (re.compile(
        r"(?i)(\"?\b(?:aws_secret_access_key|aws_session_token|secretaccesskey|sessiontoken|"
        r"secret_?key|secret|password|passwd|pgpassword|db_password|token|api_?key|"
        r"access_?token|auth_?token|client_secret)\"?\s*[:=]\s*\"?)"
        r"(?!\*\*\*\*)([^\s\"',;&}]+)"
    ), rf"\1{MASK}"),
    # `--password X` / `-p X` style flags of docker login, psql, helm repo add
    # (`--password-stdin` takes no value: what follows it is the registry, not a secret)
    (re.compile(r"(?i)(--password[ =]|--token[ =])(?!\*\*\*\*)(\S+)"), rf"\1{MASK}"),
    # ECR authorization tokens: base64 of "AWS:<password>"
    (re.compile(r"\bQVdTOi[A-Za-z0-9+/=]{20,}"), MASK),
]


def redact(text: str, extra_secrets: tuple[str, ...] | list[str] = ()) -> str:
    """Return `text` with every secret we know the shape of replaced by a mask.

    `extra_secrets` are literal values known to be secret in this context (a password
    read from a Secret, a token we minted) and are masked wherever they appear.
    """
    if not text:
        return text
    for secret in extra_secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text
