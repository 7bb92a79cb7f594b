"""Tell a permission refusal from other errors: AWS's AccessDenied/UnauthorizedOperation codes, HTTP 403, and Kubernetes' Forbidden (RBAC)."""

from __future__ import annotations

import json
import re

NOT_PERMISSION = ("InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "AuthFailure")

DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Forbidden",
                "UnauthorizedAccess", "AuthorizationError"}


def denial(exc: BaseException) -> tuple[str, str] | None:
    """(code, message) when `exc` is a permission refusal, else None."""
    response = getattr(exc, "response", None)
    if isinstance(response, dict):  # botocore ClientError
        error = response.get("Error") or {}
        status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode")
        code, message = str(error.get("Code") or ""), str(error.get("Message") or "")
        # an XML error body botocore could not parse (a REST-JSON service answering as the
        # query protocol does): its own <Code> says what it is
        inner = re.search(r"<Code>([^<]+)</Code>", message) if code in ("", str(status)) else None
        if inner:
            code = inner.group(1)
            message = (re.search(r"<Message>([^<]*)</Message>", message) or inner).group(1)
        if code in DENIED_CODES or (status == 403 and code not in NOT_PERMISSION):
            return code or "403", message
        return None
    if getattr(exc, "status", None) == 403:  # kubernetes ApiException

        try:
            message = json.loads(getattr(exc, "body", "") or "{}").get("message", "")
        except ValueError:
            message = str(getattr(exc, "reason", ""))
        return "Forbidden", str(message)
    return None
